"""The state of one running session in this process: the single home of everything
a live session holds in memory (plan, lifecycle, tallies, who is in, what each
participant answered, connections, what changed since the last push, the answer
rate limit...). The database is the truth; this is its cache (see ``loading``).

``SessionState`` is what activity kinds read as ``live.activities.base.LiveSession``.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from live.activities.base import Activity
from live.domain.ratelimit import RateLimiter
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
    # restarts), and on this process's monotonic clock when it opened here (a wall
    # clock set back an hour must not give a late answer full points).
    opened_at: dict[str, datetime | None]
    tallies: dict[str, object]
    names: dict[str, str | None]
    # Each activity's kind state (JSON in the database: moderation, time added...).
    states: dict[str, dict] = field(default_factory=dict)
    # Session settings (JSON in the database: the word filter, join limits...).
    settings: dict = field(default_factory=dict)
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
    connections: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dirty_results: set[str] = field(default_factory=set)
    dirty_presence: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)
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

    def elapsed_ms(self, activity_id: str) -> int:
        """Milliseconds since ``activity_id`` opened: on this process's monotonic clock
        when it opened here, else from the stored opening time (another process, or
        before a restart)."""
        started = self.opened_clock.get(activity_id)
        if started is not None:
            return int((time.monotonic() - started) * 1000)
        opened = self.opened_at.get(activity_id)
        if opened is None:
            return 0
        return int((utcnow() - opened).total_seconds() * 1000)

    def screen(self) -> tuple:
        """What the room is looking at: phase, current activity and its status."""
        current = self.lifecycle.current_activity_id
        return (self.lifecycle.phase, current, self.lifecycle.statuses.get(current) if current else None)

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
