"""The host's commands on an open question, each a pure function of the session's
state and the payload that returns what to store (the kind state) and what changed:

- ``moderate`` ``{"activity_id", "action": "hide"/"show"/"hold"/"release",
  "entry_id"}`` or ``{"activity_id", "action": "merge", "from", "into"}`` (entry ids);
- ``undo`` ``{"activity_id"}``: the last moderation action;
- ``feature`` ``{"activity_id", "entry_id"}``: that entry full screen on the host;
  ``"entry_id": null`` (or none) features none;
- ``shortlist`` (the chain, live/activities/shortlist.py): a poll of the top entries
  or of the facilitator's pick, right after the question.

The live tally changes only once the service has stored the new kind state
(``apply_state``), so memory never runs ahead of the database.
"""

from __future__ import annotations

from live.activities import shortlist
from live.activities.base import Activity, LiveSession, Outcome
from live.activities.open_text.participation import MAX_ID
from live.activities.open_text.rules import SLOTS, EntryModeration, Tally
from live.domain.errors import DomainError


def moderate(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
    """The facilitator holds, releases, hides, shows or merges entries."""
    tally: Tally = session.tallies[activity.id]
    action = _action(payload)
    return _changed_moderation(session, activity, tally, lambda: tally.moderate(action))


def undo(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
    """The facilitator undoes the last moderation action."""
    tally: Tally = session.tallies[activity.id]
    return _changed_moderation(session, activity, tally, tally.undo)


def feature(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
    """The host shows one visible entry full screen, or none."""
    chosen = payload.get("entry_id")
    if chosen is not None:
        if not isinstance(chosen, str) or not 1 <= len(chosen) <= MAX_ID:
            raise DomainError("invalid_payload", "entry_id must be an entry's id, or null.", "entry_id")
        chosen = session.tallies[activity.id].visible(chosen)
    return _new_state(session, activity, featured=chosen)


def entries_of(session: LiveSession, activity: Activity) -> list[shortlist.Entry]:
    """The visible entries, in the order they came, as the chain ranks them."""
    return [
        shortlist.Entry(row["id"], row["text"], votes=row["votes"], senders=row["senders"])
        for row in session.tallies[activity.id].rows()
    ]


def _action(payload: dict) -> dict:
    """The stored form of a moderation payload: entries named by ``entry_id`` (one) or
    ``from`` and ``into`` (a merge)."""
    name = payload.get("action")
    if not isinstance(name, str) or name not in EntryModeration.allowed:
        raise DomainError("invalid_payload", f"Unknown moderation action {name!r}.", "action")
    if name == "merge":
        return {"action": name, "from": payload.get("from"), "into": payload.get("into")}
    ident = payload.get("entry_id")
    if not isinstance(ident, str):
        raise DomainError("invalid_payload", "entry_id must name an entry.", "entry_id")
    return {"action": name, **{slot: ident for slot in SLOTS[name]}}


def _changed_moderation(session: LiveSession, activity: Activity, tally: Tally, change) -> Outcome:
    """Run ``change`` on the moderation, then put it back as it was: the service stores
    the new list and applies it (``apply_state``)."""
    before = tally.moderation.as_list()
    try:
        change()
        after = tally.moderation.as_list()
    finally:
        tally.moderation.actions = EntryModeration.from_list(before).actions
    return _new_state(session, activity, moderation=after)


def _new_state(session: LiveSession, activity: Activity, **changes) -> Outcome:
    """The activity's kind state with ``changes``, to store; its results changed."""
    state = {**(session.states.get(activity.id) or {}), **changes}
    return Outcome(states={activity.id: state}, changed={activity.id})


COMMANDS = {
    "moderate": moderate, "undo": undo, "feature": feature, "shortlist": shortlist.command(entries_of),
}
