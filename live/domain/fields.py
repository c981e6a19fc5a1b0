"""What activity types share: checks of bounded whole numbers, option lists and
option choices (each raises a DomainError naming the field at fault), and the
running counts per option of polls and quiz questions."""

from __future__ import annotations

from live.domain.errors import DomainError
from live.domain.text import required_text


def bounded_int(raw: dict, name: str, default: int, low: int, high: int, where: str = "") -> int:
    """``raw[name]`` (or ``default``) as a whole number from ``low`` to ``high``."""
    value = raw.get(name, default)
    # bool is an int in Python: "max_entries": true must not mean 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError("invalid_type", f"{name} must be a whole number.", f"{where}{name}")
    if not low <= value <= high:
        raise DomainError("out_of_range", f"{name} must be between {low} and {high}.", f"{where}{name}")
    return value


def option_texts(raw: dict, where: str, low: int, high: int, max_length: int, what: str) -> tuple[str, ...]:
    """The cleaned ``options`` of a spec: a list of ``low`` to ``high`` non-blank texts."""
    options = raw.get("options")
    if not isinstance(options, list):
        raise DomainError("invalid_type", "options must be a list of strings.", f"{where}options")
    if not low <= len(options) <= high:
        raise DomainError("invalid_options", f"{what} needs between {low} and {high} options.", f"{where}options")
    return tuple(required_text(option, f"{where}options[{index}]", max_length) for index, option in enumerate(options))


def option_choice(n_options: int, value: object, multiple: bool) -> int | list[int]:
    """An answer naming options: an index, or a sorted list of distinct indices when
    several may be chosen. Refusals: ``invalid_value``, ``out_of_range``."""
    if multiple:
        indices = value if isinstance(value, list) else [value]
        if not indices:
            raise DomainError("invalid_value", "Choose at least one option.", "value")
        checked = [_option_index(n_options, index) for index in indices]
        if len(set(checked)) != len(checked):
            raise DomainError("invalid_value", "An option was chosen twice.", "value")
        return sorted(checked)
    return _option_index(n_options, value)


def _option_index(n_options: int, value: object) -> int:
    # bool is an int in Python: True must not vote for option 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError("invalid_value", "The answer must be an option number.", "value")
    if not 0 <= value < n_options:
        raise DomainError("out_of_range", f"There is no option {value}.", "value")
    return value


class OptionCounts:
    """Running counts per option, updated answer by answer (never recounted per vote)."""

    def __init__(self, spec) -> None:
        self.counts = [0] * len(spec.options)
        self.n_answers = 0

    def add(self, value: int | list[int]) -> None:
        """Count one accepted answer (an index, or a list of indices)."""
        for index in value if isinstance(value, list) else [value]:
            self.counts[index] += 1
        self.n_answers += 1

    def results(self) -> dict:
        """The type-specific fields of the ``results`` event."""
        return {"counts": list(self.counts)}
