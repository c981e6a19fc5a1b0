"""The rules of a poll: a prompt, 2 to 12 options, one choice or several.

A participant answers a poll once. A single-choice value is an option index; a
multiple-choice value is a list of distinct indices (at least one), stored sorted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from live.domain.errors import Checks, DomainError
from live.domain.fields import OptionCounts, option_choice, option_texts
from live.domain.text import required_text

TYPE = "poll"
MIN_OPTIONS = 2
MAX_OPTIONS = 12
MAX_PROMPT = 300
MAX_OPTION = 120


@dataclass(frozen=True)
class PollSpec:
    """What the facilitator wrote: the question, its options, single or multiple choice."""

    prompt: str
    options: tuple[str, ...]
    multiple: bool = False

    type: str = field(default=TYPE, init=False)

    def as_dict(self) -> dict:
        """The spec as stored and as given back by the API."""
        return {"type": TYPE, "prompt": self.prompt, "options": list(self.options), "multiple": self.multiple}


def parse_spec(raw: dict, where: str = "") -> PollSpec:
    """Validate a poll spec from untrusted input (API body, form, database); every
    refusal at once (``DomainError.problems``)."""
    checks = Checks()
    prompt = checks.run(lambda: required_text(raw.get("prompt"), f"{where}prompt", MAX_PROMPT))
    cleaned = checks.run(lambda: option_texts(raw, where, MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION, "A poll"))
    multiple = checks.run(lambda: _choice(raw, where))
    checks.done()
    return PollSpec(prompt=prompt, options=cleaned, multiple=multiple)


def _choice(raw: dict, where: str) -> bool:
    multiple = raw.get("multiple", False)
    if not isinstance(multiple, bool):
        raise DomainError("invalid_type", "multiple must be true or false.", f"{where}multiple")
    return multiple


def check_answer(spec: PollSpec, value: object) -> int | list[int]:
    """The normalised answer, or a DomainError saying what is wrong with ``value``."""
    return option_choice(len(spec.options), value, spec.multiple)


# A poll's tally is its counts per option.
Tally = OptionCounts


def public_view(spec: PollSpec) -> dict:
    """What participants may see of the poll."""
    return spec.as_dict()


def describe_answer(spec: PollSpec, value: int | list[int]) -> str:
    """The answer as text, for the CSV export."""
    indices = value if isinstance(value, list) else [value]
    return " | ".join(spec.options[index] for index in indices)


def answer_limit(spec: PollSpec) -> int:
    """How many answers one participant may give: a poll takes one vote."""
    return 1
