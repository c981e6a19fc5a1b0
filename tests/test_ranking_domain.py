"""The ranking's rules: its spec, every bad ranking refused with its own code, the
average rank and Borda count, the archive's CSV and page view, the editor fields."""

from __future__ import annotations

import csv
import io

import pytest

from live.activities.ranking import KIND, archive, rules
from live.activities.registry import parse_spec
from live.domain.errors import DomainError

SPEC = {"type": "ranking", "prompt": "Quel livre lire ?", "options": ["Germinal", "Nana", "L'Assommoir"]}


def _spec():
    return parse_spec(SPEC).spec


class Page:
    locale = "fr"

    def number(self, value):
        return str(value)

    def decimal(self, value, pattern):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")

    def percent(self, ratio):
        return f"{round(ratio * 100)} %"


def test_a_spec_needs_a_prompt_and_2_to_10_options_and_reports_every_problem_at_once():
    assert _spec().as_dict() == SPEC
    with pytest.raises(DomainError) as refused:
        parse_spec({"type": "ranking", "prompt": " ", "options": ["Seul"]})
    assert {(p.code, p.field) for p in refused.value.problems} == {("blank", "prompt"), ("invalid_options", "options")}
    with pytest.raises(DomainError) as refused:
        parse_spec({"type": "ranking", "prompt": "Q", "options": [str(n) for n in range(11)]})
    assert refused.value.code == "invalid_options"
    with pytest.raises(DomainError) as refused:
        parse_spec({"type": "ranking", "prompt": "Q", "options": ["A", 3, ""]})
    assert [(p.code, p.field) for p in refused.value.problems] == [("invalid_type", "options[1]")]


@pytest.mark.parametrize("value, code", [
    ("0,1,2", "invalid_value"),
    ({"order": [0, 1, 2]}, "invalid_value"),
    ([0, 1, "2"], "invalid_value"),
    ([0, True, 2], "invalid_value"),
    ([0, 1.0, 2], "invalid_value"),
    ([0, 1], "wrong_length"),
    ([0, 1, 2, 0], "wrong_length"),
    ([], "wrong_length"),
    ([0, 1, 3], "out_of_range"),
    ([0, -1, 2], "out_of_range"),
    ([0, 1, 1], "duplicate_option"),
])
def test_anything_but_a_permutation_of_the_options_is_refused_with_its_own_code(value, code):
    with pytest.raises(DomainError) as refused:
        rules.check_answer(_spec(), value)
    assert refused.value.code == code and refused.value.field == "value"


def test_a_permutation_is_the_answer_best_first():
    assert rules.check_answer(_spec(), [2, 0, 1]) == [2, 0, 1]
    assert rules.describe_answer(_spec(), [2, 0, 1]) == "1. L'Assommoir | 2. Germinal | 3. Nana"


def test_average_rank_and_borda_count_per_option():
    tally = rules.Tally(_spec())
    assert tally.results() == {"average_rank": [None, None, None], "borda": [0, 0, 0], "order": [0, 1, 2]}
    for ballot in ([1, 0, 2], [1, 2, 0], [0, 1, 2], [1, 0, 2]):
        tally.add(ballot)
    # Places: Germinal 2+3+1+2 = 8, Nana 1+1+2+1 = 5, L'Assommoir 3+2+3+3 = 11 over 4 ballots;
    # Borda: 3 × 4 − places.
    assert tally.n_answers == 4
    assert tally.results() == {"average_rank": [2.0, 1.25, 2.75], "borda": [4, 7, 1], "order": [1, 0, 2]}


def test_a_tie_keeps_the_facilitators_order_and_averages_are_rounded():
    tally = rules.Tally(_spec())
    for ballot in ([0, 1, 2], [1, 0, 2], [2, 1, 0]):
        tally.add(ballot)
    results = tally.results()
    assert results["average_rank"] == [2.0, 1.67, 2.33]
    assert results["borda"] == [3, 4, 2] and results["order"] == [1, 0, 2]
    tied = rules.Tally(_spec())
    tied.add([0, 1, 2])
    tied.add([1, 0, 2])
    assert tied.results()["order"] == [0, 1, 2]


def _archived(ballots):
    tally = rules.Tally(_spec())
    for ballot in ballots:
        tally.add(ballot)
    return {**SPEC, "id": "a1", "position": 0, "n_answers": tally.n_answers, **tally.results()}


def test_the_archive_csv_lists_options_best_first_with_average_rank_borda_and_place():
    activity = _archived([[1, 0, 2], [1, 2, 0], [0, 1, 2], [1, 0, 2]])
    assert KIND.archive_files(activity, 3).keys() == {"ranking-3.csv"}
    rows = list(csv.reader(io.StringIO(KIND.archive_files(activity, 3)["ranking-3.csv"])))
    assert rows == [
        ["option", "average_rank", "borda", "place"],
        ["Nana", "1.25", "7", "1"], ["Germinal", "2.0", "4", "2"], ["L'Assommoir", "2.75", "1", "3"],
    ]


def test_the_archive_csv_neutralises_formula_characters_in_options():
    activity = {**_archived([[0, 1, 2]]), "options": ["=HYPERLINK(\"x\")", "+1", "@SUM(A1)"]}
    text = KIND.archive_files(activity, 1)["ranking-1.csv"]
    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert cells == ["'=HYPERLINK(\"x\")", "'+1", "'@SUM(A1)"]


def test_the_archive_view_draws_bars_of_the_borda_count_best_first_and_survives_a_foreign_summary():
    view = archive.view(_archived([[1, 0, 2], [1, 2, 0]]), Page())
    assert [(bar["option"], bar["place"], bar["points"], bar["average"]) for bar in view["ranked"]] == [
        ("Nana", 1, "4", "1"), ("Germinal", 2, "1", "2,5"), ("L'Assommoir", 2, "1", "2,5"),
    ]
    assert view["ranked"][0]["width"] == archive.BAR_MAX_WIDTH and view["most_points"] == "4"
    broken = archive.view({"options": ["A", "B"], "n_answers": "x", "borda": ["y"], "average_rank": None}, Page())
    assert [(bar["option"], bar["borda"], bar["average"], bar["width"]) for bar in broken["ranked"]] == [
        ("A", 0, None, 0.0), ("B", 0, None, 0.0),
    ]


def test_the_editor_fields_give_the_spec_back():
    form = KIND.form_from_spec(SPEC)
    assert form == {"prompt": "Quel livre lire ?", "options": "Germinal\nNana\nL'Assommoir"}
    assert KIND.spec_from_form({**form, "options": "Germinal\n\n Nana \nL'Assommoir\n"}) == SPEC
    assert KIND.spec_from_form({**form, "hide_results": "y"})["show_results"] is False


def test_any_json_value_is_refused_cleanly_or_is_a_permutation():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers(min_value=-3, max_value=5) | st.floats(allow_nan=True) | st.text(max_size=5)
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                          max_leaves=10)

    @settings(max_examples=300, deadline=None)
    @given(values)
    def check(value):
        try:
            answer = rules.check_answer(_spec(), value)
        except DomainError as error:
            assert error.code in {"invalid_value", "wrong_length", "out_of_range", "duplicate_option"}
            return
        assert sorted(answer) == [0, 1, 2]

    check()
