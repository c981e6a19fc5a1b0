"""Moderation of what participants type, shared by the kinds that group it (word
clouds, open questions): the facilitator's decisions are an ordered list of actions,
stored as JSON in the activity's kind state and replayed over the groups, so undo is
exact and the archive can record what was done.

A group is named by a key (a word cloud's grouping key, an open question's entry id)
and has a status: ``shown``, ``hidden`` by the facilitator, or ``held`` (by the
profanity filter, or by the facilitator where the kind allows ``hold``). Actions:

- ``{"action": "hide", "key"}``: out of sight (from shown or held);
- ``{"action": "show", "key"}``: a hidden group back in;
- ``{"action": "release", "key"}``: a held group goes out;
- ``{"action": "hold", "key"}``: a shown group is held back for a decision;
- ``{"action": "merge", "from", "into"}``: two groups become one, with the status of
  ``into``.

``undo`` removes the last action. Each kind says which actions it takes
(``Moderation.allowed``) and how its refusals read (``Wording``).

Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from live.domain.errors import DomainError

SHOWN, HIDDEN, HELD = "shown", "hidden", "held"
MAX_KEY = 400  # a key longer than any group's key can be is refused
SLOTS = {"hide": ("key",), "show": ("key",), "release": ("key",), "hold": ("key",), "merge": ("from", "into")}
# The statuses an action applies to, and the status it leaves.
MOVES = {"hide": ((SHOWN, HELD), HIDDEN), "show": ((HIDDEN,), SHOWN), "release": ((HELD,), SHOWN), "hold": ((SHOWN,), HELD)}


@dataclass(frozen=True)
class Wording:
    """How a kind's moderation refusals read: what a group is called (one, several)
    and the code of an unknown one."""

    noun: str = "word"
    one: str = "a word"
    plural: str = "words"
    unknown: str = "unknown_word"


WORDS = Wording()
# A word cloud's actions; other kinds add theirs (an open question holds too).
WORD_ACTIONS = frozenset({"hide", "show", "release", "merge"})


def parse_action(raw: object, allowed: frozenset[str] = WORD_ACTIONS, wording: Wording = WORDS) -> dict:
    """A moderation action from untrusted input, in its stored form, or ``invalid_payload``."""
    if not isinstance(raw, dict):
        raise DomainError("invalid_payload", "A moderation action must be an object.", "action")
    name = raw.get("action")
    if not isinstance(name, str) or name not in allowed:
        raise DomainError("invalid_payload", f"Unknown moderation action {name!r}.", "action")
    parsed = {"action": name}
    for slot in SLOTS[name]:
        value = raw.get(slot)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_KEY:
            raise DomainError("invalid_payload", f"{slot} must name {wording.one}.", slot)
        parsed[slot] = value
    if name == "merge" and parsed["from"] == parsed["into"]:
        raise DomainError("invalid_payload", f"{wording.one.capitalize()} cannot be merged into itself.", "into")
    return parsed


@dataclass
class Moderation:
    """The facilitator's moderation of one activity: an ordered list of actions,
    stored as JSON (``as_list``/``from_list``) and replayed over the groups.

    ``apply`` checks the shape of an action only; the kind's tally also checks that
    the groups exist and the action makes sense (``step`` with ``strict``). A kind
    taking other actions subclasses it with its own ``allowed`` and ``wording``."""

    actions: list[dict] = field(default_factory=list)

    allowed: ClassVar[frozenset[str]] = WORD_ACTIONS
    wording: ClassVar[Wording] = WORDS

    def apply(self, action: object) -> dict:
        """Append a well-formed action; give back its stored form."""
        parsed = self.parse(action)
        self.actions.append(parsed)
        return dict(parsed)

    def undo(self) -> dict:
        """Remove and give back the last action (repeatable), or ``nothing_to_undo``."""
        if not self.actions:
            raise DomainError("nothing_to_undo", "There is no moderation to undo.")
        return self.actions.pop()

    def as_list(self) -> list[dict]:
        """The actions as plain JSON-ready dicts, oldest first."""
        return [dict(action) for action in self.actions]

    @classmethod
    def parse(cls, raw: object) -> dict:
        """One action of this moderation from untrusted input, or ``invalid_payload``."""
        return parse_action(raw, cls.allowed, cls.wording)

    @classmethod
    def from_list(cls, raw: object) -> "Moderation":
        """Rebuild from ``as_list`` output (``None`` gives an empty moderation)."""
        if raw is None:
            return cls()
        if not isinstance(raw, list):
            raise DomainError("invalid_payload", "Moderation must be a list of actions.", "moderation")
        return cls([cls.parse(item) for item in raw])


@dataclass
class View:
    """The groups as moderation leaves them: which group each key now belongs to
    (``parent``, for merged ones), and the status of every group that still stands on
    its own."""

    parent: dict[str, str]
    status: dict[str, str]

    def root(self, key: str) -> str:
        """The group ``key`` now belongs to (itself unless it was merged)."""
        while key in self.parent:
            key = self.parent[key]
        return key

    def copy(self) -> "View":
        """A copy to try an action on."""
        return View(dict(self.parent), dict(self.status))


def replay(statuses: dict[str, str], actions: list[dict], wording: Wording = WORDS) -> View:
    """The view the stored ``actions`` leave over groups with their first ``statuses``."""
    view = View(parent={}, status=dict(statuses))
    for action in actions:
        step(action, view, strict=False, wording=wording)
    return view


def step(action: dict, view: View, strict: bool, wording: Wording = WORDS) -> None:
    """Play one action on ``view``. Strict: refuse what cannot apply. Not strict
    (replaying stored actions): skip it, so a changed word list never breaks a
    rebuilt tally."""

    def refuse(message: str, code: str = "invalid_payload") -> None:
        if strict:
            raise DomainError(code, message, "key")

    name = action["action"]
    if name == "merge":
        source, target = view.root(action["from"]), view.root(action["into"])
        if source not in view.status or target not in view.status:
            return refuse(f"Unknown {wording.noun}.", wording.unknown)
        if source == target:
            return refuse(f"These {wording.plural} are already one.")
        view.parent[source] = target
        return None
    key = view.root(action["key"])
    if key not in view.status:
        return refuse(f"Unknown {wording.noun}.", wording.unknown)
    current = view.status[key]
    allowed, after = MOVES[name]
    if current not in allowed:
        return refuse(f"Cannot {name} {wording.one} that is {current}.")
    view.status[key] = after
    return None
