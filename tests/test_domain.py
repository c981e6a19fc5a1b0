"""The pure rules: polls, the session lifecycle, join codes, text cleaning."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from live.activities import registry as activities
from live.activities.base import Activity
from live.activities.poll import rules as poll
from live.domain import codes
from live.domain.errors import DomainError
from live.domain.session import Lifecycle
from live.domain.text import clean_text, optional_text, required_text

DOMAIN = Path(__file__).resolve().parent.parent / "live" / "domain"


def spec(**overrides) -> poll.PollSpec:
    raw = {"type": "poll", "prompt": "Quel livre ?", "options": ["A", "B", "C"]}
    raw.update(overrides)
    return poll.parse_spec(raw)


def refused(code: str, call, *args):
    with pytest.raises(DomainError) as caught:
        call(*args)
    assert caught.value.code == code, caught.value
    return caught.value


def test_domain_imports_no_framework():
    frameworks = {"flask", "flask_socketio", "socketio", "engineio", "sqlalchemy", "gevent", "eventlet", "alembic"}
    for path in DOMAIN.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in frameworks, f"{path.name} imports {name}"


def test_poll_spec_is_cleaned_and_kept():
    parsed = spec(prompt="  Quel   livre\u202e ? ", options=[" A ", "B\u0000"], multiple=True)
    assert parsed.prompt == "Quel livre ?"
    assert parsed.options == ("A", "B")
    assert parsed.as_dict() == {"type": "poll", "prompt": "Quel livre ?", "options": ["A", "B"], "multiple": True}


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ({"prompt": "", "options": ["A", "B"]}, "blank", "prompt"),
        ({"prompt": None, "options": ["A", "B"]}, "invalid_type", "prompt"),
        ({"prompt": "x" * 301, "options": ["A", "B"]}, "too_long", "prompt"),
        ({"prompt": "Q", "options": ["A"]}, "invalid_options", "options"),
        ({"prompt": "Q", "options": [str(i) for i in range(13)]}, "invalid_options", "options"),
        ({"prompt": "Q", "options": "A,B"}, "invalid_type", "options"),
        ({"prompt": "Q", "options": ["A", 2]}, "invalid_type", "options[1]"),
        ({"prompt": "Q", "options": ["A", "   "]}, "blank", "options[1]"),
        ({"prompt": "Q", "options": ["A", "B"], "multiple": "yes"}, "invalid_type", "multiple"),
    ],
)
def test_bad_poll_specs_are_refused_with_the_field_at_fault(raw, code, field):
    error = refused(code, poll.parse_spec, dict(raw, type="poll"))
    assert error.field == field


def test_activity_list_is_validated_with_paths():
    assert refused("blank", activities.parse_specs, []).field == "activities"
    assert refused("invalid_type", activities.parse_specs, {"type": "poll"}).field == "activities"
    assert refused("unknown_type", activities.parse_specs, [{"type": "dance"}]).field == "activities[0].type"
    bad = [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}, {"type": "poll", "prompt": "Q", "options": ["A"]}]
    assert refused("invalid_options", activities.parse_specs, bad).field == "activities[1].options"
    assert refused("too_many", activities.parse_specs, [bad[0]] * 101).field == "activities"


def test_single_choice_answers():
    single = spec()
    assert poll.check_answer(single, 2) == 2
    for value, code in ((3, "out_of_range"), (-1, "out_of_range"), (True, "invalid_value"), ("1", "invalid_value"),
                        (None, "invalid_value"), (1.5, "invalid_value"), ([1], "invalid_value")):
        refused(code, poll.check_answer, single, value)


def test_multiple_choice_answers_are_sorted_distinct_lists():
    multiple = spec(multiple=True)
    assert poll.check_answer(multiple, [2, 0]) == [0, 2]
    assert poll.check_answer(multiple, 1) == [1]
    refused("invalid_value", poll.check_answer, multiple, [])
    refused("invalid_value", poll.check_answer, multiple, [1, 1])
    refused("out_of_range", poll.check_answer, multiple, [0, 3])


def test_tally_counts_each_answer_once():
    tally = poll.Tally(spec(multiple=True))
    for value in ([0], [0, 2], [1, 2]):
        tally.add(value)
    assert tally.results() == {"counts": [2, 1, 2]}
    assert tally.n_answers == 3


def test_public_view_has_status_and_position():
    activity = Activity(id="a1", position=0, spec=spec(), kind=activities.kind("poll"))
    view = activities.public_view(activity, "open")
    assert view == {"type": "poll", "prompt": "Quel livre ?", "options": ["A", "B", "C"], "multiple": False,
                    "id": "a1", "position": 0, "status": "open"}


def lifecycle() -> Lifecycle:
    return Lifecycle(statuses={"a": "pending", "b": "pending"})


def test_opening_an_activity_closes_the_open_one():
    state = lifecycle()
    assert state.open("a") is None
    assert (state.phase, state.current_activity_id, state.statuses["a"]) == ("activity", "a", "open")
    assert state.open("b") == "a"
    assert state.statuses == {"a": "closed", "b": "open"}
    assert state.has_started


def test_answers_are_taken_only_while_open():
    state = lifecycle()
    refused("not_open", state.check_answerable, "a")
    state.open("a")
    state.check_answerable("a")
    state.close("a")
    refused("closed", state.check_answerable, "a")
    refused("not_open", state.close, "a")
    refused("unknown_activity", state.check_answerable, "zzz")
    state.open("a")  # a closed activity can be opened again
    state.check_answerable("a")


def test_ending_closes_everything_and_freezes_the_session():
    state = lifecycle()
    state.open("a")
    state.end()
    assert state.phase == "ended" and state.statuses["a"] == "closed"
    refused("session_ended", state.check_answerable, "a")
    refused("session_ended", state.open, "b")
    refused("session_ended", state.end)


def test_join_codes_are_long_and_unambiguous():
    drawn = {codes.new_join_code() for _ in range(500)}
    assert len(drawn) == 500
    for code in drawn:
        assert len(code) >= 8
        assert not set(code) & set("0O1IL")
        assert codes.looks_like_join_code(code)
    assert codes.normalise_join_code(" k7q2-m9xd ") == "K7Q2M9XD"


def test_text_cleaning():
    assert clean_text("  Zoé\u202e \t\n la\u200f  ") == "Zoé la"
    assert clean_text("e\u0301") == "é"  # NFC
    assert optional_text("   ", "name", 40) is None
    assert optional_text(None, "name", 40) is None
    refused("invalid_type", optional_text, 12, "name", 40)
    refused("too_long", required_text, "x" * 41, "name", 40)
