"""What participants send to an open question beyond their answers: ``upvote`` and
``report``. Each decision is pure: it checks the payload against the entries as they
stand and says what the service stores (an answer row that takes no answer slot).

- ``upvote`` ``{"activity_id", "question_id", "up": true/false}`` (the same event and
  payload as a Q&A's; ``entry_id`` is accepted in place of ``question_id``; ``up``
  defaults to true): one upvote per participant per entry, ``false`` takes it back.
  Refused with ``upvotes_off`` when the spec has no upvotes, ``unknown_entry`` for an
  entry phones cannot see (unknown, held or hidden), ``already_upvoted`` /
  ``not_upvoted``, ``invalid_payload``.
- ``report`` ``{"activity_id", "entry_id"}``: once per participant per entry
  (``already_reported``); the console shows how many reported an entry, never who.
"""

from __future__ import annotations

from live.activities.base import Activity, LiveSession, ParticipantCommand, Participation
from live.activities.open_text.rules import Tally
from live.domain.errors import DomainError

MAX_ID = 64


def named_entry(payload: dict) -> str:
    """The entry id a payload names, as ``question_id`` (the contract's Q&A name) or
    ``entry_id``; ``invalid_payload`` when it names none, or two different ones."""
    named = [payload[key] for key in ("question_id", "entry_id") if key in payload]
    if not named or any(other != named[0] for other in named):
        raise DomainError("invalid_payload", "Name one entry with entry_id (or question_id).", "entry_id")
    ident = named[0]
    if not isinstance(ident, str) or not 1 <= len(ident) <= MAX_ID:
        raise DomainError("invalid_payload", "entry_id must be an entry's id.", "entry_id")
    return ident


def upvote(session: LiveSession, activity: Activity, participant_id: str, payload: dict) -> Participation:
    """Upvote an entry, or take the upvote back (``"up": false``)."""
    if not activity.spec.upvotes:
        raise DomainError("upvotes_off", "This open question takes no upvotes.", "activity_id")
    up = payload.get("up", True)
    if not isinstance(up, bool):
        raise DomainError("invalid_payload", "up must be true or false.", "up")
    tally: Tally = session.tallies[activity.id]
    root = tally.visible(named_entry(payload))
    standing = tally.has_voted(participant_id, root)
    if up and standing:
        raise DomainError("already_upvoted", "You have already upvoted this entry.", "entry_id")
    if not up and not standing:
        raise DomainError("not_upvoted", "You have not upvoted this entry.", "entry_id")
    value = {"vote": root} if up else {"vote": root, "up": False, "ids": standing}
    # Two quick taps on one entry: the second waits for the first to be stored.
    return Participation(value, guard=("vote", root))


def report(session: LiveSession, activity: Activity, participant_id: str, payload: dict) -> Participation:
    """Report an entry as abusive (once per participant per entry)."""
    tally: Tally = session.tallies[activity.id]
    root = tally.visible(named_entry(payload))
    if tally.has_reported(participant_id, root):
        raise DomainError("already_reported", "You have already reported this entry.", "entry_id")
    return Participation({"report": root}, guard=("report", root))


COMMANDS = {"upvote": ParticipantCommand(upvote), "report": ParticipantCommand(report)}
