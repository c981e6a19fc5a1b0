"""The rules of a rating scale: a prompt and whole numbers from ``min`` to ``max``
(default 1 to 5), optionally with words for the two ends ("Pas du tout", "Tout à
fait"). Each participant gives one value; the results are the count of each value,
from ``min``, and their average.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from live.domain.errors import Checks, DomainError
from live.domain.fields import bounded_int
from live.domain.text import optional_text, required_text

TYPE = "scale"
MAX_PROMPT = 300
MAX_END_LABEL = 40
LOWEST, HIGHEST = -10, 10
DEFAULT_MIN, DEFAULT_MAX = 1, 5
# A phone shows every value as a button: eleven at most (0 to 10).
MAX_VALUES = 11


@dataclass(frozen=True)
class ScaleSpec:
    """What the facilitator wrote: the question, the range, the words for its ends."""

    prompt: str
    min: int = DEFAULT_MIN
    max: int = DEFAULT_MAX
    min_label: str | None = None
    max_label: str | None = None

    type: str = field(default=TYPE, init=False)

    @property
    def values(self) -> range:
        """Every value a participant may give, lowest first."""
        return range(self.min, self.max + 1)

    def as_dict(self) -> dict:
        """The spec as stored and as given back by the API (end labels only when set)."""
        document = {"type": TYPE, "prompt": self.prompt, "min": self.min, "max": self.max}
        if self.min_label:
            document["min_label"] = self.min_label
        if self.max_label:
            document["max_label"] = self.max_label
        return document


def parse_spec(raw: dict, where: str = "") -> ScaleSpec:
    """Validate a scale spec from untrusted input (API body, editor, database); every
    refusal at once. Codes: ``blank``, ``too_long``, ``invalid_type``,
    ``out_of_range`` (an end outside -10 to 10), ``invalid_range`` (``min`` not below
    ``max``, or more than 11 values)."""
    checks = Checks()
    prompt = checks.run(lambda: required_text(raw.get("prompt"), f"{where}prompt", MAX_PROMPT))
    low = checks.run(lambda: bounded_int(raw, "min", DEFAULT_MIN, LOWEST, HIGHEST, where))
    high = checks.run(lambda: bounded_int(raw, "max", DEFAULT_MAX, LOWEST, HIGHEST, where))
    if low is not None and high is not None:
        checks.run(lambda: _check_range(low, high, where))
    min_label = checks.run(lambda: optional_text(raw.get("min_label"), f"{where}min_label", MAX_END_LABEL))
    max_label = checks.run(lambda: optional_text(raw.get("max_label"), f"{where}max_label", MAX_END_LABEL))
    checks.done()
    return ScaleSpec(prompt=prompt, min=low, max=high, min_label=min_label, max_label=max_label)


def _check_range(low: int, high: int, where: str) -> None:
    if low >= high:
        raise DomainError("invalid_range", "min must be below max.", f"{where}max")
    if high - low + 1 > MAX_VALUES:
        raise DomainError("invalid_range", f"A scale has at most {MAX_VALUES} values.", f"{where}max")


def check_answer(spec: ScaleSpec, value: object) -> int:
    """The value given, or a DomainError: ``invalid_value`` (not a whole number),
    ``out_of_range``."""
    # bool is an int in Python: True must not be a rating of 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError("invalid_value", "The answer must be a whole number.", "value")
    if not spec.min <= value <= spec.max:
        raise DomainError("out_of_range", f"The answer must be between {spec.min} and {spec.max}.", "value")
    return value


class Tally:
    """Running counts per value (never recounted per answer) and their total."""

    def __init__(self, spec: ScaleSpec) -> None:
        self.spec = spec
        self.counts = [0] * len(spec.values)
        self.n_answers = 0
        self.total = 0

    def add(self, value: int) -> None:
        """Count one accepted answer."""
        self.counts[value - self.spec.min] += 1
        self.n_answers += 1
        self.total += value

    def results(self) -> dict:
        """``counts`` (one per value, from ``min``) and ``average`` (two decimals; None
        before the first answer)."""
        average = round(self.total / self.n_answers, 2) if self.n_answers else None
        return {"counts": list(self.counts), "average": average}
