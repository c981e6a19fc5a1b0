"""The rules of a ranking: a prompt and 2 to 10 options that each participant puts in
order, best first.

A participant answers once. The value is a permutation of the option indices, best
first: ``[2, 0, 1]`` ranks option 2 first, then option 0, then option 1. A value that is
not a list of whole numbers, of the wrong length, naming an option twice or an option
that does not exist is refused, each with its own code.

Results, one figure per option (n options, N ballots):

- ``average_rank``: the mean place given to the option, 1 for the best (None while
  nobody has answered), rounded to two decimals;
- ``borda``: its Borda count, n − place points from each ballot (first place n − 1
  points, last place 0), so from 0 to (n − 1) × N. Every ballot ranks every option, so
  ``borda`` = n × N − the sum of its places: both figures give the same order, and the
  Borda count is what the bar chart draws (a share of the (n − 1) × N possible);
- ``order``: the option indices, best first (highest Borda count; a tie keeps the
  order in which the facilitator wrote the options).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from live.domain.errors import Checks, DomainError
from live.domain.fields import option_texts
from live.domain.text import required_text

TYPE = "ranking"
MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_PROMPT = 300
MAX_OPTION = 120
AVERAGE_DECIMALS = 2


@dataclass(frozen=True)
class RankingSpec:
    """What the facilitator wrote: the question and the options to put in order."""

    prompt: str
    options: tuple[str, ...]

    type: str = field(default=TYPE, init=False)

    def as_dict(self) -> dict:
        """The spec as stored and as given back by the API."""
        return {"type": TYPE, "prompt": self.prompt, "options": list(self.options)}


def parse_spec(raw: dict, where: str = "") -> RankingSpec:
    """Validate a ranking spec from untrusted input (API body, form, database); every
    refusal at once (``DomainError.problems``)."""
    checks = Checks()
    prompt = checks.run(lambda: required_text(raw.get("prompt"), f"{where}prompt", MAX_PROMPT))
    options = checks.run(lambda: option_texts(raw, where, MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION, "A ranking"))
    checks.done()
    return RankingSpec(prompt=prompt, options=options)


def check_answer(spec: RankingSpec, value: object) -> list[int]:
    """The ranking as a list of option indices, best first, or a DomainError:
    ``invalid_value`` (not a list of whole numbers), ``wrong_length`` (not one place per
    option), ``out_of_range`` (no such option), ``duplicate_option`` (an option twice)."""
    n_options = len(spec.options)
    if not isinstance(value, list):
        raise DomainError("invalid_value", "The answer must be a list of option numbers, best first.", "value")
    # bool is an int in Python: True must not stand for option 1.
    if not all(isinstance(index, int) and not isinstance(index, bool) for index in value):
        raise DomainError("invalid_value", "Every place must be an option number.", "value")
    if len(value) != n_options:
        raise DomainError("wrong_length", f"Rank all {n_options} options, each once.", "value")
    outside = [index for index in value if not 0 <= index < n_options]
    if outside:
        raise DomainError("out_of_range", f"There is no option {outside[0]}.", "value")
    if len(set(value)) != n_options:
        raise DomainError("duplicate_option", "An option was ranked twice.", "value")
    return list(value)


def describe_answer(spec: RankingSpec, value: list[int]) -> str:
    """The ranking as text, best first, for the CSV export: ``1. Nana | 2. Germinal``."""
    return " | ".join(f"{place}. {spec.options[index]}" for place, index in enumerate(value, start=1))


class Tally:
    """Running sums of places per option, updated ballot by ballot."""

    def __init__(self, spec: RankingSpec) -> None:
        self.n_options = len(spec.options)
        self.place_sums = [0] * self.n_options
        self.n_answers = 0

    def add(self, value: list[int]) -> None:
        """Count one accepted ranking (option indices, best first)."""
        for place, index in enumerate(value, start=1):
            self.place_sums[index] += place
        self.n_answers += 1

    def results(self) -> dict:
        """The kind's fields of the ``results`` event: ``average_rank``, ``borda``, ``order``."""
        return figures(self.place_sums, self.n_answers)


def figures(place_sums: list[int], n_answers: int) -> dict:
    """Average rank, Borda count and order from the sums of places of ``n_answers`` ballots."""
    n_options = len(place_sums)
    if n_answers:
        average = [round(total / n_answers, AVERAGE_DECIMALS) for total in place_sums]
    else:
        average = [None] * n_options
    borda = [n_options * n_answers - total for total in place_sums]
    order = sorted(range(n_options), key=lambda index: (-borda[index], index))
    return {"average_rank": average, "borda": borda, "order": order}
