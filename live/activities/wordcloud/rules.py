"""The rules of a word cloud: a prompt, a few short entries per participant, grouped and moderated.

A participant may send up to ``max_entries`` entries (one string per ``answer``).
Entries are grouped by ``normalise_word`` so that "Lecture", "lecture ",
"LECTURE" and "lectures" make one word on the projector; the word shown is the
most frequent original spelling of its group (ties: the one seen first).

Two kinds of entries stay off the projector:

- *held* entries: their group matched the profanity filter. The participant's
  answer is accepted (and acknowledged) all the same; the facilitator sees held
  groups and may release them.
- *hidden* groups: the facilitator hid them. New entries joining a hidden group
  are counted but stay hidden.

Moderation (hide, show, merge, release, undo) is an ordered list of actions
(``Moderation``) replayed over the tally, so undo is exact and the archive can
record what was done. Text is never stripped of HTML: ``<b>`` stays the five
characters ``<b>``, and the edges show it with ``textContent``.

The domain accepts the same word twice from one participant (two entries that
normalise alike): whether a participant may repeat a word is the service's
decision, not a rule of the cloud.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from live.activities.moderation import HELD, HIDDEN, SHOWN, SLOTS, Moderation, View, replay, step
from live.domain.errors import Checks, DomainError
from live.domain.fields import bounded_int
from live.domain.normalise import clean_entry, display_form, normalise_word
from live.domain.profanity import ProfanityFilter
from live.domain.text import required_text

TYPE = "wordcloud"
MAX_PROMPT = 300
MIN_ENTRIES, MAX_ENTRIES, DEFAULT_ENTRIES = 1, 10, 3
MIN_LENGTH, MAX_LENGTH, DEFAULT_LENGTH = 1, 100, 40


# --------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class WordCloudSpec:
    """What the facilitator wrote: the prompt and the limits on entries."""

    prompt: str
    max_entries: int = DEFAULT_ENTRIES
    max_length: int = DEFAULT_LENGTH
    single_word: bool = False

    type: str = field(default=TYPE, init=False)

    def as_dict(self) -> dict:
        """The spec as stored and as given back by the API."""
        return {
            "type": TYPE,
            "prompt": self.prompt,
            "max_entries": self.max_entries,
            "max_length": self.max_length,
            "single_word": self.single_word,
        }


def parse_spec(raw: dict, where: str = "") -> WordCloudSpec:
    """Validate a word-cloud spec from untrusted input (API body, form, database);
    every refusal at once (``DomainError.problems``)."""
    checks = Checks()
    prompt = checks.run(lambda: required_text(raw.get("prompt"), f"{where}prompt", MAX_PROMPT))
    max_entries = checks.run(lambda: bounded_int(raw, "max_entries", DEFAULT_ENTRIES, MIN_ENTRIES, MAX_ENTRIES, where))
    max_length = checks.run(lambda: bounded_int(raw, "max_length", DEFAULT_LENGTH, MIN_LENGTH, MAX_LENGTH, where))
    single_word = checks.run(lambda: _single_word(raw, where))
    checks.done()
    return WordCloudSpec(prompt=prompt, max_entries=max_entries, max_length=max_length, single_word=single_word)


def _single_word(raw: dict, where: str) -> bool:
    single_word = raw.get("single_word", False)
    if not isinstance(single_word, bool):
        raise DomainError("invalid_type", "single_word must be true or false.", f"{where}single_word")
    return single_word


# ------------------------------------------------------------------------ answers

def check_answer(spec: WordCloudSpec, value: object) -> str:
    """The entry as it will be stored and shown, or a DomainError saying what is wrong.

    Codes: ``invalid_value`` (not a string), ``blank``, ``too_long`` (over
    ``max_length`` characters once cleaned), ``not_single_word``.
    """
    if not isinstance(value, str):
        raise DomainError("invalid_value", "An entry must be text.", "value")
    # Refuse a huge string before cleaning it, so a 10 MB payload costs nothing.
    if len(value) > 4 * spec.max_length + 100:
        raise DomainError("too_long", f"An entry holds at most {spec.max_length} characters.", "value")
    entry = clean_entry(value)
    key = normalise_word(entry)
    if not entry or not key:
        raise DomainError("blank", "The entry is empty.", "value")
    if len(entry) > spec.max_length:
        raise DomainError("too_long", f"An entry holds at most {spec.max_length} characters.", "value")
    if spec.single_word and len(key.split(" ")) > 1:
        raise DomainError("not_single_word", "Only one word per entry, please.", "value")
    return entry


def public_view(spec: WordCloudSpec) -> dict:
    """What participants may see of the word cloud (it holds no secret)."""
    return spec.as_dict()


def describe_answer(spec: WordCloudSpec, value: str) -> str:
    """The entry as text, for the CSV export: as the participant typed it, cleaned."""
    return value


def answer_limit(spec: WordCloudSpec) -> int:
    """How many entries one participant may give."""
    return spec.max_entries


# --------------------------------------------------------------------- moderation
#
# Moderation (``Moderation``, ``parse_action``, replayed by ``step``) is shared with
# the other kinds that group what participants type: live/activities/moderation.py.


# -------------------------------------------------------------------------- tally


@dataclass
class _Group:
    """Every entry with one key: its spellings (in first-seen order) and count."""

    key: str
    profane: bool
    spellings: dict[str, int] = field(default_factory=dict)
    count: int = 0

    def display(self) -> str:
        # max() keeps the first of equals, and dicts keep insertion order: ties
        # go to the spelling seen first.
        return max(self.spellings.items(), key=lambda item: item[1])[0]


class Tally:
    """Running groups of a word cloud, updated entry by entry.

    ``profanity`` is the session's filter (the server's word lists plus the
    session's own words, loaded at start by live/wordlists); ``ProfanityFilter()``
    (empty, the default) holds nothing: the filter is off. ``moderation`` is the
    activity's stored moderation, shared, not copied: ``moderate`` and ``undo``
    change it, and the service stores ``moderation.as_list()``.
    """

    def __init__(
        self,
        spec: WordCloudSpec,
        moderation: Moderation | None = None,
        profanity: ProfanityFilter | None = None,
    ) -> None:
        self.spec = spec
        self.moderation = moderation if moderation is not None else Moderation()
        self.profanity = profanity if profanity is not None else ProfanityFilter()
        self.n_answers = 0
        self._groups: dict[str, _Group] = {}
        # The moderated view is cached with the actions it was built from, so a
        # tally rebuilt from thousands of entries does not replay per entry.
        self._cached_view: View | None = None
        self._cached_actions: list[dict] = []

    def add(self, value: str) -> str:
        """Count one accepted entry (as ``check_answer`` gave it); give back where it
        went: ``"shown"``, ``"held"`` (profanity) or ``"hidden"`` (a hidden word)."""
        key = normalise_word(value)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(key, profane=self.profanity.is_profane(key))
            self._extend_view(group)
        spelling = display_form(value)
        group.spellings[spelling] = group.spellings.get(spelling, 0) + 1
        group.count += 1
        self.n_answers += 1
        view = self._view()
        return view.status[view.root(key)]

    # -- what the screens see

    def results(self) -> dict:
        """The type-specific fields of the ``results`` event: shown words only,
        ``[[display, count], ...]``, largest first, then by display word."""
        return {"words": [[row["display"], row["count"]] for row in self._rows(SHOWN)]}

    def held(self) -> list[dict]:
        """Groups held by the profanity filter, for the facilitator: ``{"key", "display", "count"}``."""
        return self._rows(HELD)

    def hidden(self) -> list[dict]:
        """Groups the facilitator hid: ``{"key", "display", "count"}``."""
        return self._rows(HIDDEN)

    def full_table(self) -> list[dict]:
        """Every group, for the archive: key, display, count, status, the spellings
        with their counts (merged words included) and the keys merged into it."""
        view = self._view()
        members: dict[str, list[_Group]] = {}
        for key, group in self._groups.items():
            members.setdefault(view.root(key), []).append(group)
        table = []
        for root, groups in members.items():
            spellings: dict[str, int] = {}
            for group in groups:
                for spelling, count in group.spellings.items():
                    spellings[spelling] = spellings.get(spelling, 0) + count
            table.append(
                {
                    "key": root,
                    "display": self._groups[root].display(),
                    "count": sum(group.count for group in groups),
                    "status": view.status[root],
                    "spellings": [[s, n] for s, n in sorted(spellings.items(), key=lambda item: -item[1])],
                    "merged": sorted(group.key for group in groups if group.key != root),
                }
            )
        return sorted(table, key=_order)

    # -- moderation

    def moderate(self, action: object) -> dict:
        """Check ``action`` against the words of this cloud and record it.

        Words may be named by key or by any spelling (the host screen knows the
        displayed word); a merged word stands for the group it joined. Refusals:
        ``invalid_payload`` (malformed, or pointless: hiding a hidden word,
        releasing a word that is not held, merging a word with itself),
        ``unknown_word``.
        """
        parsed = self.moderation.parse(action)
        view = self._view()
        resolved = {"action": parsed["action"]}
        for slot in SLOTS[parsed["action"]]:
            resolved[slot] = self._resolve(parsed[slot], view)
        # Checked on a copy: the cached view must only ever reflect stored actions.
        step(resolved, view.copy(), strict=True)
        return self.moderation.apply(resolved)

    def undo(self) -> dict:
        """Undo the last moderation action (``nothing_to_undo`` when none is left)."""
        return self.moderation.undo()

    # -- internals

    def _resolve(self, word: str, view: View) -> str:
        for candidate in (word, normalise_word(word)):
            if candidate in self._groups:
                return view.root(candidate)
        raise DomainError("unknown_word", f"No entry {word!r} in this word cloud.", "key")

    def _view(self) -> View:
        # Replaying every action over the base statuses is what makes undo exact;
        # the result is reused until the actions change.
        if self._cached_view is not None and self._cached_actions == self.moderation.actions:
            return self._cached_view
        view = replay({key: HELD if g.profane else SHOWN for key, g in self._groups.items()}, self.moderation.actions)
        self._cached_view, self._cached_actions = view, [dict(action) for action in self.moderation.actions]
        return view

    def _extend_view(self, group: _Group) -> None:
        """Add a new group to the cached view, unless a stored action names it
        (replayed before the group existed, it was skipped): then rebuild."""
        view = self._cached_view
        named = any(group.key in action.values() for action in self.moderation.actions)
        if view is None or named or self._cached_actions != self.moderation.actions:
            self._cached_view = None
            return
        view.status[group.key] = HELD if group.profane else SHOWN

    def _rows(self, status: str) -> list[dict]:
        view = self._view()
        counts: dict[str, int] = {}
        for key, group in self._groups.items():
            root = view.root(key)
            counts[root] = counts.get(root, 0) + group.count
        rows = [
            {"key": root, "display": self._groups[root].display(), "count": count}
            for root, count in counts.items()
            if view.status[root] == status
        ]
        return sorted(rows, key=_order)


def _order(row: dict) -> tuple:
    """Largest first, then alphabetically (case-insensitive, then exact) so that
    equal counts never swap places between two pushes."""
    return (-row["count"], row["display"].casefold(), row["display"])
