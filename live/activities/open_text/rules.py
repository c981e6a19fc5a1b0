"""The rules of an open question: free-text answers on a moderated wall, with optional
upvotes and reports.

A participant may send up to ``max_entries`` answers of at most ``max_length``
characters (one string per ``answer``). Answers that say the same thing are one
*entry*, grouped exactly as word-cloud entries are (``normalise_word``: case,
accents, spacing, punctuation around words, plurals); the entry shows its most
common spelling (ties: the one seen first). Its id is a short hash of that grouping
key, so every process and every restart gives it the same id.

Three more things participants send, stored as answer rows like the texts (the
service counts each once, whichever process committed it) but taking no answer slot:

- ``{"vote": id}``: an upvote (when the spec allows them), one per participant per
  entry; ``{"vote": id, "up": false, "ids": [...]}`` takes it back from the entries
  listed (the entry and those merged into it, as they stood);
- ``{"report": id}``: a participant finds the entry abusive; once per participant per
  entry, and nothing ever says who.

Moderation is the word cloud's (live/activities/moderation.py), on entry ids, with
``hold`` too: the profanity filter holds an entry until the facilitator releases it;
the facilitator may hold, release, hide, show and merge entries, and undo. Merged
entries pool their answers, senders, upvotes and reports (a participant who upvoted
both counts once).

Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from live.activities.moderation import HELD, HIDDEN, SHOWN, SLOTS, Moderation, View, Wording, replay, step
from live.domain.errors import Checks, DomainError
from live.domain.fields import bounded_int
from live.domain.normalise import clean_entry, normalise_word
from live.domain.profanity import ProfanityFilter
from live.domain.text import required_text

TYPE = "open_text"
MAX_PROMPT = 300
MIN_ENTRIES, MAX_ENTRIES, DEFAULT_ENTRIES = 1, 10, 1
MIN_LENGTH, MAX_LENGTH, DEFAULT_LENGTH = 1, 500, 200
ID_LENGTH = 12
ENTRIES = Wording(noun="entry", one="an entry", plural="entries", unknown="unknown_entry")


# --------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class OpenTextSpec:
    """What the facilitator wrote: the question, how many answers each, how long, and
    whether the room may upvote."""

    prompt: str
    max_entries: int = DEFAULT_ENTRIES
    max_length: int = DEFAULT_LENGTH
    upvotes: bool = False

    type: str = field(default=TYPE, init=False)

    def as_dict(self) -> dict:
        """The spec as stored and as given back by the API."""
        return {
            "type": TYPE, "prompt": self.prompt, "max_entries": self.max_entries,
            "max_length": self.max_length, "upvotes": self.upvotes,
        }


def parse_spec(raw: dict, where: str = "") -> OpenTextSpec:
    """Validate an open question from untrusted input (API body, form, database);
    every refusal at once (``DomainError.problems``)."""
    checks = Checks()
    prompt = checks.run(lambda: required_text(raw.get("prompt"), f"{where}prompt", MAX_PROMPT))
    max_entries = checks.run(lambda: bounded_int(raw, "max_entries", DEFAULT_ENTRIES, MIN_ENTRIES, MAX_ENTRIES, where))
    max_length = checks.run(lambda: bounded_int(raw, "max_length", DEFAULT_LENGTH, MIN_LENGTH, MAX_LENGTH, where))
    upvotes = checks.run(lambda: _upvotes(raw, where))
    checks.done()
    return OpenTextSpec(prompt=prompt, max_entries=max_entries, max_length=max_length, upvotes=upvotes)


def _upvotes(raw: dict, where: str) -> bool:
    upvotes = raw.get("upvotes", False)
    if not isinstance(upvotes, bool):
        raise DomainError("invalid_type", "upvotes must be true or false.", f"{where}upvotes")
    return upvotes


# ------------------------------------------------------------------------ answers


def check_answer(spec: OpenTextSpec, value: object) -> str:
    """The answer as it will be stored and shown (cleaned: no control or invisible
    characters, single spaces), or a DomainError: ``invalid_value`` (not a string),
    ``blank``, ``too_long`` (over ``max_length`` characters once cleaned)."""
    if not isinstance(value, str):
        raise DomainError("invalid_value", "An answer must be text.", "value")
    # Refuse a huge string before cleaning it, so a 10 MB payload costs nothing.
    if len(value) > 4 * spec.max_length + 100:
        raise DomainError("too_long", f"An answer holds at most {spec.max_length} characters.", "value")
    text = clean_entry(value)
    if not text or not normalise_word(text):
        raise DomainError("blank", "The answer is empty.", "value")
    if len(text) > spec.max_length:
        raise DomainError("too_long", f"An answer holds at most {spec.max_length} characters.", "value")
    return text


def entry_id(text: str) -> str:
    """The id of the entry ``text`` belongs to: a short hash of its grouping key, the
    same on every process and after every restart."""
    return hashlib.sha256(normalise_word(text).encode("utf-8")).hexdigest()[:ID_LENGTH]


def is_text(value: object) -> bool:
    """Whether a stored value is an answer's text (not an upvote or a report)."""
    return isinstance(value, str)


# --------------------------------------------------------------------- moderation


class EntryModeration(Moderation):
    """The moderation of an open question: the word cloud's actions on entry ids,
    with ``hold`` (a shown entry goes back to wait for a decision)."""

    allowed = frozenset({"hide", "show", "release", "hold", "merge"})
    wording = ENTRIES


# -------------------------------------------------------------------------- tally


@dataclass
class _Group:
    """Every answer with one grouping key: its spellings (first seen first), how many
    answers and who sent them, when it came first and last (answer numbers)."""

    id: str
    profane: bool
    first: int
    newest: int = 0
    count: int = 0
    spellings: dict[str, int] = field(default_factory=dict)
    senders: set[str] = field(default_factory=set)

    def display(self) -> str:
        # max() keeps the first of equals and dicts keep insertion order: ties go to
        # the spelling seen first.
        return max(self.spellings.items(), key=lambda item: item[1])[0]


class Tally:
    """An open question's entries, updated value by value (answers, upvotes, reports).

    ``profanity`` is the session's filter (``ProfanityFilter()``, empty, holds
    nothing); ``moderation`` the activity's stored moderation, shared, not copied;
    ``featured`` the entry the host shows full screen (kind state)."""

    def __init__(
        self, spec: OpenTextSpec, moderation: EntryModeration | None = None, profanity: ProfanityFilter | None = None,
    ) -> None:
        self.spec = spec
        self.moderation = moderation if moderation is not None else EntryModeration()
        self.profanity = profanity if profanity is not None else ProfanityFilter()
        self.featured: str | None = None
        self.n_answers = 0
        self._groups: dict[str, _Group] = {}
        self._voters: dict[str, set[str]] = {}
        self._reporters: dict[str, set[str]] = {}
        self._version = 0
        # The moderated view and the table are rebuilt only when something changed:
        # the push loop asks for them several times per tick.
        self._cached_view: tuple[int, list[dict], View] | None = None
        self._views = 0  # how many times the view was built: the table's stamp
        self._cached_table: tuple[tuple, list[dict]] | None = None

    # -- counting

    def add(self, value: object, participant_id: str = "") -> None:
        """Count one stored value of ``participant_id``: a text (as ``check_answer``
        gave it), an upvote or its withdrawal, a report. Anything else is skipped: a
        tally rebuilt from the database never fails on one odd row."""
        if is_text(value):
            self._add_text(participant_id, value)
        elif isinstance(value, dict) and isinstance(value.get("vote"), str):
            self._vote(participant_id, value)
        elif isinstance(value, dict) and isinstance(value.get("report"), str):
            self._reporters.setdefault(value["report"], set()).add(participant_id)
        else:
            return
        self._version += 1

    def _add_text(self, participant_id: str, text: str) -> None:
        self.n_answers += 1
        key = normalise_word(text)
        ident = entry_id(text)
        group = self._groups.get(ident)
        if group is None:
            group = self._groups[ident] = _Group(ident, profane=self.profanity.is_profane(key), first=self.n_answers)
        group.spellings[text] = group.spellings.get(text, 0) + 1
        group.count += 1
        group.newest = self.n_answers
        group.senders.add(participant_id)

    def _vote(self, participant_id: str, value: dict) -> None:
        if value.get("up") is False:
            ids = value.get("ids") if isinstance(value.get("ids"), list) else [value["vote"]]
            for ident in ids:
                self._voters.get(ident, set()).discard(participant_id)
        else:
            self._voters.setdefault(value["vote"], set()).add(participant_id)

    # -- what is visible

    def visible(self, ident: object) -> str:
        """The entry a phone names, as it now stands (an entry merged into another is
        that other), if participants see it; else ``unknown_entry``."""
        root = self._root_of(ident)
        if root is None or self._view().status[root] != SHOWN:
            raise DomainError("unknown_entry", "There is no such entry, or it was hidden.", "entry_id")
        return root

    def members(self, root: str) -> list[str]:
        """The ids of the entries that make entry ``root`` (itself and those merged in)."""
        view = self._view()
        return [ident for ident in self._groups if view.root(ident) == root]

    def has_voted(self, participant_id: str, root: str) -> list[str]:
        """The entries of ``root`` whose upvote by ``participant_id`` stands."""
        return [ident for ident in self.members(root) if participant_id in self._voters.get(ident, ())]

    def has_reported(self, participant_id: str, root: str) -> bool:
        """Whether ``participant_id`` reported entry ``root`` (or one merged into it)."""
        return any(participant_id in self._reporters.get(ident, ()) for ident in self.members(root))

    def rows(self, status: str | None = SHOWN) -> list[dict]:
        """The entries as moderation leaves them, in the order they first came (None:
        every status): ``{"id", "text", "count", "senders", "votes", "reports",
        "status", "first", "newest", "merged", "spellings"}``."""
        table = self._table()
        return table if status is None else [row for row in table if row["status"] == status]

    def featured_row(self) -> dict | None:
        """The entry featured full screen, while it is visible."""
        root = self._root_of(self.featured)
        if root is None:
            return None
        return next((row for row in self.rows() if row["id"] == root), None)

    def results(self) -> dict:
        """Every visible entry, newest first (the summary's ``entries``)."""
        return {"entries": [public_row(row, self.spec.upvotes) for row in newest_first(self.rows())]}

    # -- moderation

    def moderate(self, action: object) -> dict:
        """Check ``action`` against the entries and record it. Refusals:
        ``invalid_payload`` (malformed, or pointless: hiding a hidden entry, releasing
        one that is not held, merging an entry with itself), ``unknown_entry``."""
        parsed = self.moderation.parse(action)
        view = self._view()
        resolved = {"action": parsed["action"]}
        for slot in SLOTS[parsed["action"]]:
            root = self._root_of(parsed[slot])
            if root is None:
                raise DomainError("unknown_entry", "There is no such entry.", slot)
            resolved[slot] = root
        # Tried on a copy: the cached view only ever reflects stored actions.
        step(resolved, view.copy(), strict=True, wording=ENTRIES)
        return self.moderation.apply(resolved)

    def undo(self) -> dict:
        """Undo the last moderation action (``nothing_to_undo`` when none is left)."""
        return self.moderation.undo()

    # -- internals

    def _root_of(self, ident: object) -> str | None:
        if not isinstance(ident, str) or ident not in self._groups:
            return None
        return self._view().root(ident)

    def _view(self) -> View:
        cached = self._cached_view
        if cached is None or cached[0] != len(self._groups) or cached[1] != self.moderation.actions:
            first = {ident: HELD if group.profane else SHOWN for ident, group in self._groups.items()}
            view = replay(first, self.moderation.actions, ENTRIES)
            self._views += 1
            self._cached_view = cached = (len(self._groups), [dict(a) for a in self.moderation.actions], view)
        return cached[2]

    def _table(self) -> list[dict]:
        view = self._view()
        stamp = (self._version, self._views)
        if self._cached_table is not None and self._cached_table[0] == stamp:
            return self._cached_table[1]
        members: dict[str, list[_Group]] = {}
        for ident, group in self._groups.items():
            members.setdefault(view.root(ident), []).append(group)
        table = [self._row(root, groups, view.status[root]) for root, groups in members.items()]
        table.sort(key=lambda row: row["first"])
        self._cached_table = (stamp, table)
        return table

    def _row(self, root: str, groups: list[_Group], status: str) -> dict:
        spellings: dict[str, int] = {}
        for group in groups:
            for spelling, count in group.spellings.items():
                spellings[spelling] = spellings.get(spelling, 0) + count
        ids = [group.id for group in groups]
        return {
            "id": root,
            "text": self._groups[root].display(),
            "count": sum(group.count for group in groups),
            "senders": len(set().union(*(group.senders for group in groups))),
            "votes": len(set().union(*(self._voters.get(ident, set()) for ident in ids))),
            "reports": len(set().union(*(self._reporters.get(ident, set()) for ident in ids))),
            "status": status,
            "first": min(group.first for group in groups),
            "newest": max(group.newest for group in groups),
            "merged": sorted(ident for ident in ids if ident != root),
            "spellings": [[text, n] for text, n in sorted(spellings.items(), key=lambda item: -item[1])],
        }


# ---------------------------------------------------------------- orders and shapes


def newest_first(rows: list[dict]) -> list[dict]:
    """Entries by their latest answer, newest first."""
    return sorted(rows, key=lambda row: -row["newest"])


def best_first(rows: list[dict]) -> list[dict]:
    """Entries as the chain ranks them (live/activities/shortlist.py): most upvotes,
    then most senders, then the oldest."""
    return sorted(rows, key=lambda row: (-row["votes"], -row["senders"], row["first"]))


def public_row(row: dict, upvotes: bool) -> dict:
    """What anyone may see of an entry: its id, text, answers, when it last came and,
    when the room upvotes, its upvotes. Never who sent, upvoted or reported it."""
    shown = {"id": row["id"], "text": row["text"], "count": row["count"], "newest": row["newest"]}
    if upvotes:
        shown["votes"] = row["votes"]
    return shown


def moderation_row(row: dict, upvotes: bool) -> dict:
    """What the facilitator's console shows of an entry: the public fields, how many
    participants sent and reported it, its status and the entries merged into it."""
    return {
        **public_row(row, upvotes), "senders": row["senders"], "reports": row["reports"],
        "status": row["status"], "merged": row["merged"],
    }
