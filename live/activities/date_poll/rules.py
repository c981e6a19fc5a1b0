"""The rules of a date poll (Framadate's model): a prompt and 2 to 20 options, dates
or time slots, each a text or a label with a start and an end; every participant
answers yes, maybe or no to each, may add their name, and may change their answer
while the poll is open.

**Times.** ``start`` and ``end`` are ISO 8601 date-times, ``YYYY-MM-DDTHH:MM`` with
optional seconds and an optional offset (``Z`` or ``±HH:MM``); both or neither, both
with an offset or both without, the end after the start. A time without an offset is
a wall-clock time in the server's zone (LIVE_TIMEZONE), as every time the server
shows: the calendar export places it there (``calendar.py``).

**Answers.** The value is a list of ``"yes"``, ``"maybe"`` or ``"no"``, one per option
in option order, or an object ``{"choices": [that list], "name": "Zoé"}`` when the
participant adds their name for the host's grid. It is stored as the object (``name``
None when none was given). The first answer comes with ``answer``; the participant
command ``change`` (same value) replaces it while the poll is open: it is stored as a
new answer row with ``"revision": n`` (1 for the first change), and the latest
revision of each participant is the one that counts. Two changes are never stored at
once for one participant (a guard), and equal revisions (a phone that switched
servers in the middle of one) are settled by comparing the values, so every process
and every reload of the database count the same thing whatever order rows arrive in.

**Results.** ``counts``: per option ``{"yes", "maybe", "no"}``; ``best``: the option
with the most yes, then the most maybe (None while no option has a yes or a maybe);
``tied``: every option that many yes and maybe, in option order (``best`` is the first
of them: the earlier option wins a tie); the host's grid (``participants``, who said
what) lists the participants who gave a name, in the order they first answered; a
name the session's word filter holds is left out of it (the answer still counts).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from live.domain.errors import Checks, DomainError
from live.domain.normalise import normalise_word
from live.domain.text import optional_text, required_text

TYPE = "date_poll"
MIN_OPTIONS = 2
MAX_OPTIONS = 20
MAX_PROMPT = 300
MAX_LABEL = 120
MAX_NAME = 40  # as a nickname
MAX_CHANGES = 30  # changes per participant and poll (each is a stored row)
YES, MAYBE, NO = "yes", "maybe", "no"
CHOICES = (YES, MAYBE, NO)
SLOT_FIELDS = frozenset({"label", "start", "end"})
ANSWER_FIELDS = frozenset({"choices", "name"})
# Strict ISO 8601 as people write it for a meeting: date, "T", hours and minutes,
# optional seconds, optional offset. datetime.fromisoformat alone takes much more
# ("2026-12-12", "20261212T1800", fractions of a second...).
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")


@dataclass(frozen=True)
class Slot:
    """One option: its label and, for a time slot, its start and end (normalised ISO
    8601 text, both or neither)."""

    label: str
    start: str | None = None
    end: str | None = None

    def as_value(self) -> str | dict:
        """The option as the contract writes it: the label alone, or the object."""
        if self.start is None:
            return self.label
        return {"label": self.label, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class DatePollSpec:
    """What the facilitator wrote: the question and its dates or time slots."""

    prompt: str
    options: tuple[Slot, ...]

    type: str = field(default=TYPE, init=False)

    def as_dict(self) -> dict:
        """The spec as stored and as given back by the API."""
        return {"type": TYPE, "prompt": self.prompt, "options": [slot.as_value() for slot in self.options]}


# ------------------------------------------------------------------ spec


def parse_spec(raw: dict, where: str = "") -> DatePollSpec:
    """Validate a date poll spec from untrusted input (API body, form, database); every
    refusal at once (``DomainError.problems``), each naming its field
    (``options[2].end``)."""
    checks = Checks()
    prompt = checks.run(lambda: required_text(raw.get("prompt"), f"{where}prompt", MAX_PROMPT))
    options = checks.run(lambda: _options(raw.get("options"), f"{where}options"))
    checks.done()
    return DatePollSpec(prompt=prompt, options=options)


def _options(raw: object, field_name: str) -> tuple[Slot, ...]:
    if not isinstance(raw, list):
        raise DomainError("invalid_type", "options must be a list of texts or {label, start, end} objects.", field_name)
    if not MIN_OPTIONS <= len(raw) <= MAX_OPTIONS:
        raise DomainError("invalid_options", f"A date poll needs between {MIN_OPTIONS} and {MAX_OPTIONS} options.", field_name)
    checks = Checks()
    slots = [checks.run(lambda item=item, index=index: parse_slot(item, f"{field_name}[{index}]"))
             for index, item in enumerate(raw)]
    checks.done()
    return tuple(slots)


def parse_slot(raw: object, field_name: str) -> Slot:
    """One option: a text, or ``{"label", "start", "end"}``; every refusal at once."""
    if isinstance(raw, str):
        return Slot(required_text(raw, field_name, MAX_LABEL))
    if not isinstance(raw, dict):
        raise DomainError("invalid_type", f"{field_name} must be a text or a {{label, start, end}} object.", field_name)
    checks = Checks()
    for key in sorted(set(raw) - SLOT_FIELDS, key=str):
        checks.run(lambda key=key: _refuse("unknown_field", f"{field_name} has no field {key!r}.", f"{field_name}.{key}"))
    label = checks.run(lambda: required_text(raw.get("label"), f"{field_name}.label", MAX_LABEL))
    times = checks.run(lambda: _times(raw.get("start"), raw.get("end"), field_name))
    checks.done()
    start, end = times
    return Slot(label, start, end)


def _refuse(code: str, message: str, field_name: str):
    raise DomainError(code, message, field_name)


def _times(start: object, end: object, field_name: str) -> tuple[str | None, str | None]:
    """The normalised start and end of a slot (both None for a slot without times)."""
    if start is None and end is None:
        return None, None
    if start is None or end is None:
        missing = "start" if start is None else "end"
        raise DomainError("missing_time", "A time slot needs both a start and an end.", f"{field_name}.{missing}")
    checks = Checks()
    begins = checks.run(lambda: parse_time(start, f"{field_name}.start"))
    ends = checks.run(lambda: parse_time(end, f"{field_name}.end"))
    checks.done()
    if (begins.tzinfo is None) != (ends.tzinfo is None):
        raise DomainError("mixed_time_zones", "Give a time zone offset to both the start and the end, or to neither.",
                          f"{field_name}.end")
    if ends <= begins:
        raise DomainError("end_before_start", "A time slot must end after it starts.", f"{field_name}.end")
    return iso_text(begins), iso_text(ends)


def parse_time(value: object, field_name: str) -> datetime:
    """A strict ISO 8601 date-time (``2026-12-12T18:00``, ``2026-12-12T18:00:00+01:00``,
    ``...Z``): ``invalid_type`` for a non-text, ``invalid_time`` for anything else."""
    if not isinstance(value, str):
        raise DomainError("invalid_type", f"{field_name} must be a text such as 2026-12-12T18:00.", field_name)
    if not ISO_TIME.fullmatch(value):
        raise DomainError("invalid_time", f"{field_name} is not a date and time such as 2026-12-12T18:00.", field_name)
    try:
        return datetime.fromisoformat(value)
    except ValueError:  # a 31st of February, 25 o'clock, an offset of 24 hours...
        raise DomainError("invalid_time", f"{field_name} is not a real date and time.", field_name) from None


def iso_text(moment: datetime) -> str:
    """A time as stored: minutes (seconds only when there are some), then the offset."""
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


# ---------------------------------------------------------------- answers


def check_answer(spec: DatePollSpec, value: object) -> dict:
    """The answer as stored, ``{"choices": [...], "name": str | None}``, or a
    DomainError: ``invalid_value`` (not a list or an answer object, or a choice that is
    not a text), ``wrong_length`` (not one choice per option), ``unknown_choice`` (a
    word other than yes, maybe and no), ``invalid_type`` / ``too_long`` for the name."""
    name = None
    if isinstance(value, dict):
        unknown = sorted(set(value) - ANSWER_FIELDS, key=str)
        if unknown:
            raise DomainError("invalid_value", f"An answer has no field {unknown[0]!r}.", "value")
        if "choices" not in value:
            raise DomainError("invalid_value", "The answer needs its choices.", "value.choices")
        name = optional_text(value.get("name"), "value.name", MAX_NAME)
        value = value["choices"]
    if not isinstance(value, list):
        raise DomainError("invalid_value", "The answer must be a list of yes, maybe or no, one per option.", "value")
    if not all(isinstance(choice, str) for choice in value):
        raise DomainError("invalid_value", "Every choice must be the text yes, maybe or no.", "value")
    if len(value) != len(spec.options):
        raise DomainError("wrong_length", f"Answer each of the {len(spec.options)} options, in their order.", "value")
    unknown_words = [choice for choice in value if choice not in CHOICES]
    if unknown_words:
        raise DomainError("unknown_choice", f"{unknown_words[0][:20]!r} is not yes, maybe or no.", "value")
    return {"choices": list(value), "name": name}


def revision_of(value: dict) -> int:
    """Which change of a participant's answer a stored value is (0: the first answer)."""
    revision = value.get("revision", 0) if isinstance(value, dict) else 0
    return revision if isinstance(revision, int) and not isinstance(revision, bool) else 0


def describe_answer(spec: DatePollSpec, value: dict) -> str:
    """The answer as text, for the CSV export: ``Sat 12: yes | Sun 13: maybe``, the
    name after a dash, ``(change 2)`` for a change."""
    text = " | ".join(f"{slot.label}: {choice}" for slot, choice in zip(spec.options, value.get("choices") or []))
    if value.get("name"):
        text += f" — {value['name']}"
    revision = revision_of(value)
    return f"{text} (change {revision})" if revision else text


# ------------------------------------------------------------------ tally


class Tally:
    """Counts per option and choice from the latest answer of each participant (an
    earlier revision arriving late changes nothing), and who said what."""

    def __init__(self, spec: DatePollSpec, profanity=None) -> None:
        self.n_options = len(spec.options)
        self.profanity = profanity
        self.counts = {choice: [0] * self.n_options for choice in CHOICES}
        # participant -> (revision, tie-break, choices, name), in the order they first answered
        self.latest: dict[str, tuple[int, str, tuple[str, ...], str | None]] = {}

    @property
    def n_answers(self) -> int:
        """Participants who answered (a change is not another answer)."""
        return len(self.latest)

    def count(self, participant_id: str, value: dict) -> None:
        """Count a stored answer or change: it replaces the participant's answer when it
        is a later revision than the one counted (equal revisions: the larger value)."""
        candidate = (revision_of(value), json.dumps(value, sort_keys=True, ensure_ascii=False))
        counted = self.latest.get(participant_id)
        if counted is not None and counted[:2] >= candidate:
            return
        if counted is not None:
            self._add(counted[2], -1)
        choices = tuple(value["choices"])
        self._add(choices, +1)
        self.latest[participant_id] = (*candidate, choices, value.get("name"))

    def _add(self, choices: tuple[str, ...], step: int) -> None:
        for index, choice in enumerate(choices):
            self.counts[choice][index] += step

    def shown_name(self, name: str | None) -> str | None:
        """``name`` unless the session's word filter holds it."""
        if not name or (self.profanity is not None and self.profanity.is_profane(normalise_word(name))):
            return None
        return name

    def named_rows(self, most: int | None = None) -> list[dict]:
        """Who said what, for the host's grid: ``{"name", "choices"}`` of each participant
        who gave a name, in the order they first answered (at most ``most``)."""
        rows = []
        for _revision, _key, choices, name in self.latest.values():
            shown = self.shown_name(name)
            if shown is not None:
                rows.append({"name": shown, "choices": list(choices)})
                if most is not None and len(rows) >= most:
                    break
        return rows

    def grid(self, numbers: dict[str, int] | None = None) -> list[dict]:
        """Every participant's latest answer, in the order they first answered, the
        name None when none was given (or the filter holds it): for the archive. With
        ``numbers`` (participant id -> n in join order) each row also has its
        ``participant_number``, for the "Participant n" shown instead of a name."""
        rows = []
        for participant_id, (_revision, _key, choices, name) in self.latest.items():
            row = {"name": self.shown_name(name), "choices": list(choices)}
            if numbers is not None:
                row["participant_number"] = numbers.get(participant_id)
            rows.append(row)
        return rows

    def results(self) -> dict:
        """The kind's fields of ``results`` that everyone may see: ``counts``, ``best``,
        ``tied``, and how many named participants the grid has (``n_named``)."""
        counts = [{choice: self.counts[choice][index] for choice in CHOICES} for index in range(self.n_options)]
        best, tied = best_slot(counts)
        n_named = sum(1 for entry in self.latest.values() if self.shown_name(entry[3]) is not None)
        return {"counts": counts, "best": best, "tied": tied, "n_named": n_named}


def best_slot(counts: list[dict]) -> tuple[int | None, list[int]]:
    """The best option (most yes, then most maybe; the earlier one on a tie) and every
    option tied with it; None and [] while no option has a yes or a maybe."""
    keys = [(row.get(YES, 0), row.get(MAYBE, 0)) for row in counts]
    top = max(keys, default=(0, 0))
    if top == (0, 0):
        return None, []
    tied = [index for index, key in enumerate(keys) if key == top]
    return tied[0], tied
