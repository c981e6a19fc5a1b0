"""What every part of the running-session service shares: the database, the group
committer, the server's settings, and the cache of sessions this process serves."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from live.domain.errors import DomainError
from live.domain.profanity import ProfanityFilter
from live.services.messages import Notice
from live.services.running import loading
from live.services.running.state import SessionState
from live.store.committer import GroupCommitter


@dataclass
class Context:
    """The running-session service's shared parts (one per app)."""

    sessions: sessionmaker
    committer: GroupCommitter
    secret_key: str
    archive_dir: Path
    server_filter: ProfanityFilter
    # 0: no limit. Counted in the database, so it holds across processes.
    max_participants: int = 0
    # LIVE_TIMEZONE: the zone the archived summary page shows times in.
    timezone: str | None = None
    # How fast one participant may answer (LIVE_ANSWER_RATE, LIVE_ANSWER_BURST).
    answer_rate: float = 2.0
    answer_burst: int = 30
    # Several processes (LIVE_REDIS_URL): notices are returned for the others.
    clustered: bool = False
    states: dict[str, SessionState] = field(default_factory=dict)
    load_lock: threading.Lock = field(default_factory=threading.Lock)
    # Durations measured inside this process (tests give a fake clock).
    clock: Callable[[], float] = time.monotonic

    def state(self, code: str) -> SessionState:
        """The cached state of session ``code``, loaded from the database on first use."""
        cached = self.states.get(code)
        if cached is not None:
            return cached
        with self.load_lock:
            if code not in self.states:
                self.states[code] = loading.load(self.sessions, code, self.server_filter, self.secret_key, self.clock)
            return self.states[code]

    def refresh(self, state: SessionState) -> None:
        """Rebuild ``state`` from the database in place."""
        with self.load_lock:
            loading.refresh(self.sessions, state, self.server_filter, self.secret_key)

    def notice(self, code: str, data: dict, urgent: bool = False) -> list[Notice]:
        """``[Notice]`` for the other processes, or nothing with a single process."""
        return [Notice(code, data, urgent)] if self.clustered else []


def unknown_session() -> DomainError:
    """The refusal for a code that names no session."""
    return DomainError("unknown_session", "There is no session with this code.")
