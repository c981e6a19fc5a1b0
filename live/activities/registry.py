"""The registry: the only list of activity kinds.

Built-in kinds are listed in ``BUILT_IN``. A kind made elsewhere (a package of your
own, or a test) is added without touching this project, in either of two ways:

- the setting ``LIVE_ACTIVITY_KINDS=package.module:KIND`` (comma-separated), read
  at start by ``live serve`` and ``live.wsgi``;
- an installed package's entry point in the group ``live.activity_kinds``
  (``[project.entry-points."live.activity_kinds"] mykind = "package.module:KIND"``).

``KIND`` is an instance of an ``ActivityKind`` subclass. docs/ACTIVITY_KINDS.md has
the details. Everything else in live asks this module for a kind by its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module, metadata

from live.activities.base import Activity, ActivityKind
from live.domain.errors import Checks, DomainError
from live.domain.session import MAX_ACTIVITIES

BUILT_IN = (
    "live.activities.poll:KIND",
    "live.activities.wordcloud:KIND",
    "live.activities.quiz:KIND",
    "live.activities.open_text:KIND",
    "live.activities.scale:KIND",
    "live.activities.ranking:KIND",
    "live.activities.date_poll:KIND",
    "live.activities.qa:KIND",
)
ENTRY_POINT_GROUP = "live.activity_kinds"


class Registry:
    """Activity kinds by name."""

    def __init__(self) -> None:
        self._kinds: dict[str, ActivityKind] = {}

    def register(self, kind: ActivityKind) -> ActivityKind:
        """Add ``kind``; registering the same kind again does nothing, another kind
        under a taken name is refused."""
        if not isinstance(kind, ActivityKind) or not kind.name or not kind.name.replace("_", "").isalnum():
            raise ValueError(f"not an activity kind with a plain name: {kind!r}")
        known = self._kinds.get(kind.name)
        if known is not None and type(known) is not type(kind):
            raise ValueError(f"two activity kinds are named {kind.name!r}")
        self._kinds.setdefault(kind.name, kind)
        return kind

    def get(self, name: object, field: str | None = "type") -> ActivityKind:
        """The kind named ``name``, or ``unknown_type``."""
        kind = self._kinds.get(name) if isinstance(name, str) else None
        if kind is None:
            raise DomainError("unknown_type", f"Unknown activity type {name!r}.", field)
        return kind

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._kinds

    def __iter__(self) -> Iterator[ActivityKind]:
        return iter(list(self._kinds.values()))

    def names(self) -> list[str]:
        """Every kind's name, in the order they were registered."""
        return list(self._kinds)


def load_kind(reference: str) -> ActivityKind:
    """The kind at ``module:attribute`` (what LIVE_ACTIVITY_KINDS and entry points name)."""
    module_name, _, attribute = reference.strip().partition(":")
    if not module_name or not attribute:
        raise ValueError(f"an activity kind is named module:attribute, not {reference!r}")
    return getattr(import_module(module_name), attribute)


KINDS = Registry()
for _reference in BUILT_IN:
    KINDS.register(load_kind(_reference))


def register_external(references: list[str]) -> list[str]:
    """Register the kinds named in LIVE_ACTIVITY_KINDS and by installed entry points;
    their names. A kind that cannot be loaded stops the server with a clear message."""
    added = []
    for reference in references:
        try:
            kind = load_kind(reference)
        except (ImportError, AttributeError, ValueError) as error:
            raise SystemExit(f"LIVE_ACTIVITY_KINDS: cannot load the activity kind {reference!r} ({error}).") from None
        added.append(KINDS.register(kind).name)
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        added.append(KINDS.register(entry.load()).name)
    return added


def kind(name: object, field: str | None = "type") -> ActivityKind:
    """The registered kind named ``name``, or ``unknown_type`` naming ``field``."""
    return KINDS.get(name, field)


# ---------------------------------------------------------------- specs


@dataclass(frozen=True)
class PlannedActivity:
    """One validated activity of a plan, before it is stored."""

    kind: ActivityKind
    spec: object
    show_results: bool | None = None
    origin: dict | None = None

    @property
    def type(self) -> str:
        return self.kind.name

    def as_dict(self) -> dict:
        """The spec as stored and given back to its owner."""
        return document_of(self.kind, self.spec, self.show_results, self.origin)


def parse_spec(raw: object, where: str = "") -> PlannedActivity:
    """Validate one activity from untrusted input: its kind's spec, and the
    settings every kind shares (``show_results``; ``origin``, where the chain took a
    poll's options from)."""
    if not isinstance(raw, dict):
        raise DomainError("invalid_type", "An activity must be an object.", where.rstrip(".") or None)
    activity_type = raw.get("type")
    if not isinstance(activity_type, str):
        raise DomainError("invalid_type", "type must be a string.", f"{where}type")
    chosen = kind(activity_type, f"{where}type")
    show_results = raw.get("show_results")
    if show_results is not None and not isinstance(show_results, bool):
        raise DomainError("invalid_type", "show_results must be true or false.", f"{where}show_results")
    origin = _origin(raw.get("origin"), f"{where}origin")
    return PlannedActivity(chosen, chosen.parse_spec(raw, where), show_results, origin)


def _origin(raw: object, field: str) -> dict | None:
    """The ``origin`` of a poll the chain made (live/activities/shortlist.py): the
    activity its options came from and, per option, its upvotes, senders and entries."""
    if raw is None:
        return None

    def text(value: object, most: int) -> bool:
        return isinstance(value, str) and len(value) <= most

    def whole(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**9

    def option(value: object) -> bool:
        return (
            isinstance(value, dict) and whole(value.get("votes")) and whole(value.get("senders"))
            and isinstance(value.get("entries"), list) and len(value["entries"]) <= 50
            and all(text(entry, 64) for entry in value["entries"])
            and ("full_text" not in value or text(value["full_text"], 1000))
        )

    valid = (
        isinstance(raw, dict) and text(raw.get("activity_id"), 64) and text(raw.get("type"), 40)
        and text(raw.get("prompt"), 300) and isinstance(raw.get("options"), list) and len(raw["options"]) <= 12
        and all(option(item) for item in raw["options"])
    )
    if not valid:
        raise DomainError("invalid_type", "origin is not where a shortlist came from.", field)
    options = [{key: item[key] for key in ("votes", "senders", "entries", "full_text") if key in item}
               for item in raw["options"]]
    return {**{key: raw[key] for key in ("activity_id", "type", "prompt")}, "options": options}


def parse_specs(raw: object) -> list[PlannedActivity]:
    """Validate the list of activities of a session (at least one)."""
    if not isinstance(raw, list):
        raise DomainError("invalid_type", "activities must be a list.", "activities")
    if not raw:
        raise DomainError("blank", "A session needs at least one activity.", "activities")
    if len(raw) > MAX_ACTIVITIES:
        raise DomainError("too_many", f"A session holds at most {MAX_ACTIVITIES} activities.", "activities")
    checks = Checks()
    planned = [checks.run(lambda item=item, index=index: parse_spec(item, f"activities[{index}]."))
               for index, item in enumerate(raw)]
    checks.done()  # every refusal of every activity at once
    return planned


def document_of(activity_kind: ActivityKind, spec: object, show_results: bool | None, origin: dict | None = None) -> dict:
    """The stored spec document: the kind's, plus ``show_results`` when the
    facilitator chose it and the ``origin`` of a shortlist poll."""
    document = activity_kind.spec_document(spec)
    if show_results is not None:
        document["show_results"] = show_results
    if origin is not None:
        document["origin"] = origin
    return document


def activity_from_document(activity_id: str, position: int, document: dict) -> Activity:
    """The running activity of a stored spec document."""
    planned = parse_spec(document)
    return Activity(activity_id, position, planned.spec, planned.kind, planned.show_results, planned.origin)


def public_view(activity: Activity, status: str) -> dict:
    """What participants may see of ``activity``: its kind's public view, its id,
    place and status."""
    view = activity.kind.public_view(activity.spec, status)
    view.update({"id": activity.id, "position": activity.position, "status": status})
    return view
