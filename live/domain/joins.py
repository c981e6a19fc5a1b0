"""Who may join a session, and whom the host's "remove many" picks.

Pure rules: the caller passes the counts in; no clock is read.

The defences against a crowd of fake phones are the host's, never the client
address's (a whole room often shares one address: venue Wi-Fi, a school's
gateway, a carrier's NAT):

- the host can **lock joins** at any moment;
- the facilitator may set an **expected size** (``expected_participants``):
  phones beyond it wait until the host lets them in;
- the host can **remove many** participants at once.

A phone coming back with its participant token is never asked any of this: it
is already in (unless the host removed it), locked or not, ended or not. A new
phone, in this order:

===========================================  ===================================
the session                                  the new phone
===========================================  ===================================
has ended                                    refused, ``session_ended``
has joins locked                             refused, ``joins_locked``
holds ``max_participants`` (server setting)  refused, ``session_full``
holds ``expected_participants`` or more      waits (``WAIT``) for the host
otherwise                                    joins (``ADMIT``)
===========================================  ===================================

Removed participants count in none of these numbers.

Waiting phones
    "Let them in" lets in every phone waiting at that moment: the session
    counts the host's admissions (``admissions``), and a waiting phone
    remembers the count it started waiting under; it may enter once the count
    has grown past it. A number, not a time, so processes need no common clock.
    Phones arriving later wait for the next "let them in", so letting a crowd
    in never opens the door to whoever comes next.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from live.domain.errors import DomainError

ADMIT, WAIT = "admit", "wait"
MAX_EXPECTED = 100_000
# "Remove everyone who joined in the last N seconds": up to a day back.
MAX_JOINED_WITHIN = 24 * 3600

SESSION_ENDED = "This session has ended: no one can join it any more."
JOINS_LOCKED = "The host has closed this session to new participants for now."
SESSION_FULL = "This session is full: no more participants can join."
WAITING = "The session has as many participants as expected: the host will let you in."


@dataclass(frozen=True)
class JoinSettings:
    """The join settings of one session: the facilitator's expected size, the
    host's lock, and how many times the host let waiting phones in."""

    expected_participants: int | None = None
    locked: bool = False
    admissions: int = 0

    @classmethod
    def from_stored(cls, stored: object) -> "JoinSettings":
        """The settings kept in a session's ``settings`` JSON (missing keys: defaults;
        a damaged value is read as its default rather than stopping the session)."""
        stored = stored if isinstance(stored, dict) else {}
        expected = stored.get("expected_participants")
        admissions = stored.get("admissions")
        return cls(
            expected_participants=expected if _whole(expected) and 1 <= expected <= MAX_EXPECTED else None,
            locked=stored.get("joins_locked") is True,
            admissions=admissions if _whole(admissions) and admissions >= 0 else 0,
        )

    def stored(self) -> dict:
        """The keys these settings own in the session's ``settings`` JSON."""
        return {
            "expected_participants": self.expected_participants,
            "joins_locked": self.locked,
            "admissions": self.admissions,
        }

    def locking(self, locked: bool) -> "JoinSettings":
        """The same settings with joins locked or unlocked."""
        return replace(self, locked=locked)

    def letting_in(self) -> "JoinSettings":
        """The same settings after the host let every waiting phone in."""
        return replace(self, admissions=self.admissions + 1)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_expected_participants(raw: object, field: str = "expected_participants") -> int | None:
    """The facilitator's expected size from untrusted input: absent (``None``) or
    a whole number from 1 to ``MAX_EXPECTED``."""
    if raw is None:
        return None
    if not _whole(raw):
        raise DomainError("invalid_type", "expected_participants must be a whole number, or null.", field)
    if not 1 <= raw <= MAX_EXPECTED:
        raise DomainError("out_of_range", f"expected_participants must be between 1 and {MAX_EXPECTED}.", field)
    return raw


def admission(settings: JoinSettings, ended: bool, n_in: int, max_participants: int = 0) -> str:
    """``ADMIT`` or ``WAIT`` for a new phone when ``n_in`` participants are in;
    raises ``session_ended``, ``joins_locked`` or ``session_full``
    (``max_participants`` 0: no server limit)."""
    refuse_new_phones(settings, ended, n_in, max_participants)
    expected = settings.expected_participants
    if expected is not None and n_in >= expected:
        return WAIT
    return ADMIT


def refuse_new_phones(settings: JoinSettings, ended: bool, n_in: int, max_participants: int = 0) -> None:
    """Raise when no new phone may come in at all, waiting or not."""
    if ended:
        raise DomainError("session_ended", SESSION_ENDED)
    if settings.locked:
        raise DomainError("joins_locked", JOINS_LOCKED)
    if max_participants and n_in >= max_participants:
        raise DomainError("session_full", SESSION_FULL)


def may_enter(settings: JoinSettings, waiting_since: int, ended: bool, n_in: int, max_participants: int = 0) -> bool:
    """True when a phone that started waiting under ``waiting_since`` admissions may
    come in now: the host let it in since, or the session is below its expected
    size again (the host removed people). Raises like ``admission``."""
    refuse_new_phones(settings, ended, n_in, max_participants)
    return settings.admissions > waiting_since or admission(settings, ended, n_in, max_participants) == ADMIT


# ------------------------------------------------------------------ removing many


@dataclass(frozen=True)
class Removal:
    """Whom a host's ``remove_many`` picks: participants still in who joined in the
    ``joined_within`` seconds before ``as_of`` (None: any time before it), and, with
    ``never_answered``, only those with no answer at all. ``preview`` only counts."""

    joined_within: int | None
    never_answered: bool
    as_of: datetime | None
    preview: bool


def parse_removal(data: object) -> Removal:
    """A ``remove_many`` payload: ``{"joined_within": seconds}`` and/or
    ``{"never_answered": true}``, optional ``"preview": true`` and ``"as_of"``
    (the time a preview answered, so the removal takes exactly whom it counted)."""
    if not isinstance(data, dict):
        raise DomainError("invalid_payload", "The payload must be an object.")
    within = data.get("joined_within")
    if within is not None:
        if not _whole(within):
            raise DomainError("invalid_payload", "joined_within must be a whole number of seconds.", "joined_within")
        if not 1 <= within <= MAX_JOINED_WITHIN:
            raise DomainError("invalid_payload", f"joined_within must be from 1 to {MAX_JOINED_WITHIN} seconds.",
                              "joined_within")
    never_answered = data.get("never_answered", False)
    preview = data.get("preview", False)
    if not isinstance(never_answered, bool) or not isinstance(preview, bool):
        raise DomainError("invalid_payload", "never_answered and preview must be true or false.")
    if within is None and not never_answered:
        raise DomainError("invalid_payload", "Say whom to remove: joined_within, never_answered, or both.")
    return Removal(within, never_answered, _moment(data.get("as_of")), preview)


def _moment(raw: object) -> datetime | None:
    """An ISO 8601 UTC time (``...Z``) as naive UTC, as timestamps are stored."""
    if raw is None:
        return None
    if not isinstance(raw, str) or len(raw) > 40:
        raise DomainError("invalid_payload", "as_of must be the time a preview answered.", "as_of")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise DomainError("invalid_payload", "as_of must be the time a preview answered.", "as_of") from None
    if moment.utcoffset() is None or moment.utcoffset().total_seconds() != 0:
        raise DomainError("invalid_payload", "as_of must be a UTC time ending in Z.", "as_of")
    return moment.replace(tzinfo=None)
