"""Rate limits as pure token buckets: the caller passes the clock in.

Two uses (issue 6): how fast one participant may send answers (keyed by the
participant, never by address: a whole venue shares one), and how many unknown
join codes one client address may try (keyed by address: guessing is what it
stops). Nothing here reads the time or knows about sockets, so every rule is
unit-tested with a fake clock.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TokenBucket:
    """``burst`` tokens at most, refilled at ``rate`` tokens a second; one action takes one."""

    rate: float
    burst: float
    tokens: float
    updated: float

    @classmethod
    def full(cls, rate: float, burst: float, now: float) -> "TokenBucket":
        """A bucket that allows a whole burst right away."""
        return cls(rate, burst, burst, now)

    def level(self, now: float) -> float:
        """The tokens available at ``now`` (a clock that goes back refills nothing)."""
        elapsed = max(0.0, now - self.updated)
        return min(self.burst, self.tokens + elapsed * self.rate)

    def take(self, now: float) -> bool:
        """Take one token if there is one; False (and nothing taken) when empty."""
        self.tokens = self.level(now)
        self.updated = max(self.updated, now)
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True

    def is_full(self, now: float) -> bool:
        """True when the bucket has refilled completely: it can be forgotten."""
        return self.level(now) >= self.burst


class RateLimiter:
    """One token bucket per key, created full on first use and forgotten once full
    again, so memory follows the keys that were active recently, not all keys ever seen."""

    def __init__(self, rate: float, burst: float, prune_every: int = 4096) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a rate limit needs rate > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._buckets: dict[object, TokenBucket] = {}
        self._prune_every = prune_every
        self._calls = 0

    def allow(self, key: object, now: float) -> bool:
        """True (and one token taken) when ``key`` is within its limit at ``now``."""
        self._calls += 1
        if self._calls >= self._prune_every:
            self.prune(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket.full(self.rate, self.burst, now)
        return bucket.take(now)

    def exhausted(self, key: object, now: float) -> bool:
        """True when ``key`` has no token left at ``now`` (nothing is taken)."""
        bucket = self._buckets.get(key)
        return bucket is not None and bucket.level(now) < 1.0

    def prune(self, now: float) -> None:
        """Forget every bucket that is full again: it behaves as a new one would."""
        self._calls = 0
        for key in [key for key, bucket in self._buckets.items() if bucket.is_full(now)]:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class KnownCodes:
    """The join codes each client address used successfully, the last few per
    address, for a bounded number of addresses (the oldest forgotten first)."""

    def __init__(self, per_address: int = 16, addresses: int = 65536) -> None:
        self._codes: dict[object, list[str]] = {}
        self._per_address = per_address
        self._addresses = addresses

    def add(self, address: object, code: str) -> None:
        """``address`` joined (or opened the page of) ``code``."""
        codes = self._codes.setdefault(address, [])
        if code in codes:
            return
        codes.append(code)
        del codes[: -self._per_address]
        if len(self._codes) > self._addresses:
            del self._codes[next(iter(self._codes))]

    def knows(self, address: object, code: object) -> bool:
        """True when ``address`` used ``code`` successfully before."""
        return code in self._codes.get(address, ())


class GuessThrottle:
    """Join-code guessing per client address.

    Each unknown code an address tries takes a token (``per_minute`` a minute,
    as a burst too). Once an address has none left, every code it tries is
    refused without looking it up, so a guesser learns nothing more, except
    the codes that address already joined successfully: the rest of a venue
    behind one address keeps joining the session that is running there."""

    def __init__(self, per_minute: float, remembered_codes: int = 16) -> None:
        self._unknown = RateLimiter(per_minute / 60.0, per_minute)
        self._joined = KnownCodes(remembered_codes)

    def may_try(self, address: object, code: object, now: float) -> bool:
        """True when ``address`` may look ``code`` up at ``now``."""
        if not self._unknown.exhausted(address, now):
            return True
        return self._joined.knows(address, code)

    def unknown_code(self, address: object, now: float) -> None:
        """``address`` tried a code that does not exist."""
        self._unknown.allow(address, now)

    def joined(self, address: object, code: str) -> None:
        """``address`` joined ``code``: that code stays open to it when it is throttled."""
        self._joined.add(address, code)
