"""The running sessions of this process, and the use cases that act on them.

The database is the truth; ``SessionState`` (running/state.py) is a cache of it,
rebuilt from the database the first time a process touches a session (so a
restarted server carries on where it stopped). The use cases live in
``live/services/running/``, split along their seams:

- ``state``: the one home of a session's live state; ``loading``: building it from
  the database; ``counting``: counting committed answers once;
- ``views``: what screens are told (``state``, ``results``, ``presence``) and the
  coalesced pushes;
- ``participants``: host screens, participants joining and coming back, nicknames,
  removals; ``joins``: who may come in (the host's lock, the expected size and
  phones waiting for the host, removing many);
- ``answers``: check, commit (group committer), count, acknowledge;
- ``controls``: open, close, the kinds' commands, timed closes, the end;
- ``sync``: several processes (notices, database checks, take-over).

Every use case returns what must be told to whom (``Outbound`` for clients,
``Notice`` for the other processes); only ``live/realtime/outbound.py`` sends them.

Clocks: durations inside a process are measured on the monotonic clock
(``Runtime.clock``); the wall clock is kept for what crosses processes and restarts
(see live/services/running/state.py).

Memory: an ended session stays cached while phones or host screens still use it,
then leaves (``evict_finished``); a phone or host coming back later loads it again
from the database and finds it ended, with its summary.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from live.domain.profanity import ProfanityFilter
from live.offload import Offload, run_here
from live.domain.session import ENDED
from live.services import archives
from live.services import summary as summaries
from live.services.messages import Message, Outbound, hosts_room, session_room
from live.domain.joins import Removal
from live.services.running import answers, controls, joins, participants, reactions, sync, views
from live.services.running.context import Context
from live.services.running.state import AnswerInput, SessionState
from live.store.committer import GroupCommitter

__all__ = ["AnswerInput", "Runtime", "SessionState"]

log = logging.getLogger(__name__)

# An ended session leaves memory once nobody used it here for this long.
ENDED_GRACE_SECONDS = 120.0


class Runtime:
    """Every running session of this process: a thin face over ``running/``."""

    def __init__(
        self, sessions: sessionmaker, committer: GroupCommitter, secret_key: str, archive_dir: Path,
        server_filter: ProfanityFilter | None = None, max_participants: int = 0, timezone_name: str | None = None,
        answer_rate: float = 2.0, answer_burst: int = 30, offload: Offload = run_here,
    ) -> None:
        if server_filter is None:
            from live.wordlists import default_filter  # the shipped lists, read once at start

            server_filter = default_filter()
        self.ctx = Context(
            sessions, committer, secret_key, Path(archive_dir), server_filter, max_participants=max_participants,
            timezone=timezone_name, answer_rate=answer_rate, answer_burst=answer_burst,
        )
        # The host's controls over who comes in (live/services/running/joins.py).
        self.joins = joins.Door(self.ctx)
        # Where CPU-heavy work (writing an archive) runs: the worker pool (live/offload.py).
        self._offload = offload

    @property
    def clock(self) -> Callable[[], float]:
        """This process's monotonic clock (durations; tests set a fake one)."""
        return self.ctx.clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        self.ctx.clock = clock
        for state in list(self.ctx.states.values()):
            state.clock = clock

    @property
    def server_filter(self) -> ProfanityFilter:
        """The server's word lists (shipped lists plus LIVE_PROFANITY_FILE)."""
        return self.ctx.server_filter

    @property
    def clustered(self) -> bool:
        """True when other processes serve the same sessions (notices are returned)."""
        return self.ctx.clustered

    @clustered.setter
    def clustered(self, value: bool) -> None:
        self.ctx.clustered = value

    # -- the cache ---------------------------------------------------------------

    def state(self, code: str) -> SessionState:
        """The cached state of session ``code``, loaded from the database on first use."""
        return self.ctx.state(code)

    def forget(self, code: str) -> None:
        """Drop session ``code`` from this process's cache: it was deleted, and a phone
        or host screen must not find it here any more."""
        with self.ctx.load_lock:
            self.ctx.states.pop(code, None)

    def reload_plan(self, code: str) -> list[Message]:
        """Reload a session whose plan was edited; tells its screens the new state."""
        messages: list[Message] = list(self.ctx.notice(code, {"t": "reload"}, urgent=True))
        cached = self.ctx.states.get(code)
        if cached is None:
            return messages
        self.ctx.refresh(cached)
        # Host screens get the whole new plan: their activity ids are stale.
        return messages + [
            Outbound("state", views.public_state(cached), session_room(code)),
            Outbound("host_state", views.host_view(cached), hosts_room(code)),
        ]

    # -- views -------------------------------------------------------------------

    def public_state(self, state: SessionState) -> dict:
        """The ``state`` event: phase and current activity as participants may see them."""
        return views.public_state(state)

    def results(self, state: SessionState, activity_id: str) -> dict:
        """The host's ``results`` event of one activity."""
        return views.results(state, activity_id)

    def phone_results(self, state: SessionState, activity_id: str) -> dict | None:
        """The ``results`` phones see once the activity's results are shown, or None."""
        return views.phone_results(state, activity_id)

    def moderation_view(self, state: SessionState, activity_id: str) -> dict | None:
        """The facilitator's moderation view of an activity (moderated kinds), or None."""
        return views.moderation_view(state, activity_id)

    def presence(self, state: SessionState) -> dict:
        """The ``presence`` event: participants joined, and connected now."""
        return views.presence(state)

    def host_view(self, state: SessionState) -> dict:
        """Everything a host screen needs when it (re)connects."""
        return views.host_view(state)

    def pending_pushes(self, pushes_for: Callable[[str], bool] | None = None) -> list[Outbound]:
        """Results and presence changed since the last call, for the host screens."""
        return views.pending_pushes(list(self.ctx.states.values()), pushes_for)

    # -- participants --------------------------------------------------------------

    def connect_host(self, code: object, host_token: object) -> SessionState:
        """Check a host connection; raises ``unknown_session`` or ``forbidden``."""
        return participants.connect_host(self.ctx, code, host_token)

    def join(self, code: object, token: object, name: object) -> tuple[SessionState, dict, list[Message]]:
        """A participant connects; returns the state, the ``welcome`` and the notices."""
        return participants.join(self.ctx, code, token, name)

    def enter(self, code: object, name: object, waiting_since: int) -> tuple[SessionState, dict, list[Message]]:
        """A phone that waited for the host comes in; the state, its ``welcome``, the notices."""
        return participants.enter(self.ctx, code, name, waiting_since)

    def stop_waiting(self, code: str) -> None:
        """A phone waiting for the host here came in or went away."""
        state = self.ctx.states.get(code)
        if state is not None:
            joins.stop_waiting(state)

    def remove_many(self, state: SessionState, removal: Removal) -> tuple[dict, list[Message]]:
        """Count or remove the participants ``removal`` picks (live/domain/joins.py)."""
        return joins.remove_many(self.ctx, state, removal)

    def leave(self, code: str, participant_id: str) -> None:
        """A participant's connection closed (they stay a participant and may come back)."""
        participants.leave(self.ctx, code, participant_id)

    def remove_participant(self, state: SessionState, participant_id: object) -> list[Message]:
        """The host removes a participant."""
        return participants.remove(self.ctx, state, participant_id)

    # -- answers -------------------------------------------------------------------

    def check_answer_rate(self, code: str, participant_id: str) -> None:
        """Refuse with ``rate_limited`` a participant answering too fast."""
        answers.allowed_rate(self.ctx, self.ctx.state(code), participant_id)

    def submit_answer(self, code: str, participant_id: str, answer: AnswerInput) -> tuple[dict, list[Message]]:
        """Check, commit, then count an answer; the ack once it is durable, and the notices."""
        return answers.submit(self.ctx, code, participant_id, answer)

    def participate(self, code: str, participant_id: str, name: str, data: dict) -> tuple[dict, list[Message]]:
        """A participant command beyond ``answer`` (``ask``, ``upvote``...): the ack once
        what it stores is durable, and the notices."""
        return answers.participate(self.ctx, code, participant_id, name, data)

    # -- reactions -------------------------------------------------------------------

    def react(self, code: str, participant_id: str, emoji: object) -> tuple[dict, list[Message]]:
        """A participant sends a reaction (live/services/running/reactions.py): counted
        in memory, pushed and stored later; the ack and the notices."""
        return reactions.react(self.ctx, code, participant_id, emoji)

    def store_reactions(self) -> list[Message]:
        """Add the reactions counted here to the database (about once a second)."""
        return reactions.store(self.ctx, list(self.ctx.states.values()))

    # -- host controls -------------------------------------------------------------

    def open_activity(self, state: SessionState, activity_id: str) -> list[Message]:
        """Open an activity (closing the open one); everyone is told the new state."""
        return controls.open_activity(self.ctx, state, activity_id)

    def close_activity(self, state: SessionState, activity_id: str) -> list[Message]:
        """Close an open activity; it stays on screen with its results."""
        return controls.close_activity(self.ctx, state, activity_id)

    def command(self, state: SessionState, name: str, data: dict, activity_id: str | None) -> tuple[dict, list[Message]]:
        """Run a kind's host command (``reveal``, ``moderate``, ``shortlist``...) on
        ``activity_id`` (None for a command about the whole session, such as
        ``podium``); the host's ack and what to tell whom."""
        return controls.run_command(self.ctx, state, name, data, activity_id)

    def run_command(self, state: SessionState, name: str, data: dict, activity_id: str | None) -> list[Message]:
        """``command``, when only what to tell matters."""
        return self.command(state, name, data, activity_id)[1]

    def expire_timed(self, pushes_for: Callable[[str], bool] | None = None) -> list[Message]:
        """Close every open timed activity whose time is over."""
        return controls.expire_timed(self.ctx, list(self.ctx.states.values()), pushes_for)

    def end_session(
        self, state: SessionState, locale: str = "en", share_with_participants: bool | None = None,
    ) -> tuple[dict, list[Message]]:
        """End the session and write its archive; the facts for the ack (where the
        archive is, or ``archive_error`` when it could not be written) and what to tell.
        ``share_with_participants`` (default: the session's setting) gives phones a
        link to the summary.

        The session ends for everyone even when the archive cannot be written (a full
        disk): it is written again when the server next starts, by ``live archive
        export``, or when the host ends it again. Ending twice gives the same answer: a
        host that lost the first ack can ask again."""
        messages = controls.end(self.ctx, state, locale)
        # Answers accepted before the end are still being committed: wait for them,
        # so the archive holds every acknowledged answer; and every reaction counted.
        self.ctx.committer.flush()
        reactions.settle(self.ctx, state)
        written, archive_error = self._write_archive(state, locale)
        facts = {"code": state.code, "archive_path": state.archive_path}
        if archive_error:
            facts["archive_error"] = archive_error
        if written:
            share = state.settings.get("share_with_participants") if share_with_participants is None else share_with_participants
            if share:
                state.summary_path = archives.share_with_participants(self.ctx.sessions, self.ctx.secret_key, state.code)
                messages.append(Outbound("state", views.public_state(state), session_room(state.code)))
            messages += self.ctx.notice(state.code, {"t": "lifecycle"}, urgent=True)
        if not messages:  # ended before: everyone hears the ended state again
            messages.append(Outbound("state", views.public_state(state), session_room(state.code)))
        return facts, messages

    def _write_archive(self, state: SessionState, locale: str) -> tuple[bool, dict | None]:
        """Write the archive of a session that has just ended (unless it is written), in
        the worker pool; (whether it was written now, what went wrong for the host).

        Not under ``state.lock``: writing takes seconds for a large session, and the
        loop that pushes every session's results takes that lock. Its own lock keeps
        two ``end`` from writing the same archive at once."""
        with state.archive_lock:
            if state.archive_path is not None:
                return False, None
            try:
                path = summaries.archive_session(
                    self.ctx.sessions, state.code, self.ctx.archive_dir, self.ctx.server_filter, locale,
                    self.ctx.timezone, offload=self._offload,
                )
            except Exception as error:  # noqa: BLE001 - a full disk must not keep the session open
                log.exception("session %s ended, but its archive could not be written", state.code)
                return False, summaries.archive_failure(error)
            state.archive_path = str(path)
        return True, None

    # -- several processes ---------------------------------------------------------

    def cached_codes(self) -> list[str]:
        """The sessions this process has loaded and that have not ended: the ones whose
        leases, presence and database checks the cluster keeps up."""
        return [code for code, state in list(self.ctx.states.items()) if state.lifecycle.phase != ENDED]

    def apply_notice(self, code: str, notice: dict, sender: str) -> None:
        """Another process (``sender``) committed ``notice`` in session ``code``."""
        sync.apply_notice(self.ctx, code, notice, sender)

    def reload(self, code: str) -> None:
        """Rebuild a cached session from the database (notices may have been lost)."""
        state = self.ctx.states.get(code)
        if state is not None:
            self.ctx.refresh(state)

    def take_over(self, code: str) -> None:
        """This process now pushes session ``code``."""
        sync.take_over(self.ctx, code)

    def check_against_database(self, code: str) -> bool:
        """Compare this cache with the database; True when it had to be reloaded."""
        return sync.check_against_database(self.ctx, code)

    def local_presence(self) -> dict[str, int]:
        """Participants connected to this process, per running session."""
        return {
            code: state.local_connected()
            for code, state in list(self.ctx.states.items()) if state.lifecycle.phase != ENDED
        }

    def local_waiting(self) -> dict[str, int]:
        """Phones waiting for the host on this process, per running session (announced
        with presence)."""
        return {
            code: state.waiting_here
            for code, state in list(self.ctx.states.items()) if state.waiting_here and state.lifecycle.phase != ENDED
        }

    def forget_silent_processes(self) -> None:
        """Stop counting the connections of a process not heard of for a while."""
        sync.forget_silent_processes(self.ctx)

    # -- memory ----------------------------------------------------------------------

    def evict_finished(self) -> list[str]:
        """Drop from memory the ended sessions nobody has used here for
        ``ENDED_GRACE_SECONDS`` (about 70 KB each, and a long-running server ends many);
        returns their codes. Called now and then by the push loop. A phone or host
        screen coming back later loads the session again from the database: it finds
        it ended, with its summary."""
        now, evicted = self.ctx.clock(), []
        for code, state in list(self.ctx.states.items()):
            if not _finished_and_quiet(state, now):
                continue
            with self.ctx.load_lock, state.lock:
                # Checked again under the locks: a phone may have just come back.
                if self.ctx.states.get(code) is state and _finished_and_quiet(state, now):
                    del self.ctx.states[code]
                    evicted.append(code)
        return evicted


def _finished_and_quiet(state: SessionState, now: float) -> bool:
    """True once ``state`` ended, is archived, has nothing in flight and has had no
    participant connected here for the grace period (counted from the first time this
    is seen quiet)."""
    quiet = (
        state.lifecycle.phase == ENDED and state.archive_path is not None and not state.inflight
        and not state.reactions.unstored
        and not any(count > 0 for count in list(state.connections.values()))
    )
    if not quiet:
        state.quiet_since = None
        return False
    if state.quiet_since is None:
        state.quiet_since = now
    return now - state.quiet_since >= ENDED_GRACE_SECONDS
