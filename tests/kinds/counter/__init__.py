"""A kind made only for tests: participants each send a whole number from 1 to
``most``; the results are their ``total`` and ``n_numbers``; the host may ``bump`` the
total by a bonus, kept in the kind state (stored as JSON, so no migration). It touches
no file outside tests/: the registry is the only list of kinds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from live.activities.archiving import csv_text
from live.activities.base import Activity, ActivityKind, Capabilities, Outcome
from live.domain.errors import DomainError
from live.domain.fields import bounded_int
from live.domain.text import required_text

NAME = "counter"


@dataclass(frozen=True)
class CounterSpec:
    prompt: str
    most: int = 3
    type: str = field(default=NAME, init=False)

    def as_dict(self) -> dict:
        return {"type": NAME, "prompt": self.prompt, "most": self.most}


class CounterTally:
    def __init__(self, bonus: int) -> None:
        self.total = 0
        self.n_answers = 0
        self.bonus = bonus

    def add(self, value: int) -> None:
        self.total += value
        self.n_answers += 1

    def results(self) -> dict:
        return {"total": self.total + self.bonus, "n_numbers": self.n_answers}


def _bump(session, activity: Activity, payload: dict) -> Outcome:
    bonus = payload.get("bonus")
    if not isinstance(bonus, int) or isinstance(bonus, bool) or not 1 <= bonus <= 100:
        raise DomainError("invalid_payload", "bonus must be a whole number from 1 to 100.", "bonus")
    state = dict(session.states.get(activity.id) or {})
    state["bonus"] = state.get("bonus", 0) + bonus
    return Outcome(states={activity.id: state}, changed={activity.id})


class CounterKind(ActivityKind):
    name = NAME
    capabilities = Capabilities()
    package_dir = Path(__file__).parent
    script = Path(__file__).parent / "counter.js"
    commands = {"bump": _bump}

    def parse_spec(self, raw: dict, where: str = "") -> CounterSpec:
        prompt = required_text(raw.get("prompt"), f"{where}prompt", 300)
        return CounterSpec(prompt=prompt, most=bounded_int(raw, "most", 3, 1, 10, where))

    def check_answer(self, spec: CounterSpec, value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= spec.most:
            raise DomainError("out_of_range", f"Send a whole number from 1 to {spec.most}.", "value")
        return value

    def default_state(self) -> dict:
        return {"bonus": 0}

    def new_tally(self, activity: Activity, state: dict, settings) -> CounterTally:
        return CounterTally(state.get("bonus", 0))

    def apply_state(self, activity: Activity, tally: CounterTally, state: dict) -> None:
        tally.bonus = state.get("bonus", 0)

    def summary_fields(self, activity: Activity, tally: CounterTally, answers: list) -> dict:
        return {"largest": max((a.value for a in answers), default=None)}

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        return {f"counter-{number}.csv": csv_text(("total", "n_numbers"), [(activity.get("total"), activity.get("n_numbers"))])}

    def archive_view(self, activity: dict, number: int, page) -> dict:
        return {"total": page.number(activity.get("total") or 0)}

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        return {"type": NAME, "prompt": form.get("prompt", ""), "most": int(form.get("most") or 3)}

    def form_from_spec(self, spec: dict) -> dict:
        return {"prompt": spec.get("prompt", ""), "most": str(spec.get("most", 3))}


KIND = CounterKind()
