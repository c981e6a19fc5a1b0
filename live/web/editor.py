"""The session editor's activities: read from the posted form, turned into specs by
each kind (``spec_from_form``), and every refusal placed beside its field.

Field names are ``activities-<n>-<kind>-<field>`` (each kind's partial renders its
own fields, so two kinds may both have ``options``); ``activities-<n>-<field>`` is
read too, for forms written by hand or by a script. ``activities-<n>-type`` picks the
kind and ``activities-<n>-remove`` drops the activity; a blank activity is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from live.activities.registry import KINDS
from live.domain.errors import DomainError

FIELD = re.compile(r"activities-(\d+)-(.+)")
# At most this many activities are read from one form (the plan holds 100).
MAX_FORM_ACTIVITIES = 120
_ERROR_FIELD = re.compile(r"activities\[(\d+)\]\.([a-z_]+)(?:\[(\d+)\])?")
# Fields of the session itself (the editor's own form fields), as the API names them.
_SESSION_FIELD = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class Problem:
    """One refusal as the editor shows it: the server's ``code`` (the page words it in
    its own language from the code and the field, never with ``message``, which is
    English), the ``name`` of the editor field at fault, and ``line``: the 1-based item
    of that field it is about (an option's line, a filtered word), when it names one."""

    code: str
    message: str
    field: str | None
    name: str
    line: int | None = None


@dataclass
class EditorActivity:
    """One activity of the editor: its kind, the values of each kind's fields, and
    the refusals to show beside them (field name -> every Problem of that field)."""

    index: int
    kind: str
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: dict[str, list[Problem]] = field(default_factory=dict)
    removed: bool = False
    # Left empty (the blank activity the editor offers at the end): skipped.
    blank: bool = False
    # The sentence shown beside each refused field, as the page worded it (the list of
    # problems at the top of the page repeats them): field name -> sentences.
    said: dict[str, list[str]] = field(default_factory=dict)

    def value(self, kind: str, name: str, default: str = "") -> str:
        """The typed value of field ``name`` of ``kind`` (for the form's inputs)."""
        return self.values.get(kind, {}).get(name, default)

    def field_id(self, kind: str, name: str) -> str:
        """The id (and posted name) of an input."""
        return f"activities-{self.index}-{kind}-{name}"

    def problems(self, kind: str, name: str) -> list[Problem]:
        """The refusals of field ``name`` when ``kind`` is the activity's kind."""
        return self.errors.get(name, []) if kind == self.kind else []

    def say(self, name: str, text: str) -> str:
        """Remember the sentence the page shows beside field ``name`` (for the list at
        the top); gives nothing to print."""
        self.said.setdefault(name, []).append(str(text).strip())
        return ""


class _Fields(Mapping):
    """The posted fields of one activity for one kind: ``<kind>-<name>`` first, then
    the bare ``<name>``."""

    def __init__(self, fields: dict[str, str], kind: str) -> None:
        self._fields, self._kind = fields, kind

    def __getitem__(self, name: str) -> str:
        prefixed = f"{self._kind}-{name}"
        if prefixed in self._fields:
            return self._fields[prefixed]
        return self._fields[name]

    def __iter__(self):
        prefix = f"{self._kind}-"
        names = {name[len(prefix):] if name.startswith(prefix) else name for name in self._fields}
        return iter(names)

    def __len__(self) -> int:
        return len(list(iter(self)))


def default_kind() -> str:
    """The kind a new activity starts as: the first registered one."""
    return KINDS.names()[0]


def read(form: Mapping[str, str]) -> list[EditorActivity]:
    """The activities of a posted editor form, in their order."""
    grouped: dict[int, dict[str, str]] = {}
    for key in form:
        match = FIELD.fullmatch(key)
        if match and int(match.group(1)) < MAX_FORM_ACTIVITIES:
            grouped.setdefault(int(match.group(1)), {})[match.group(2)] = form[key]
    activities = []
    for index in sorted(grouped):
        fields = grouped[index]
        chosen = fields.get("type") if fields.get("type") in KINDS else default_kind()
        kind = KINDS.get(chosen)
        values = {name: dict(_Fields(fields, name)) for name in KINDS.names()}
        activities.append(EditorActivity(
            index=len(activities), kind=chosen, values=values, removed=bool(fields.get("remove")),
            blank=kind.form_is_blank(_Fields(fields, chosen)),
        ))
    return activities


def from_plan(plan: list[dict]) -> list[EditorActivity]:
    """The editor's activities for a stored plan."""
    activities = []
    for index, spec in enumerate(plan):
        kind = KINDS.get(spec["type"]) if spec.get("type") in KINDS else None
        if kind is None:
            continue
        activities.append(EditorActivity(index=index, kind=kind.name, values={kind.name: kind.form_from_spec(spec)}))
    return activities


def with_blank(activities: list[EditorActivity]) -> list[EditorActivity]:
    """``activities`` ending with a blank one to fill in (the editor always offers one)."""
    if activities and activities[-1].blank:
        return activities
    return [*activities, blank(len(activities))]


def blank(index: int) -> EditorActivity:
    """An empty activity to fill in (the editor always offers one at the end)."""
    return EditorActivity(index=index, kind=default_kind(), blank=True)


def specs(activities: list[EditorActivity]) -> tuple[list[dict], list[EditorActivity]]:
    """The raw specs (as the API takes them) of the activities kept, and those activities."""
    kept = [activity for activity in activities if not activity.removed and not activity.blank]
    return [KINDS.get(a.kind).spec_from_form(a.values.get(a.kind, {})) for a in kept], kept


def place_errors(error: DomainError, kept: list[EditorActivity]) -> tuple[list[Problem], list[Problem]]:
    """Put each refusal of ``error`` beside its activity's field. Returns the refusals of
    the session's own fields (title, expected size, filtered words, reactions) and those
    about the session as a whole (no activity at all, too many), for the page to show."""
    session, general = [], []
    for problem in error.problems or [error]:
        match = _ERROR_FIELD.match(problem.field or "")
        if match and int(match.group(1)) < len(kept):
            activity = kept[int(match.group(1))]
            line = int(match.group(3)) + 1 if match.group(3) is not None else None
            activity.errors.setdefault(match.group(2), []).append(
                Problem(problem.code, problem.message, problem.field, match.group(2), line))
            continue
        own = _SESSION_FIELD.fullmatch(problem.field or "")
        name = own.group(1) if own else ""
        line = int(own.group(2)) + 1 if own and own.group(2) is not None else None
        placed = Problem(problem.code, problem.message, problem.field, name, line)
        (general if not own or name == "activities" else session).append(placed)
    return session, general
