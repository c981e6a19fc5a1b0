"""The chain (idea to decision): from an open question or a Q&A, one host action
(``shortlist``) turns the best entries into a new poll placed right after the
activity, not yet open.

The kind says what its entries are (``Entry``: id, text, upvotes, how many
participants sent that text; hidden, held and removed ones left out); this module
picks them and writes the poll:

- ``{"top": N}`` takes the N best: most upvotes, then most senders, then the oldest;
- ``{"entries": [ids]}`` takes the facilitator's own pick, in the order given;
- texts identical after normalisation (``normalise_word``: case, accents, spacing,
  punctuation, as word-cloud entries) are one option, shown in the spelling of the
  entry that ranks first; other merges are the facilitator's (moderation console);
- the poll's ``origin`` records where its options came from, for the archive; an
  option whose text was longer than a poll option may be (120 characters) is
  shortened (ending with "…") and its origin keeps the whole text (``full_text``), so
  the host screen, the console and the archive say which were shortened.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from live.activities.archiving import truncate
from live.activities.base import Activity, LiveSession, Outcome
from live.activities.poll.rules import TYPE as POLL
from live.domain.errors import DomainError
from live.domain.normalise import normalise_word

# A poll takes 2 to 12 options of at most 120 characters (live/activities/poll/rules.py).
MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION = 2, 12, 120
MAX_PICK = 50  # ids a facilitator may send in one pick (more is refused before any work)


@dataclass(frozen=True)
class Entry:
    """One entry a shortlist may take: its id, its text as shown, its upvotes and
    how many participants sent it (several for grouped open answers)."""

    id: str
    text: str
    votes: int = 0
    senders: int = 1


def ranked(entries: list[Entry]) -> list[Entry]:
    """``entries`` best first: most upvotes, then most senders; ties keep their order
    (the oldest first)."""
    return sorted(entries, key=lambda entry: (-entry.votes, -entry.senders))


def pick(entries: list[Entry], payload: dict) -> list[Entry]:
    """The entries a ``shortlist`` payload names: ``top`` (a whole number from 2 to
    12) or ``entries`` (2 to 12 distinct known ids), not both."""
    has_top, has_ids = "top" in payload, "entries" in payload
    if has_top == has_ids:
        raise DomainError("invalid_payload", "Send either top (how many) or entries (which ones).", "top")
    if has_top:
        top = payload["top"]
        if not isinstance(top, int) or isinstance(top, bool) or not MIN_OPTIONS <= top <= MAX_OPTIONS:
            raise DomainError("out_of_range", f"top must be a whole number from {MIN_OPTIONS} to {MAX_OPTIONS}.", "top")
        return ranked(entries)[:top]
    ids = payload["entries"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or len(ids) > MAX_PICK:
        raise DomainError("invalid_payload", "entries must be a list of entry ids.", "entries")
    if len(set(ids)) != len(ids):
        raise DomainError("invalid_payload", "An entry is picked twice.", "entries")
    known = {entry.id: entry for entry in entries}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise DomainError("unknown_entry", "One of the picked entries does not exist or is hidden.", "entries")
    return [known[i] for i in ids]


def options_of(chosen: list[Entry]) -> list[dict]:
    """One option per text, entries that say the same thing together: ``{"text",
    "votes", "senders", "entries"}`` in the order of ``chosen``, and ``full_text`` when
    ``text`` had to be shortened."""
    options: dict[str, dict] = {}
    for entry in chosen:
        key = normalise_word(entry.text) or entry.text
        if key not in options:
            options[key] = {"text": truncate(entry.text, MAX_OPTION), "votes": 0, "senders": 0, "entries": []}
            if options[key]["text"] != entry.text:
                options[key]["full_text"] = entry.text
        option = options[key]
        option["votes"] += entry.votes
        option["senders"] += entry.senders
        option["entries"].append(entry.id)
    return list(options.values())


def poll_of(source: Activity, chosen: list[Entry]) -> dict:
    """The raw spec of the poll made of ``chosen`` entries of ``source``."""
    options = options_of(chosen)
    if len(options) < MIN_OPTIONS:
        raise DomainError("too_few", "A poll needs at least two different entries.", "entries")
    return {
        "type": POLL,
        "prompt": source.spec.prompt,
        "options": [option["text"] for option in options],
        "origin": {
            "activity_id": source.id, "type": source.type, "prompt": source.spec.prompt,
            "options": [{key: option[key] for key in ("votes", "senders", "entries", "full_text") if key in option}
                        for option in options],
        },
    }


def command(entries_of: Callable[[LiveSession, Activity], list[Entry]]):
    """The ``shortlist`` host command of a kind whose entries ``entries_of`` lists
    (visible ones only, in the order they came)."""

    def shortlist(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
        chosen = pick(entries_of(session, activity), payload)
        return Outcome(insert=(poll_of(activity, chosen), activity.id))

    return shortlist
