"""Who is behind each Socket.IO connection of this process, and the join-code
throttle per client address: the realtime layer's own state, one of each per app
(``services().realtime``), never module globals."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from live.domain.ratelimit import GuessThrottle


@dataclass(frozen=True)
class Connection:
    """Who is behind a socket: a participant (with its id), a host, or a phone waiting
    for the host (with the name it asked for and the admissions count it waits
    under), of one session."""

    code: str
    role: str
    participant_id: str | None = None
    host_token: str | None = None
    locale: str = "en"
    moderator: bool = False
    name: object = None
    waiting_since: int = 0


@dataclass
class Connections:
    """Every live connection of this process, by Socket.IO id."""

    by_sid: dict[str, Connection] = field(default_factory=dict)

    def add(self, sid: str, connection: Connection) -> None:
        self.by_sid[sid] = connection

    def get(self, sid: str) -> Connection | None:
        return self.by_sid.get(sid)

    def pop(self, sid: str) -> Connection | None:
        return self.by_sid.pop(sid, None)

    def __contains__(self, sid: str) -> bool:
        return sid in self.by_sid

    def sids_where(self, code: str, which) -> list[str]:
        """The connections of session ``code`` for which ``which(connection)`` is true."""
        return [sid for sid, connection in list(self.by_sid.items()) if connection.code == code and which(connection)]


@dataclass
class JoinGuard:
    """Unknown join codes per client address (``GuessThrottle``), behind a lock: real
    threads (async mode ``threading``) must not prune it while another adds to it.
    Uncontended under gevent."""

    throttle: GuessThrottle
    lock: threading.Lock = field(default_factory=threading.Lock)

    def may_try(self, address: str, code: object, now: float) -> bool:
        with self.lock:
            return self.throttle.may_try(address, code, now)

    def unknown_code(self, address: str, now: float) -> None:
        with self.lock:
            self.throttle.unknown_code(address, now)

    def joined(self, address: str, code: str) -> None:
        with self.lock:
            self.throttle.joined(address, code)
