"""Log lines about client mistakes, throttled so that a flood costs a few lines.

A malformed packet, an invalid HTTP request or a client over the slow-connection
cap is the client's doing: it is worth one short line (so an operator sees that
something is going on, and from where), never a traceback, and never one line
per packet: an attacker must not be able to fill the disk or saturate the
server with its own log. Each kind of mistake has its own ``ThrottledLog``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

# Long enough that a flood is a handful of lines, short enough that an operator
# watching the log sees a new attack within a minute.
INTERVAL_SECONDS = 60.0
# Lines per interval over all addresses: many addresses (IPv6) cannot flood either.
LINES_PER_INTERVAL = 20
# Addresses remembered at once; beyond, only the overall budget applies.
MAX_ADDRESSES = 10_000
ADDRESS_CHARACTERS = 64
DETAIL_CHARACTERS = 160


@dataclass
class _Address:
    logged_at: float
    held_back: int = 0


class ThrottledLog:
    """At most one line per client address per ``interval`` and ``overall`` lines
    per interval in all; each line tells how many reports were held back since
    the previous line about that address (and, overall, from elsewhere)."""

    def __init__(self, logger: logging.Logger, what: str, interval: float = INTERVAL_SECONDS,
                 overall: int = LINES_PER_INTERVAL, clock=time.monotonic) -> None:
        self._logger = logger
        self._what = what
        self._interval = interval
        self._overall = overall
        self._clock = clock
        self._addresses: dict[str, _Address] = {}
        self._window_start = clock()
        self._window_lines = 0
        self._held_back_elsewhere = 0
        self.reported = 0
        self.logged = 0
        # Real threads in async mode ``threading``; uncontended under gevent.
        self._lock = threading.Lock()

    def report(self, address: str, detail: str) -> bool:
        """Count one mistake from ``address``; log it unless a line about this address
        (or too many lines overall) was written within the interval. True when logged."""
        address, detail = _printable(address, ADDRESS_CHARACTERS), _printable(detail, DETAIL_CHARACTERS)
        with self._lock:
            self.reported += 1
            now = self._clock()
            if now - self._window_start >= self._interval:
                self._window_start, self._window_lines = now, 0
            known = self._addresses.get(address)
            if known is not None and now - known.logged_at < self._interval:
                known.held_back += 1
                return False
            if self._window_lines >= self._overall:
                if known is not None:
                    known.held_back += 1
                else:
                    self._held_back_elsewhere += 1
                return False
            held_back = known.held_back if known is not None else 0
            elsewhere, self._held_back_elsewhere = self._held_back_elsewhere, 0
            self._remember(address, now)
            self._window_lines += 1
            self.logged += 1
        self._logger.warning("%s from %s: %s%s", self._what, address, detail, _held_back_note(held_back, elsewhere))
        return True

    def _remember(self, address: str, now: float) -> None:
        if len(self._addresses) >= MAX_ADDRESSES:
            expired = [key for key, entry in self._addresses.items() if now - entry.logged_at >= self._interval]
            for key in expired:
                del self._addresses[key]
            if len(self._addresses) >= MAX_ADDRESSES:
                return  # every one is recent: this address is left to the overall budget
        self._addresses[address] = _Address(now)


def _printable(text: str, limit: int) -> str:
    """``text`` as it may appear in a log line: short, one line, no control characters
    (an address behind a trusted proxy, or a request line, is what the client wrote)."""
    text = str(text)[:limit]
    return "".join(character if character.isprintable() else "?" for character in text) or "unknown"


def _held_back_note(held_back: int, elsewhere: int) -> str:
    notes = []
    if held_back:
        notes.append(f"{held_back} more from this address not logged")
    if elsewhere:
        notes.append(f"{elsewhere} from other addresses not logged")
    return f" ({'; '.join(notes)})" if notes else ""
