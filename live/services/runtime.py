"""A running session: who is in, what is open, the live tallies.

The database is the truth; ``SessionState`` is a cache of it, rebuilt from the
database the first time a process touches a session (so a restarted server
carries on where it stopped). Answers are checked against the cache, committed
through the group committer, and only then counted and acknowledged.

With several processes (``LIVE_REDIS_URL``), each keeps its own cache of the
sessions it serves. After every commit the runtime announces what changed to
its ``peers`` (live/realtime/cluster.py); the others apply the notice to their
cache (answers idempotently by ``(participant_id, answer_id)``) or reload that
part from the database, and a periodic count check against the database
repairs whatever a lost notice left out.

Clocks: a duration measured inside this process uses the monotonic clock
(``Runtime.clock``): how long a quiz question has been open, how long a cache
has been loaded or quiet, how recently another process was heard from. Setting
the machine's clock back or forward changes none of them. The wall clock
(``utcnow``) is kept for what crosses processes and restarts: the stored
``opened_at`` of an activity, answer and join times. A process that learns of
an opening from the database (a restart, a notice from another process) turns
``opened_at`` into its own monotonic anchor once (``SessionState.opened_clock``)
and measures from there.

Memory: an ended session stays cached while phones or host screens still use
it, then leaves (``evict_finished``); a phone or host coming back later loads
it again from the database and finds it ended, with its summary.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from live.domain import activities as activity_rules
from live.domain import quiz, wordcloud
from live.domain.activities import Activity
from live.domain.codes import looks_like_join_code
from live.domain.errors import DomainError
from live.domain.joins import JoinSettings
from live.domain.session import ACTIVITY, ENDED, OPEN, REVEALED, Lifecycle
from live.domain.profanity import default_filter
from live.domain.text import optional_text
from live.offload import Offload, run_here
from live.services import quizzes
from live.services import summary as summaries
from live.services import tokens
from live.services.joins import JoinDesk, note_removed
from live.services.messages import Outbound, hosts_room, moderators_room, participant_room, session_room
from live.store import repository
from live.store.committer import GroupCommitter
from live.store.db import utcnow
from live.store.models import Activity as ActivityRow
from live.store.models import Answer, LiveSession, Participant

log = logging.getLogger(__name__)

MAX_NAME = 40
# The projector draws at most this many words; the summary keeps them all.
MAX_CLOUD_WORDS = 150
# Another process's count of connected participants is trusted this long
# (it re-announces it every couple of seconds while alive).
PRESENCE_TTL = 6.0
# Refusals that another process's host action may have made stale.
LIFECYCLE_REFUSALS = ("not_open", "closed", "unknown_activity", "session_ended")
# A state loaded this recently needs no reload when this process takes over a session.
FRESH_SECONDS = 1.0
# An ended session leaves this process's memory once nobody has been connected
# to it here for this long (a phone or host coming back loads it again).
ENDED_GRACE_SECONDS = 120.0


class Peers(Protocol):
    """The other processes serving the same sessions (see live/realtime/cluster.py)."""

    def announce(self, code: str, notice: dict, urgent: bool = False) -> None:
        """Tell every other process that ``notice`` happened in session ``code``,
        after it was committed; ``urgent`` ones leave before the caller goes on."""


@dataclass(frozen=True)
class AnswerInput:
    """An ``answer`` payload, already checked for shape at the edge."""

    activity_id: str
    answer_id: str
    value: object


@dataclass
class SessionState:
    """The cached state of one session in this process."""

    session_id: int
    code: str
    title: str
    facilitator_id: int
    host_salt: str
    lifecycle: Lifecycle
    activities: dict[str, Activity]
    opened_at: dict[str, datetime | None]
    tallies: dict[str, object]
    names: dict[str, str | None]
    archive_path: str | None = None
    # (participant, activity) -> answers given; participant -> activity -> values
    given: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    # (participant, word cloud) -> normalised words sent, so nobody sends a word twice
    entry_keys: dict[tuple[str, str], set] = field(default_factory=lambda: defaultdict(set))
    # Quizzes: server-measured answer times, time added per question, removed players
    timings: dict[tuple[str, str], int] = field(default_factory=dict)
    extra_ms: dict[str, int] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    values: dict[str, dict[str, list]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    acked: set[tuple[str, str]] = field(default_factory=set)
    inflight: dict[tuple[str, str], object] = field(default_factory=dict)
    connections: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dirty_results: set[str] = field(default_factory=set)
    dirty_presence: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Held while the archive is written (seconds), so that ``lock`` is not.
    archive_lock: threading.Lock = field(default_factory=threading.Lock)
    # Several processes: connected participants on the others (process -> (count, when heard)),
    # when this cache was loaded, and the database's counts at the last check.
    remote_connected: dict[str, tuple[int, float]] = field(default_factory=dict)
    loaded_at: float = field(default_factory=time.monotonic)
    checked_counts: tuple[int, int] | None = None
    refusal_checked_at: float = 0.0
    # Quizzes: the screen the podium was shown on (phase, activity, status), so a
    # phone coming back while it is still up gets its final rank again.
    podium_shown_on: tuple | None = None
    # The standings and what they were computed from (a room reconnecting at once
    # after a reveal must not recompute them for every phone).
    standings_cache: tuple[tuple, list] | None = None
    # Joining (live/services/joins.py): the session's settings, phones waiting for
    # the host here and on the other processes ((count, when heard)), and whether
    # host screens need a new ``joins``.
    joins: JoinSettings = field(default_factory=JoinSettings)
    waiting_here: int = 0
    remote_waiting: dict[str, tuple[int, float]] = field(default_factory=dict)
    dirty_joins: bool = False
    # Quizzes: when each open activity opened, on this process's monotonic clock.
    opened_clock: dict[str, float] = field(default_factory=dict)
    # An ended session: since when nobody is connected here (monotonic), or None.
    quiet_since: float | None = None


class Runtime:
    """Every running session of this process, and the use cases that act on them."""

    def __init__(
        self, sessions: sessionmaker, committer: GroupCommitter, secret_key: str, archive_dir: Path,
        profanity_file: Path | None = None, max_participants: int = 0, timezone_name: str | None = None,
        offload: Offload = run_here,
    ) -> None:
        self._sessions = sessions
        # Where CPU-heavy work (writing an archive) runs: the worker pool (live/offload.py).
        self._offload = offload
        # LIVE_TIMEZONE: the zone the archived summary page shows times in.
        self._timezone = timezone_name
        # Set by the cluster when LIVE_REDIS_URL is configured; None for one process.
        self.peers: Peers | None = None
        # Durations measured inside this process (tests replace it with a fake clock).
        self.clock: Callable[[], float] = time.monotonic
        # Who comes in: max_participants (0: no limit) is counted in the database,
        # so it holds across processes.
        self.joins = JoinDesk(sessions, self._announce, max_participants, PRESENCE_TTL)
        # The server's word lists, read once: the shipped French and English ones
        # plus LIVE_PROFANITY_FILE. Sessions add their own words on top.
        self.server_filter = default_filter()
        if profanity_file:
            self.server_filter = self.server_filter.with_lines(Path(profanity_file).read_text(encoding="utf-8").splitlines())
        self._committer = committer
        self._secret_key = secret_key
        self._archive_dir = archive_dir
        self._states: dict[str, SessionState] = {}
        self._load_lock = threading.Lock()

    # -- loading -----------------------------------------------------------------

    def state(self, code: str) -> SessionState:
        """The cached state of session ``code``, loaded from the database on first use."""
        cached = self._states.get(code)
        if cached is not None:
            return cached
        with self._load_lock:
            if code not in self._states:
                self._states[code] = self._load(code)
            return self._states[code]

    def _load(self, code: str) -> SessionState:
        with self._sessions() as db:
            row = repository.session_by_code(db, code) if isinstance(code, str) else None
            if row is None:
                raise DomainError("unknown_session", "There is no session with this code.")
            activity_rows = repository.activity_rows(db, row.id)
            participants = repository.participants_of(db, row.id)
            answers = repository.answers_of(db, row.id)
        activities = {a.id: repository.to_rule(a) for a in activity_rows}
        profanity = summaries.session_filter(self.server_filter, row)
        state = SessionState(
            session_id=row.id, code=row.code, title=row.title, facilitator_id=row.facilitator_id,
            host_salt=row.host_salt, lifecycle=repository.lifecycle_of(row, activity_rows),
            activities=activities, opened_at={a.id: a.opened_at for a in activity_rows},
            tallies={
                a.id: activity_rules.new_tally(activities[a.id], moderation=a.moderation, profanity=profanity)
                for a in activity_rows
            },
            names={p.id: p.name for p in participants}, archive_path=row.archive_path,
            extra_ms={a.id: a.extra_ms or 0 for a in activity_rows},
            removed={p.id for p in participants if p.removed},
            joins=JoinSettings.from_stored(row.settings),
        )
        state.opened_clock = self._anchored(state.opened_at)
        for answer in answers:
            self._count(state, answer.participant_id, answer.activity_id, answer.value)
            state.given[(answer.participant_id, answer.activity_id)] += 1
            state.acked.add((answer.participant_id, answer.answer_id))
            state.timings[(answer.participant_id, answer.activity_id)] = answer.ms_since_open or 0
            if activities[answer.activity_id].type == wordcloud.TYPE:
                state.entry_keys[(answer.participant_id, answer.activity_id)].add(wordcloud.normalise_word(answer.value))
        return state

    def reload_plan(self, code: str) -> list[Outbound]:
        """Reload a session whose plan was edited; tells its screens the new state."""
        self._announce(code, {"t": "reload"}, urgent=True)
        cached = self._states.get(code)
        if cached is None:
            return []
        self._refresh(cached)
        # Host screens get the whole new plan: their activity ids are stale.
        return [
            Outbound("state", self.public_state(cached), session_room(code)),
            Outbound("host_state", self.host_view(cached), hosts_room(code)),
        ]

    def _refresh(self, state: SessionState) -> None:
        """Rebuild ``state`` from the database in place (handlers and waiting
        answers hold this very object), keeping this process's connections."""
        with self._load_lock:
            fresh = self._load(state.code)
        with state.lock:
            state.opened_clock = self._anchored(fresh.opened_at, state)
            for name in (
                "title", "lifecycle", "activities", "opened_at", "tallies", "names", "archive_path", "given",
                "entry_keys", "timings", "extra_ms", "removed", "values", "acked", "loaded_at", "joins",
            ):
                setattr(state, name, getattr(fresh, name))
            # Answers still being committed here keep the slot _accept reserved for them.
            for (participant_id, _answer_id), ticket in state.inflight.items():
                if (participant_id, _answer_id) not in state.acked:
                    self._reserve(state, participant_id, ticket.row["activity_id"], ticket.row["value"])
            if state.lifecycle.current_activity_id:
                state.dirty_results.add(state.lifecycle.current_activity_id)
            state.dirty_presence = state.dirty_joins = True

    def _anchored(self, opened_at: dict[str, datetime | None], known: SessionState | None = None) -> dict[str, float]:
        """Monotonic anchors of the opening times ``opened_at`` (stored, wall clock).
        An opening ``known`` already measures keeps its anchor: the wall clock is
        read once per opening, so setting it back later changes no countdown."""
        now_clock, now_wall = self.clock(), utcnow()
        anchors = {}
        for activity_id, opened in opened_at.items():
            if opened is None:
                continue
            if known is not None and known.opened_at.get(activity_id) == opened and activity_id in known.opened_clock:
                anchors[activity_id] = known.opened_clock[activity_id]
            else:
                anchors[activity_id] = now_clock - (now_wall - opened).total_seconds()
        return anchors

    # -- views ---------------------------------------------------------------------

    def public_state(self, state: SessionState) -> dict:
        """The ``state`` event: phase and current activity as participants may see them."""
        current = state.lifecycle.current_activity_id
        view = None
        if state.lifecycle.phase == ACTIVITY and current:
            view = activity_rules.public_view(state.activities[current], state.lifecycle.statuses[current])
            if view["type"] == quiz.TYPE:
                view.update(self._quiz_clock(state, current))
                if state.lifecycle.statuses[current] == REVEALED:
                    view["counts"] = state.tallies[current].results()["counts"]
        return {
            "phase": state.lifecycle.phase,
            "activity": view,
            "title": state.title,
            "n_activities": len(state.activities),
        }

    def results(self, state: SessionState, activity_id: str) -> dict:
        """The ``results`` event of one activity."""
        activity = state.activities[activity_id]
        tally = state.tallies[activity_id]
        payload = {
            "activity_id": activity_id,
            "type": activity.type,
            "status": state.lifecycle.statuses[activity_id],
            "n_participants": n_in(state),
            "n_answers": tally.n_answers,
        }
        payload.update(tally.results())
        if activity.type == wordcloud.TYPE:
            payload["n_words"] = len(payload["words"])
            payload["words"] = payload["words"][:MAX_CLOUD_WORDS]
        if activity.type == quiz.TYPE:
            # Standings count revealed questions only, so they never leak an answer.
            payload["leaderboard"] = quizzes.live_rows(quizzes.standings(state))
            payload.update(self._quiz_clock(state, activity_id))
            if state.lifecycle.statuses[activity_id] == REVEALED:
                payload["correct"] = list(activity.spec.correct)
        return payload

    def _quiz_clock(self, state: SessionState, activity_id: str) -> dict:
        """The countdown of a quiz question as the server measures it; screens count
        down from ``remaining_ms`` on receipt, so no client clock is trusted."""
        spec = state.activities[activity_id].spec
        extra = state.extra_ms.get(activity_id, 0)
        clock = {"duration_ms": quiz.duration_ms(spec, extra), "remaining_ms": 0}
        if state.lifecycle.statuses[activity_id] == OPEN and activity_id in state.opened_clock:
            clock["remaining_ms"] = quiz.remaining_ms(spec, self._elapsed_ms(state, activity_id), extra)
        return clock

    def _elapsed_ms(self, state: SessionState, activity_id: str) -> int:
        """How long ``activity_id`` has been open, on this process's monotonic clock."""
        return int((self.clock() - state.opened_clock[activity_id]) * 1000)

    def moderation_view(self, state: SessionState, activity_id: str) -> dict:
        """The ``moderation`` event of a word cloud, for the facilitator's own device
        only: every group with its status, what the filter holds, what is hidden."""
        tally = state.tallies[activity_id]
        return {
            "activity_id": activity_id,
            "n_answers": tally.n_answers,
            "groups": tally.full_table(),
            "held": tally.held(),
            "hidden": tally.hidden(),
            "can_undo": bool(tally.moderation.actions),
        }

    def presence(self, state: SessionState) -> dict:
        """The ``presence`` event: participants in the session (joined, less those
        removed), and connected now (here and, with several processes, on the others)."""
        connected = self.local_connected(state)
        if state.remote_connected:
            oldest = time.monotonic() - PRESENCE_TTL
            connected += sum(count for count, heard in list(state.remote_connected.values()) if heard >= oldest)
        return {"n_participants": n_in(state), "n_connected": connected}

    @staticmethod
    def local_connected(state: SessionState) -> int:
        """Participants connected to this process."""
        return sum(1 for count in list(state.connections.values()) if count > 0)

    def host_view(self, state: SessionState) -> dict:
        """Everything a host screen needs when it (re)connects."""
        return {
            "state": self.public_state(state),
            "presence": self.presence(state),
            "joins": self.joins.view(state),
            "activities": [
                dict(activity_rules.public_view(a, state.lifecycle.statuses[a.id]), **{"n_answers": state.tallies[a.id].n_answers})
                for a in sorted(state.activities.values(), key=lambda a: a.position)
            ],
        }

    def pending_pushes(self, pushes_for: Callable[[str], bool] | None = None) -> list[Outbound]:
        """Results and presence changed since the last call, for the host screens.

        Called about ten times a second by one loop: this is the coalescing that
        keeps a vote burst from turning into one emit per vote. With several
        processes, ``pushes_for(code)`` says whether this one pushes that session
        (it holds its lease); the others just forget what changed."""
        messages = []
        for state in list(self._states.values()):
            if not state.dirty_results and not state.dirty_presence and not state.dirty_joins:
                continue
            if pushes_for is not None and not pushes_for(state.code):
                state.dirty_results.clear()
                state.dirty_presence = state.dirty_joins = False
                continue
            with state.lock:
                # One results event per session per tick (the contract's "at most
                # 10 a second"): the current activity first, others on later ticks.
                if state.dirty_results:
                    current = state.lifecycle.current_activity_id
                    activity_id = current if current in state.dirty_results else min(state.dirty_results)
                    state.dirty_results.discard(activity_id)
                    messages.append(Outbound("results", self.results(state, activity_id), hosts_room(state.code)))
                    if state.activities[activity_id].type == wordcloud.TYPE:
                        view = self.moderation_view(state, activity_id)
                        messages.append(Outbound("moderation", view, moderators_room(state.code)))
                presence, state.dirty_presence = state.dirty_presence, False
                if presence:
                    messages.append(Outbound("presence", self.presence(state), hosts_room(state.code)))
                joins, state.dirty_joins = state.dirty_joins, False
                if joins:
                    messages.append(Outbound("joins", self.joins.view(state), hosts_room(state.code)))
        return messages

    # -- connections ---------------------------------------------------------------

    def connect_host(self, code: object, host_token: object) -> SessionState:
        """Check a host connection; raises ``unknown_session`` or ``forbidden``."""
        state = self._known_state(code)
        if not tokens.is_host_token(self._secret_key, state.code, state.host_salt, host_token):
            raise DomainError("forbidden", "This host token does not open this session.")
        return state

    def join(self, code: object, token: object, name: object) -> tuple[SessionState, dict]:
        """A participant connects: the same one again if ``token`` is theirs, else a new one.

        Returns the state and the ``welcome`` payload. A participant coming back is
        always let in (unless removed); a new phone may be refused
        (``session_ended``, ``joins_locked``, ``session_full``) or have to wait
        for the host (``waiting_for_host``): live/domain/joins.py."""
        state = self._known_state(code)
        clean_name = self._checked_name(name)
        participant_id = tokens.participant_from_token(self._secret_key, state.code, token)
        if participant_id and self.peers is not None:
            self._catch_up(state, participant_id)
        if participant_id in state.removed:
            raise DomainError("removed", "The host removed you from this session.")
        with state.lock:
            clean_name = self._unique_name(state, clean_name, participant_id)
            if participant_id not in state.names:
                participant_id = self.joins.add_participant(state, clean_name)
            elif clean_name and clean_name != state.names[participant_id]:
                self._rename(state, participant_id, clean_name)
            return state, self._welcome(state, participant_id)

    def enter(self, code: object, name: object, waiting_since: int) -> tuple[SessionState, dict]:
        """A phone that waited for the host comes in (the host let it in, or there is
        room again); returns the state and its ``welcome``. Still refused:
        ``waiting_for_host``, or the refusals of a new phone."""
        state = self._known_state(code)
        clean_name = self._checked_name(name)
        with state.lock:
            participant_id = self.joins.add_participant(state, self._unique_name(state, clean_name, None), waiting_since)
            return state, self._welcome(state, participant_id)

    def _checked_name(self, name: object) -> str | None:
        clean_name = optional_text(name, "name", MAX_NAME)
        if clean_name and self.server_filter.is_profane(wordcloud.normalise_word(clean_name)):
            raise DomainError("name_not_allowed", "Please choose another nickname.", "name")
        return clean_name

    def _welcome(self, state: SessionState, participant_id: str) -> dict:
        """Count a connection of ``participant_id`` and say what its ``welcome`` holds
        (the caller holds ``state.lock``)."""
        state.connections[participant_id] += 1
        state.dirty_presence = True
        state.quiet_since = None
        return {
            "participant_id": participant_id,
            "token": tokens.participant_token(self._secret_key, state.code, participant_id),
            "name": state.names[participant_id],
            "state": self.public_state(state),
            "answers": {aid: list(vals) for aid, vals in state.values.get(participant_id, {}).items()},
            **self._missed_while_away(state, participant_id),
        }

    def _missed_while_away(self, state: SessionState, participant_id: str) -> dict:
        """What a phone coming back (a reload, a dead battery, a restart) would
        otherwise miss until the next reveal: its ``quiz_result`` for the revealed
        question on screen, and its ``final_rank`` while the podium is up."""
        current = state.lifecycle.current_activity_id
        revealed = (
            current is not None and state.activities[current].type == quiz.TYPE
            and state.lifecycle.statuses[current] == REVEALED
        )
        podium_up = state.podium_shown_on is not None and state.podium_shown_on == _screen_of(state)
        if not revealed and not podium_up:
            return {}
        rows = self._standings(state)
        row = next((r for r in rows if r["participant_id"] == participant_id), None)
        missed = {}
        if revealed:
            missed["quiz_result"] = quizzes.personal_result(state, state.activities[current], row, len(rows))
        if podium_up and row is not None:
            missed["final_rank"] = _final_rank(row, rows)
        return missed

    @staticmethod
    def _standings(state: SessionState) -> list[dict]:
        """``quizzes.standings``, computed again only when something it depends on changed."""
        basis = (
            tuple(state.names.values()), len(state.removed), len(state.acked), sum(state.extra_ms.values()),
            tuple(state.lifecycle.statuses.items()),
        )
        if state.standings_cache is None or state.standings_cache[0] != basis:
            state.standings_cache = (basis, quizzes.standings(state))
        return state.standings_cache[1]

    @staticmethod
    def _unique_name(state: SessionState, name: str | None, participant_id: str | None) -> str | None:
        """Nicknames are unique within a session: a second "Zoé" becomes "Zoé 2"."""
        if not name:
            return name
        taken = {n.casefold() for pid, n in state.names.items() if n and pid != participant_id}
        candidate, suffix = name, 2
        while candidate.casefold() in taken:
            candidate = f"{name[: MAX_NAME - len(str(suffix)) - 1]} {suffix}"
            suffix += 1
        return candidate

    def leave(self, code: str, participant_id: str) -> None:
        """A participant's connection closed (they stay a participant and may come back)."""
        state = self._states.get(code)
        if state is None:
            return
        with state.lock:
            state.connections[participant_id] = max(0, state.connections[participant_id] - 1)
            state.dirty_presence = True

    def stop_waiting(self, code: str) -> None:
        """A phone waiting for the host here came in or went away."""
        state = self._states.get(code)
        if state is not None:
            self.joins.stop_waiting(state)

    def forget(self, code: str) -> None:
        """Drop session ``code`` from this process's cache: it was deleted, and a
        phone or host screen must not find it here any more."""
        with self._load_lock:
            self._states.pop(code, None)

    def _known_state(self, code: object) -> SessionState:
        # Junk (a NUL, say) never reaches the database: PostgreSQL would raise on it.
        if not isinstance(code, str) or not looks_like_join_code(code.strip().upper()):
            raise DomainError("unknown_session", "There is no session with this code.")
        return self.state(code.strip().upper())

    def _rename(self, state: SessionState, participant_id: str, name: str) -> None:
        with self._sessions.begin() as db:
            db.get(Participant, participant_id).name = name
        state.names[participant_id] = name
        self._announce(state.code, {"t": "participant", "participant_id": participant_id, "name": name})

    def _catch_up(self, state: SessionState, participant_id: str) -> None:
        """Several processes: a participant coming back here may have joined, been
        removed or answered on another process a moment ago; take what the
        database holds of them, so the welcome and the answer limits are exact."""
        with self._sessions() as db:
            row = db.get(Participant, participant_id)
            if row is None or row.session_id != state.session_id:
                return
            name, removed = row.name, row.removed
            query = select(Answer).where(Answer.participant_id == participant_id).order_by(Answer.id)
            answers = [_answer_notice(_columns(answer)) for answer in db.scalars(query)]
        with state.lock:
            if participant_id not in state.names:
                state.names[participant_id] = name
                state.dirty_presence = True
            if removed:
                state.removed.add(participant_id)
            for answer in answers:
                self._record(state, answer, reserve=True)

    # -- answers -------------------------------------------------------------------

    def submit_answer(self, code: str, participant_id: str, answer: AnswerInput) -> dict:
        """Check, commit, then count an answer; returns the ack once it is durable.

        The same ``answer_id`` again is acknowledged again and counted once."""
        state = self.state(code)
        key = (participant_id, answer.answer_id)
        with state.lock:
            if key in state.acked:
                return self._ack(state, participant_id, answer.activity_id)
            ticket = state.inflight.get(key)
            owner = ticket is None
            if owner:
                activity, value = self._accept_current(state, participant_id, answer)
                ticket = self._committer.submit(self._answer_row(state, participant_id, answer, activity, value))
                state.inflight[key] = ticket
        durable = ticket.wait()
        if owner:
            with state.lock:
                state.inflight.pop(key, None)
                if durable:
                    self._record(state, ticket.row, reserve=False)
                else:
                    state.given[(participant_id, answer.activity_id)] -= 1
                    state.entry_keys[(participant_id, answer.activity_id)].discard(_entry_key(ticket.row["value"]))
        if not durable:
            raise DomainError("unavailable", "Your answer could not be saved. Please send it again.")
        if owner and self.peers is not None:
            self._announce(state.code, _answer_notice(ticket.row))
        return self._ack(state, participant_id, answer.activity_id)

    def _accept_current(self, state: SessionState, participant_id: str, answer: AnswerInput):
        """``_accept``; with several processes, a refusal because the activity is
        not open (yet, or any more) is checked again against the database: the
        host may have just opened it on another process."""
        try:
            return self._accept(state, participant_id, answer)
        except DomainError as error:
            if self.peers is None or error.code not in LIFECYCLE_REFUSALS:
                raise
            # At most a few reads a second however many late answers pour in.
            now = time.monotonic()
            if now - state.refusal_checked_at < 0.25:
                raise
            state.refusal_checked_at = now
            self._refresh_lifecycle(state)
        return self._accept(state, participant_id, answer)

    @staticmethod
    def _reserve(state: SessionState, participant_id: str, activity_id: str, value) -> None:
        """Take one of the participant's answer slots for ``value`` (as ``_accept`` does)."""
        slot = (participant_id, activity_id)
        state.given[slot] += 1
        if state.activities[activity_id].type == wordcloud.TYPE:
            state.entry_keys[slot].add(_entry_key(value))

    def _record(self, state: SessionState, row: dict, reserve: bool) -> bool:
        """Count a committed answer (the columns of its row) once, whichever
        process committed it; ``reserve`` takes its slot too (an answer that did
        not go through ``_accept`` here). False when it was already counted."""
        key = (row["participant_id"], row["answer_id"])
        activity_id = row["activity_id"]
        if key in state.acked or activity_id not in state.activities:
            return False
        if reserve:
            if key in state.inflight:
                return False  # committed here too: counted when its own commit returns
            self._reserve(state, row["participant_id"], activity_id, row["value"])
        state.acked.add(key)
        state.timings[(row["participant_id"], activity_id)] = row["ms_since_open"] or 0
        self._count(state, row["participant_id"], activity_id, row["value"])
        state.dirty_results.add(activity_id)
        return True

    @staticmethod
    def _ack(state: SessionState, participant_id: str, activity_id: str) -> dict:
        """``{"ok": true, "remaining": answers this participant may still give}``."""
        activity = state.activities.get(activity_id)
        limit = activity_rules.answer_limit(activity) if activity else 0
        return {"ok": True, "remaining": max(0, limit - state.given[(participant_id, activity_id)])}

    def _accept(self, state: SessionState, participant_id: str, answer: AnswerInput):
        """Refuse what may not be counted; reserve the participant's answer slot."""
        if participant_id in state.removed:
            raise DomainError("removed", "The host removed you from this session.")
        state.lifecycle.check_answerable(answer.activity_id)
        activity = state.activities[answer.activity_id]
        value = activity_rules.check_answer(activity, answer.value)
        if activity.type == quiz.TYPE and activity.id in state.opened_clock:
            # Timed by the server, never by the phone.
            elapsed = self._elapsed_ms(state, activity.id)
            if not quiz.is_in_time(activity.spec, elapsed, state.extra_ms.get(activity.id, 0)):
                raise DomainError("time_up", "Time is up for this question.", "activity_id")
        slot = (participant_id, answer.activity_id)
        limit = activity_rules.answer_limit(activity)
        if state.given[slot] >= limit:
            if limit == 1:
                raise DomainError("already_answered", "You have already answered this activity.", "activity_id")
            raise DomainError("limit_reached", f"You have sent your {limit} entries.", "activity_id")
        if activity.type == wordcloud.TYPE:
            entry_key = _entry_key(value)
            if entry_key in state.entry_keys[slot]:
                raise DomainError("already_sent", "You have already sent this word.", "value")
            state.entry_keys[slot].add(entry_key)
        state.given[slot] += 1
        return activity, value

    def _answer_row(self, state: SessionState, participant_id: str, answer: AnswerInput, activity, value) -> dict:
        opened = activity.id in state.opened_clock
        return {
            "session_id": state.session_id, "activity_id": activity.id, "participant_id": participant_id,
            "answer_id": answer.answer_id, "value": value, "created_at": utcnow(),
            "ms_since_open": self._elapsed_ms(state, activity.id) if opened else None,
        }

    @staticmethod
    def _count(state: SessionState, participant_id: str, activity_id: str, value) -> None:
        state.tallies[activity_id].add(value)
        state.values[participant_id][activity_id].append(value)

    # -- host controls -------------------------------------------------------------

    def open_activity(self, state: SessionState, activity_id: str) -> list[Outbound]:
        """Open an activity (closing the open one); everyone is told the new state."""
        with state.lock:
            closed = state.lifecycle.open(activity_id)
            now = utcnow()
            state.opened_at[activity_id] = now
            state.opened_clock[activity_id] = self.clock()
            state.extra_ms[activity_id] = 0
            self._save_lifecycle(state, opened=(activity_id, now), closed=closed)
            state.dirty_results.update({activity_id} | ({closed} if closed else set()))
            return [Outbound("state", self.public_state(state), session_room(state.code))]

    def close_activity(self, state: SessionState, activity_id: str) -> list[Outbound]:
        """Close an open activity; it stays on screen with its results."""
        with state.lock:
            state.lifecycle.close(activity_id)
            self._save_lifecycle(state, closed=activity_id)
            state.dirty_results.add(activity_id)
            return [Outbound("state", self.public_state(state), session_room(state.code))]

    def reveal_answer(self, state: SessionState, activity_id: str) -> list[Outbound]:
        """Show a quiz question's answer: everyone hears the state with the correct
        options and the distribution, each phone its own result and rank."""
        with state.lock:
            activity = self._quiz_question(state, activity_id)
            was_open = state.lifecycle.reveal(activity_id)
            self._save_status(state, activity_id, closing=was_open)
            rows = quizzes.standings(state)
            state.dirty_results.add(activity_id)
            messages = [Outbound("state", self.public_state(state), session_room(state.code))]
            by_id = {row["participant_id"]: row for row in rows}
            for participant_id in state.names:
                if participant_id not in state.removed:
                    result = quizzes.personal_result(state, activity, by_id.get(participant_id), len(rows))
                    messages.append(Outbound("quiz_result", result, participant_room(participant_id)))
            return messages

    def add_time(self, state: SessionState, activity_id: str, seconds: object) -> list[Outbound]:
        """Give an open quiz question more time; every countdown is told."""
        if not isinstance(seconds, int) or isinstance(seconds, bool) or not 1 <= seconds <= 120:
            raise DomainError("invalid_payload", "seconds must be a whole number from 1 to 120.", "seconds")
        with state.lock:
            self._quiz_question(state, activity_id)
            if state.lifecycle.statuses[activity_id] != OPEN:
                raise DomainError("not_open", "Time can only be added to an open question.", "activity_id")
            state.extra_ms[activity_id] = state.extra_ms.get(activity_id, 0) + seconds * 1000
            with self._sessions.begin() as db:
                db.get(ActivityRow, activity_id).extra_ms = state.extra_ms[activity_id]
            self._announce(state.code, {"t": "lifecycle"}, urgent=True)
            state.dirty_results.add(activity_id)
            return [Outbound("state", self.public_state(state), session_room(state.code))]

    def podium(self, state: SessionState) -> list[Outbound]:
        """The final standings: the top three for the room, each phone its own rank."""
        with state.lock:
            rows = quizzes.standings(state)
            top = quizzes.live_rows(rows[:3])
            state.podium_shown_on = _screen_of(state)
            self._announce(state.code, {"t": "podium", "screen": list(state.podium_shown_on)}, urgent=True)
            messages = [Outbound("podium", {"podium": top, "n_players": len(rows)}, session_room(state.code))]
            for row in rows:
                messages.append(Outbound("final_rank", _final_rank(row, rows), participant_room(row["participant_id"])))
            return messages

    def remove_participant(self, state: SessionState, participant_id: object) -> list[Outbound]:
        """The host removes a participant: their token no longer lets them in, and
        they leave the standings (their answers stay in the counts and the archive)."""
        if not isinstance(participant_id, str) or participant_id not in state.names:
            raise DomainError("unknown_participant", "There is no such participant in this session.", "participant_id")
        with state.lock:
            with self._sessions.begin() as db:
                db.get(Participant, participant_id).removed = True
            self._announce(state.code, {"t": "removed", "participant_id": participant_id}, urgent=True)
            note_removed(state, [participant_id])
            return [Outbound("removed", {"participant_id": participant_id}, participant_room(participant_id))]

    def expire_questions(self, pushes_for: Callable[[str], bool] | None = None) -> list[Outbound]:
        """Close every quiz question whose time (and grace) is over: the server keeps
        the clock. Called by the push loop about ten times a second; with several
        processes, only by the one that pushes the session (``pushes_for``)."""
        messages = []
        for state in list(self._states.values()):
            if pushes_for is not None and not pushes_for(state.code):
                continue
            current = state.lifecycle.current_activity_id
            if not current or state.lifecycle.statuses.get(current) != OPEN:
                continue
            activity = state.activities[current]
            if activity.type != quiz.TYPE or current not in state.opened_clock:
                continue
            if quiz.is_in_time(activity.spec, self._elapsed_ms(state, current), state.extra_ms.get(current, 0)):
                continue
            try:
                messages.extend(self.close_activity(state, current))
            except DomainError:
                continue  # closed meanwhile by the host
        return messages

    def _quiz_question(self, state: SessionState, activity_id: str):
        activity = state.activities.get(activity_id)
        if activity is None:
            raise DomainError("unknown_activity", "There is no such activity in this session.", "activity_id")
        if activity.type != quiz.TYPE:
            raise DomainError("not_quiz", "Only quiz questions have an answer to reveal or a timer.", "activity_id")
        return activity

    def _save_status(self, state: SessionState, activity_id: str, closing: bool) -> None:
        with self._sessions.begin() as db:
            row = db.get(ActivityRow, activity_id)
            row.status = state.lifecycle.statuses[activity_id]
            if closing:
                row.closed_at = utcnow()
            session = db.get(LiveSession, state.session_id)
            session.phase, session.current_activity_id = state.lifecycle.phase, state.lifecycle.current_activity_id
        self._announce(state.code, {"t": "lifecycle"}, urgent=True)

    def end_session(self, state: SessionState, public_url: str, locale: str = "en") -> tuple[dict, list[Outbound]]:
        """End the session and write its archive; the ack carries where the summary is.

        Ending twice gives the same answer: a host that lost the first ack can ask again."""
        with state.lock:
            if state.lifecycle.phase != ENDED:
                open_ids = [aid for aid, status in state.lifecycle.statuses.items() if status == OPEN]
                state.lifecycle.end()
                self._save_lifecycle(state, closed_many=open_ids, ended=True)
                state.dirty_results.update(open_ids)
        # Answers accepted before the end are still being committed: wait for them,
        # so the archive holds every acknowledged answer.
        self._committer.flush()
        archive_error = self._write_archive(state, locale)
        with state.lock:
            ack = {
                "ok": True,
                "summary_url": f"{public_url}/api/sessions/{state.code}/summary",
                # Relative: the facilitator is signed in on the address the host screen uses.
                "archive_url": f"/archives/{state.code}",
                "archive_path": state.archive_path,
            }
            if archive_error:
                ack["archive_error"] = archive_error
            told = [Outbound("state", self.public_state(state), session_room(state.code))]
            return ack, told + self.joins.turn_away_at_end(state)

    def _write_archive(self, state: SessionState, locale: str) -> dict | None:
        """Write the archive of a session that has just ended (unless it is written), in
        the worker pool; None once written, else what went wrong, for the host. The
        session is ended all the same (phones are told), and the archive is written
        again when the server next starts (``archives.repair_archives``), by ``live
        archive export``, or when the host ends it again.

        Not under ``state.lock``: writing takes seconds for a large session, and the
        loop that pushes every session's results takes that lock. Its own lock keeps
        two ``end`` from writing the same archive at once."""
        with state.archive_lock:
            if state.archive_path is not None:
                return None
            try:
                path = summaries.archive_session(
                    self._sessions, state.code, self._archive_dir, self.server_filter, locale, self._timezone,
                    offload=self._offload,
                )
            except Exception as error:  # noqa: BLE001 - a full disk must not keep the session open
                log.exception("session %s ended, but its archive could not be written", state.code)
                return summaries.archive_failure(error)
            state.archive_path = str(path)
        self._announce(state.code, {"t": "lifecycle"}, urgent=True)
        return None

    def moderate(self, state: SessionState, activity_id: str, action: object) -> None:
        """The facilitator hides, shows, releases or merges words of a word cloud;
        the change is stored before the screens hear of it."""
        with state.lock:
            tally = self._word_cloud(state, activity_id)
            tally.moderate(action)
            self._store_moderation(state, activity_id, tally, on_failure=tally.moderation.undo)

    def undo_moderation(self, state: SessionState, activity_id: str) -> None:
        """Undo the last moderation action of a word cloud."""
        with state.lock:
            tally = self._word_cloud(state, activity_id)
            undone = tally.undo()
            self._store_moderation(state, activity_id, tally, on_failure=lambda: tally.moderation.apply(undone))

    def _word_cloud(self, state: SessionState, activity_id: str):
        if state.lifecycle.phase == ENDED:
            raise DomainError("session_ended", "This session has ended: its archive is written.")
        activity = state.activities.get(activity_id)
        if activity is None:
            raise DomainError("unknown_activity", "There is no such activity in this session.", "activity_id")
        if activity.type != wordcloud.TYPE:
            raise DomainError("not_wordcloud", "Only word clouds are moderated.", "activity_id")
        return state.tallies[activity_id]

    def _store_moderation(self, state: SessionState, activity_id: str, tally, on_failure) -> None:
        try:
            with self._sessions.begin() as db:
                db.get(ActivityRow, activity_id).moderation = tally.moderation.as_list()
        except Exception:
            on_failure()  # memory must not run ahead of the database
            raise DomainError("unavailable", "The change could not be saved. Please try again.") from None
        state.dirty_results.add(activity_id)
        notice = {"t": "moderation", "activity_id": activity_id, "actions": tally.moderation.as_list()}
        self._announce(state.code, notice, urgent=True)

    def _save_lifecycle(self, state, opened=None, closed=None, closed_many=(), ended=False) -> None:
        """Persist the lifecycle before anyone is told about it."""
        now = utcnow()
        with self._sessions.begin() as db:
            session = db.get(LiveSession, state.session_id)
            session.phase = state.lifecycle.phase
            session.current_activity_id = state.lifecycle.current_activity_id
            if opened:
                row = db.get(ActivityRow, opened[0])
                row.status, row.opened_at, row.closed_at, row.extra_ms = OPEN, opened[1], None, 0
                session.started_at = session.started_at or now
            for activity_id in [closed] if closed else list(closed_many):
                row = db.get(ActivityRow, activity_id)
                row.status, row.closed_at = state.lifecycle.statuses[activity_id], now
            if ended:
                session.ended_at = now
        self._announce(state.code, {"t": "lifecycle"}, urgent=True)

    # -- several processes ---------------------------------------------------------

    def _announce(self, code: str, notice: dict, urgent: bool = False) -> None:
        """Tell the other processes (if any) what was just committed."""
        if self.peers is not None:
            self.peers.announce(code, notice, urgent)

    def cached_codes(self) -> list[str]:
        """The sessions this process has loaded and that have not ended: the ones
        whose leases, presence and database checks the cluster keeps up. An ended
        session takes no answers and needs no pusher, so a long-running process
        does not keep checking every session it ever served."""
        return [code for code, state in list(self._states.items()) if state.lifecycle.phase != ENDED]

    def apply_notice(self, code: str, notice: dict, sender: str) -> None:
        """Another process (``sender``) committed ``notice`` in session ``code``:
        bring this cache up to date. A session this process has not loaded is
        skipped: it will come from the database, which already holds the change."""
        with self._load_lock:  # a session being loaded right now gets the notice once it is in
            state = self._states.get(code)
        if state is None or not isinstance(notice, dict):
            return
        kind = notice.get("t")
        if kind == "answer":
            with state.lock:
                self._record(state, notice, reserve=True)
        elif kind == "participant":
            with state.lock:
                state.names[notice["participant_id"]] = notice.get("name")
                state.dirty_presence = True
        elif kind == "presence":
            state.remote_connected[sender] = (int(notice["n"]), time.monotonic())
            state.dirty_presence = True
            self._heard_waiting(state, sender, int(notice.get("w", 0)))
        elif kind == "joins":
            with state.lock:
                state.joins, state.dirty_joins = JoinSettings.from_stored(notice["settings"]), True
        elif kind == "lifecycle":
            self._refresh_lifecycle(state)
        elif kind == "moderation":
            self._apply_moderation(state, notice["activity_id"], notice["actions"])
        elif kind == "removed":
            note_removed(state, notice.get("participant_ids") or [notice["participant_id"]])
        elif kind == "reload":
            self._refresh(state)
        elif kind == "podium":
            state.podium_shown_on = tuple(notice["screen"])

    def _apply_moderation(self, state: SessionState, activity_id: str, actions: list) -> None:
        with state.lock:
            tally = state.tallies.get(activity_id)
            if tally is None or state.activities[activity_id].type != wordcloud.TYPE:
                return
            tally.moderation.actions = wordcloud.Moderation.from_list(actions).actions
            state.dirty_results.add(activity_id)

    @staticmethod
    def _heard_waiting(state: SessionState, sender: str, waiting: int) -> None:
        """Another process has ``waiting`` phones waiting for the host of this session."""
        before = state.remote_waiting.get(sender, (0, 0.0))[0]
        if waiting or before:
            state.remote_waiting[sender] = (waiting, time.monotonic())
        if waiting != before:
            state.dirty_joins = True

    def _refresh_lifecycle(self, state: SessionState) -> None:
        """Read the session's phase, activity statuses and clocks from the database
        (cheap: no answers)."""
        with self._sessions() as db:
            row = db.get(LiveSession, state.session_id)
            activity_rows = repository.activity_rows(db, state.session_id)
            lifecycle = repository.lifecycle_of(row, activity_rows)
            archive_path = row.archive_path
            joins = JoinSettings.from_stored(row.settings)
        if {a.id for a in activity_rows} != set(state.activities):
            self._refresh(state)  # the plan itself changed
            return
        with state.lock:
            before = (dict(state.lifecycle.statuses), dict(state.extra_ms), state.lifecycle.current_activity_id)
            state.lifecycle = lifecycle
            opened_at = {a.id: a.opened_at for a in activity_rows}
            state.opened_clock = self._anchored(opened_at, state)
            state.opened_at = opened_at
            if joins != state.joins:
                state.joins, state.dirty_joins = joins, True
            state.extra_ms = {a.id: a.extra_ms or 0 for a in activity_rows}
            state.archive_path = state.archive_path or archive_path
            changed = {
                a.id for a in activity_rows
                if before[0].get(a.id) != lifecycle.statuses[a.id] or before[1].get(a.id) != state.extra_ms[a.id]
            }
            if lifecycle.current_activity_id != before[2] and lifecycle.current_activity_id:
                changed.add(lifecycle.current_activity_id)
            state.dirty_results.update(changed)

    def reload(self, code: str) -> None:
        """Rebuild a cached session from the database (notices may have been lost)."""
        state = self._states.get(code)
        if state is not None:
            self._refresh(state)

    def take_over(self, code: str) -> None:
        """This process now pushes session ``code``: make its cache exact (it may
        have missed notices while another process pushed) and push once."""
        state = self._states.get(code)
        if state is None:
            return
        if time.monotonic() - state.loaded_at > FRESH_SECONDS:
            self._refresh(state)
        with state.lock:
            if state.lifecycle.current_activity_id:
                state.dirty_results.add(state.lifecycle.current_activity_id)
            state.dirty_presence = True

    def check_against_database(self, code: str) -> bool:
        """The safety net under lost notices: compare this cache with the database.

        Called every couple of seconds. Every answer and participant the database
        held at the previous check must be known by now (notices take
        milliseconds); if not, reload. The lifecycle is read again too. True when
        the cache had to be reloaded."""
        state = self._states.get(code)
        if state is None:
            return False
        with self._sessions() as db:
            answers = db.scalar(select(func.count()).select_from(Answer).where(Answer.session_id == state.session_id))
            joined = db.scalar(
                select(func.count()).select_from(Participant).where(Participant.session_id == state.session_id)
            )
        previous, state.checked_counts = state.checked_counts, (answers or 0, joined or 0)
        if previous and (len(state.acked) < previous[0] or len(state.names) < previous[1]):
            self._refresh(state)
            return True
        self._refresh_lifecycle(state)
        return False

    def local_presence(self) -> dict[str, int]:
        """Participants connected to this process, per session (announced to the others)."""
        return {
            code: self.local_connected(state)
            for code, state in list(self._states.items()) if state.lifecycle.phase != ENDED
        }

    def local_waiting(self) -> dict[str, int]:
        """Phones waiting for the host on this process, per session (announced with presence)."""
        return {
            code: state.waiting_here
            for code, state in list(self._states.items()) if state.waiting_here and state.lifecycle.phase != ENDED
        }

    def forget_silent_processes(self) -> None:
        """Stop counting the connections of a process not heard of for a while
        (it died): the host screens hear the new ``presence``."""
        oldest = time.monotonic() - PRESENCE_TTL
        for state in list(self._states.values()):
            for process, (_count, heard) in list(state.remote_connected.items()):
                if heard < oldest:
                    state.remote_connected.pop(process, None)
                    state.dirty_presence = True
            for process, (_count, heard) in list(state.remote_waiting.items()):
                if heard < oldest:
                    state.remote_waiting.pop(process, None)
                    state.dirty_joins = True

    def evict_finished(self) -> list[str]:
        """Drop from memory the ended sessions nobody has used here for
        ``ENDED_GRACE_SECONDS`` (about 70 KB each, and a long-running server ends
        many); returns their codes. Called now and then by the push loop. A phone
        or host screen coming back later loads the session again from the
        database: it finds it ended, with its summary."""
        now, evicted = self.clock(), []
        for code, state in list(self._states.items()):
            if not self._finished_and_quiet(state, now):
                continue
            with self._load_lock, state.lock:
                # Checked again under the locks: a phone may have just come back.
                if self._states.get(code) is state and self._finished_and_quiet(state, now):
                    del self._states[code]
                    evicted.append(code)
        return evicted

    @staticmethod
    def _finished_and_quiet(state: SessionState, now: float) -> bool:
        """True once ``state`` ended, is archived, has nothing in flight and has had
        no participant connected here for the grace period (counted from the
        first time this is seen quiet)."""
        quiet = (
            state.lifecycle.phase == ENDED and state.archive_path is not None and not state.inflight
            and not any(count > 0 for count in list(state.connections.values()))
        )
        if not quiet:
            state.quiet_since = None
            return False
        if state.quiet_since is None:
            state.quiet_since = now
        return now - state.quiet_since >= ENDED_GRACE_SECONDS


def n_in(state: SessionState) -> int:
    """Participants in the session: everyone who joined, less those the host removed."""
    return len(state.names) - sum(1 for participant_id in list(state.removed) if participant_id in state.names)


def _screen_of(state: SessionState) -> tuple:
    """What the room is looking at: phase, current activity and its status."""
    current = state.lifecycle.current_activity_id
    return (state.lifecycle.phase, current, state.lifecycle.statuses.get(current) if current else None)


def _final_rank(row: dict, rows: list[dict]) -> dict:
    """One phone's ``final_rank``: its rank and score, and the podium everyone sees."""
    return {"rank": row["rank"], "score": row["score"], "n_players": len(rows), "podium": quizzes.live_rows(rows[:3])}


def _answer_notice(row: dict) -> dict:
    """The notice other processes count a committed answer from."""
    return {
        "t": "answer", "participant_id": row["participant_id"], "answer_id": row["answer_id"],
        "activity_id": row["activity_id"], "value": row["value"], "ms_since_open": row["ms_since_open"],
    }


def _columns(answer: Answer) -> dict:
    """A stored answer as the row dict the committer writes."""
    return {
        "participant_id": answer.participant_id, "answer_id": answer.answer_id, "activity_id": answer.activity_id,
        "value": answer.value, "ms_since_open": answer.ms_since_open,
    }


def _entry_key(value) -> str | None:
    """The grouping key of a word-cloud entry (None for other answers)."""
    return wordcloud.normalise_word(value) if isinstance(value, str) else None
