"""The session lifecycle: a lobby, then activities opened and closed one at a
time, then the end. Opening an activity closes the one that was open, so the
room always looks at one question; the one exception is an activity that runs
*beside* the others (a Q&A): it stays open while others are opened and closed on
screen, until the host closes it (``side``).
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
    # Activities whose kind may stay open beside the one on screen (a Q&A).
    beside: frozenset[str] = frozenset()

    def open(self, activity_id: str) -> str | None:
        """Open ``activity_id``; return the id of an activity this closed, if any
        (``open_closing`` gives them all)."""
        closed = self.open_closing(activity_id)
        return closed[0] if closed else None

    def open_closing(self, activity_id: str) -> tuple[str, ...]:
        """Open ``activity_id`` and put it on screen; return the ids of the activities
        this closed. An open activity that runs beside the others stays open, unless
        another one of its sort opens (one side at a time)."""
        self._refuse_if_ended()
        self._require_known(activity_id)
        if self.statuses[activity_id] == REVEALED:
            raise DomainError("revealed", "This question's answer has been shown: it cannot be opened again.", "activity_id")
        closed = []
        for other, status in self.statuses.items():
            if other == activity_id or status != OPEN:
                continue
            if other in self.beside and activity_id not in self.beside:
                continue  # it stays open beside the new one
            self.statuses[other] = CLOSED
            closed.append(other)
        self.statuses[activity_id] = OPEN
        self.current_activity_id = activity_id
        self.phase = ACTIVITY
        return tuple(closed)

    @property
    def side(self) -> str | None:
        """The activity open beside the one on screen (a Q&A), if any."""
        for activity_id, status in self.statuses.items():
            if status == OPEN and activity_id in self.beside and activity_id != self.current_activity_id:
                return activity_id
        return None

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
