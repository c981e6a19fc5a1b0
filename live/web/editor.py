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
_ERROR_FIELD = re.compile(r"activities\[(\d+)\]\.([a-z_]+)")


@dataclass
class EditorActivity:
    """One activity of the editor: its kind, the values of each kind's fields, and
    the refusals to show beside them (field name -> DomainError)."""

    index: int
    kind: str
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: dict[str, DomainError] = field(default_factory=dict)
    removed: bool = False
    # Left empty (the blank activity the editor offers at the end): skipped.
    blank: bool = False

    def value(self, kind: str, name: str, default: str = "") -> str:
        """The typed value of field ``name`` of ``kind`` (for the form's inputs)."""
        return self.values.get(kind, {}).get(name, default)

    def field_id(self, kind: str, name: str) -> str:
        """The id (and posted name) of an input."""
        return f"activities-{self.index}-{kind}-{name}"


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


def place_errors(error: DomainError, kept: list[EditorActivity]) -> list[DomainError]:
    """Put each refusal of ``error`` beside its field; the ones about the session as a
    whole (no activity at all, too many) are returned for the top of the page."""
    general = []
    for problem in error.problems or [error]:
        match = _ERROR_FIELD.match(problem.field or "")
        if match and int(match.group(1)) < len(kept):
            activity = kept[int(match.group(1))]
            activity.errors.setdefault(match.group(2), problem)
        else:
            general.append(problem)
    return general
