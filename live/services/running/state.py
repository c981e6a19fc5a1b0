"""The state of one running session in this process: the single home of everything
a live session holds in memory (plan, lifecycle, tallies, who is in, what each
participant answered, connections, phones waiting for the host, what changed since
the last push, the answer rate limit...). The database is the truth; this is its
cache (see ``loading``).

``SessionState`` is what activity kinds read as ``live.activities.base.LiveSession``.

Clocks: a duration measured inside this process uses the monotonic clock (``clock``):
how long an activity has been open, how long a cache has been loaded or quiet, how
recently another process was heard from. Setting the machine's clock back or forward
changes none of them. The wall clock (``utcnow``) is kept for what crosses processes
and restarts: the stored ``opened_at`` of an activity, answer and join times. A
process that learns of an opening from the database (a restart, a notice from
another process) turns ``opened_at`` into its own monotonic anchor once
(``opened_clock``, see ``anchored``) and measures from there.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from live.activities.base import Activity, KindSettings
from live.domain.joins import JoinSettings
from live.domain.ratelimit import RateLimiter
from live.domain.reactions import BURST as REACTION_BURST
from live.domain.reactions import RATE_PER_SECOND as REACTION_RATE
from live.domain.reactions import ReactionCounter
from live.domain.session import Lifecycle
from live.store.db import utcnow

# Another process's count of connected participants is trusted this long
# (it re-announces it every couple of seconds while alive).
PRESENCE_TTL = 6.0


@dataclass(frozen=True)
class AnswerInput:
    """An ``answer`` payload, already checked for shape at the edge."""

    activity_id: str
    answer_id: str
    value: object


class Nicknames(dict):
    """participant -> nickname, which also counts how many use each nickname
    (case-folded), so that a join learns whether a nickname is taken without reading
    every other one (a room of 5,000 read 12.5 million names while it joined)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()
        self._uses: dict[str, int] = defaultdict(int)
        self.update(*args, **kwargs)

    def __setitem__(self, participant_id: str, name: str | None) -> None:
        self._forget(self.get(participant_id))
        super().__setitem__(participant_id, name)
        if name:
            self._uses[name.casefold()] += 1

    def __delitem__(self, participant_id: str) -> None:
        self._forget(self.get(participant_id))
        super().__delitem__(participant_id)

    def update(self, *args, **kwargs) -> None:
        for participant_id, name in dict(*args, **kwargs).items():
            self[participant_id] = name

    def pop(self, participant_id, *default):
        if participant_id in self:
            self._forget(self.get(participant_id))
        return super().pop(participant_id, *default)

    def is_taken(self, name: str, by_anyone_but: str | None = None) -> bool:
        """Whether another participant than ``by_anyone_but`` uses ``name``, whatever its case."""
        folded = name.casefold()
        uses = self._uses.get(folded, 0)
        own = self.get(by_anyone_but) if by_anyone_but is not None else None
        if own and own.casefold() == folded:
            uses -= 1
        return uses > 0

    def _forget(self, name: str | None) -> None:
        if name:
            folded = name.casefold()
            self._uses[folded] -= 1
            if self._uses[folded] <= 0:
                del self._uses[folded]


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
    # When each activity opened, on the wall clock (stored: it crosses processes and
    # restarts), and as an anchor on this process's monotonic clock (``opened_clock``):
    # a wall clock set back an hour must not give a late answer full points.
    opened_at: dict[str, datetime | None]
    tallies: dict[str, object]
    names: Nicknames  # a plain dict given here becomes one (__post_init__)
    # Each activity's kind state (JSON in the database: moderation, time added...).
    states: dict[str, dict] = field(default_factory=dict)
    # Session settings (JSON in the database: the word filter, join limits...), and
    # what they lend the kinds' tallies (the word filter in force).
    settings: dict = field(default_factory=dict)
    kind_settings: KindSettings = field(default_factory=KindSettings)
    opened_clock: dict[str, float] = field(default_factory=dict)
    archive_path: str | None = None
    # The participants' summary page once the session ended, when the facilitator shared it.
    summary_path: str | None = None
    # (participant, activity) -> answers given; participant -> activity -> values
    given: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    # (participant, activity) -> the answer keys it used (a word is not sent twice)
    answer_keys: dict[tuple[str, str], set] = field(default_factory=lambda: defaultdict(set))
    # Server-measured answer times, and participants the host removed
    timings: dict[tuple[str, str], int] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    values: dict[str, dict[str, list]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    acked: set[tuple[str, str]] = field(default_factory=set)
    inflight: dict[tuple[str, str], object] = field(default_factory=dict)
    # Participant commands being stored: (participant, activity, the kind's guard).
    guards: set[tuple] = field(default_factory=set)
    connections: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dirty_results: set[str] = field(default_factory=set)
    # The activity whose results were pushed last (on screen and beside take turns),
    # walls that changed since phones last heard them, and when they last did.
    last_pushed: str | None = None
    dirty_walls: set[str] = field(default_factory=set)
    wall_pushed_at: float = 0.0
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
    # Session marks a kind keeps (the screen the podium was shown on), and its
    # caches (standings computed once per change, not per phone).
    marks: dict[str, object] = field(default_factory=dict)
    caches: dict[str, object] = field(default_factory=dict)
    # How fast each participant may send answers (made by the runtime from settings).
    answer_limiter: RateLimiter | None = None
    # Joining (live/services/running/joins.py): the session's join settings, phones
    # waiting for the host here and on the other processes, and whether host screens
    # must hear ``joins``.
    joins: JoinSettings = field(default_factory=JoinSettings)
    waiting_here: int = 0
    remote_waiting: dict[str, tuple[int, float]] = field(default_factory=dict)
    dirty_joins: bool = False
    # Reactions (live/services/running/reactions.py): counted here and not yet told to
    # host screens or stored; how fast each participant may react; the other processes
    # holding counts not yet stored (process -> (their round, when heard)).
    reactions: ReactionCounter = field(default_factory=ReactionCounter)
    reaction_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(REACTION_RATE, REACTION_BURST))
    remote_reacting: dict[str, tuple[int, float]] = field(default_factory=dict)
    # An ended session: since when nobody is connected here (monotonic), or None.
    quiet_since: float | None = None
    # This process's monotonic clock (tests give a fake one).
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        if not isinstance(self.names, Nicknames):
            self.names = Nicknames(self.names)

    def elapsed_ms(self, activity_id: str) -> int:
        """Milliseconds since ``activity_id`` opened, on this process's monotonic clock."""
        started = self.opened_clock.get(activity_id)
        return int((self.clock() - started) * 1000) if started is not None else 0

    def anchored(self, opened_at: dict[str, datetime | None]) -> dict[str, float]:
        """Monotonic anchors of the stored opening times ``opened_at``. An opening this
        state already measures keeps its anchor: the wall clock is read once per
        opening, so setting it back later changes no countdown."""
        now_clock, now_wall = self.clock(), utcnow()
        anchors = {}
        for activity_id, opened in opened_at.items():
            if opened is None:
                continue
            if self.opened_at.get(activity_id) == opened and activity_id in self.opened_clock:
                anchors[activity_id] = self.opened_clock[activity_id]
            else:
                anchors[activity_id] = now_clock - (now_wall - opened).total_seconds()
        return anchors

    def note_removed(self, participant_ids) -> None:
        """Participants were removed (here, or on another process): they leave the
        standings, and every host screen gets the new counts and list of players."""
        with self.lock:
            self.removed.update(participant_ids)
            self.dirty_presence = True
            self.dirty_results.update(
                activity.id for activity in self.activities.values()
                if activity.kind.concerned_by_removal(activity, self.lifecycle.statuses[activity.id])
            )
            if self.lifecycle.current_activity_id:  # every host screen gets the new list of players
                self.dirty_results.add(self.lifecycle.current_activity_id)

    def screen(self) -> tuple:
        """What the room is looking at: phase, current activity and its status."""
        current = self.lifecycle.current_activity_id
        return (self.lifecycle.phase, current, self.lifecycle.statuses.get(current) if current else None)

    def n_in(self) -> int:
        """Participants in the session: everyone who joined, less those the host removed."""
        return len(self.names) - sum(1 for participant_id in list(self.removed) if participant_id in self.names)

    def local_connected(self) -> int:
        """Participants connected to this process."""
        return sum(1 for count in list(self.connections.values()) if count > 0)

    def connected(self) -> int:
        """Participants connected here and, with several processes, on the others."""
        connected = self.local_connected()
        if self.remote_connected:
            oldest = time.monotonic() - PRESENCE_TTL
            connected += sum(count for count, heard in list(self.remote_connected.values()) if heard >= oldest)
        return connected

    def kinds_present(self) -> list:
        """Each kind this session uses, once, in the order of its activities."""
        seen = {}
        for activity in sorted(self.activities.values(), key=lambda a: a.position):
            seen.setdefault(activity.kind.name, activity.kind)
        return list(seen.values())


def n_in(state: SessionState) -> int:
    """Participants in ``state``: everyone who joined, less those the host removed."""
    return state.n_in()
