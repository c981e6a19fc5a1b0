"""The session lifecycle: a lobby, then activities opened and closed one at a
time, then the end. Opening an activity closes the one that was open, so the
room always looks at one question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from live.domain.errors import DomainError

LOBBY, ACTIVITY, ENDED = "lobby", "activity", "ended"
# Activities one session holds at most.
MAX_ACTIVITIES = 100
PENDING, OPEN, CLOSED, REVEALED = "pending", "open", "closed", "revealed"


@dataclass
class Lifecycle:
    """Where a session stands: its phase, its current activity and each activity's status."""

    phase: str = LOBBY
    current_activity_id: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)

    def open(self, activity_id: str) -> str | None:
        """Open ``activity_id``; return the id of the activity this closed, if any."""
        self._refuse_if_ended()
        self._require_known(activity_id)
        if self.statuses[activity_id] == REVEALED:
            raise DomainError("revealed", "This question's answer has been shown: it cannot be opened again.", "activity_id")
        previous = self.current_activity_id
        closed = None
        if previous and previous != activity_id and self.statuses[previous] == OPEN:
            self.statuses[previous] = CLOSED
            closed = previous
        self.statuses[activity_id] = OPEN
        self.current_activity_id = activity_id
        self.phase = ACTIVITY
        return closed

    def close(self, activity_id: str) -> None:
        """Close ``activity_id``, which must be open; it stays on screen with its results."""
        self._refuse_if_ended()
        self._require_known(activity_id)
        if self.statuses[activity_id] != OPEN:
            raise DomainError("not_open", "This activity is not open.", "activity_id")
        self.statuses[activity_id] = CLOSED

    def reveal(self, activity_id: str) -> bool:
        """Show a quiz question's answer: it closes if still open. Returns True if it was open."""
        self._refuse_if_ended()
        self._require_known(activity_id)
        status = self.statuses[activity_id]
        if status == PENDING:
            raise DomainError("not_open", "This question has not been asked yet.", "activity_id")
        if status == REVEALED:
            raise DomainError("revealed", "This answer is already shown.", "activity_id")
        self.statuses[activity_id] = REVEALED
        self.current_activity_id = activity_id
        self.phase = ACTIVITY
        return status == OPEN

    def end(self) -> None:
        """End the session: every open activity is closed and nothing can be answered."""
        self._refuse_if_ended()
        for activity_id, status in self.statuses.items():
            if status == OPEN:
                self.statuses[activity_id] = CLOSED
        self.phase = ENDED

    def check_answerable(self, activity_id: str) -> None:
        """Raise unless ``activity_id`` takes answers right now."""
        self._refuse_if_ended()
        self._require_known(activity_id)
        status = self.statuses[activity_id]
        if status == PENDING:
            raise DomainError("not_open", "This activity is not open yet.", "activity_id")
        if status in (CLOSED, REVEALED):
            raise DomainError("closed", "This activity is closed.", "activity_id")

    @property
    def has_started(self) -> bool:
        """True once any activity has been opened: from then on the plan is frozen."""
        return any(status != PENDING for status in self.statuses.values()) or self.phase == ENDED

    def _refuse_if_ended(self) -> None:
        if self.phase == ENDED:
            raise DomainError("session_ended", "This session has ended.")

    def _require_known(self, activity_id: str) -> None:
        if activity_id not in self.statuses:
            raise DomainError("unknown_activity", "There is no such activity in this session.", "activity_id")
