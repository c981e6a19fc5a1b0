"""The pure rules of quizzes: specs, answers, timing, scoring, leaderboard, secrecy."""

from __future__ import annotations

import json
import random

import pytest

from live.activities.quiz import rules as quiz
from live.domain.errors import DomainError


def spec(**overrides) -> quiz.QuizSpec:
    raw = {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola", "Sand", "Balzac"],
           "correct": [1]}  # fmt: skip
    raw.update(overrides)
    return quiz.parse_spec(raw)


def multi(**overrides) -> quiz.QuizSpec:
    """Four options, three correct (0, 2, 3)."""
    return spec(prompt="Lesquels sont des romans de Zola ?", options=["Nana", "Les Misérables", "L'Assommoir",
                "La Bête humaine"], correct=[3, 0, 2], **overrides)  # fmt: skip


def refused(code: str, call, *args):
    with pytest.raises(DomainError) as caught:
        call(*args)
    assert caught.value.code == code, caught.value
    return caught.value


# ---------------------------------------------------------------------------- spec


def test_spec_defaults_are_cleaned_and_kept():
    parsed = spec(prompt="  Qui a écrit\u202e   Germinal ? ", options=[" Hugo ", "Zola\u0000"], correct=[1])
    assert parsed.type == "quiz"
    assert parsed.as_dict() == {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola"],
                                "correct": [1], "seconds": 20, "points": 1000}  # fmt: skip
    assert not parsed.multiple
    assert quiz.answer_limit(parsed) == 1


def test_correct_options_are_stored_sorted_and_bounds_are_accepted():
    parsed = multi(seconds=5, points=0)
    assert parsed.correct == (0, 2, 3) and parsed.multiple
    assert (parsed.seconds, parsed.points) == (5, 0)
    assert (spec(seconds=120, points=10000).seconds, spec(points=10000).points) == (120, 10000)
    assert spec(options=[str(i) for i in range(6)], correct=[0, 1, 2, 3, 4, 5]).correct == (0, 1, 2, 3, 4, 5)


BAD_SPECS = [
    ({"prompt": ""}, "blank", "prompt"),
    ({"prompt": "   "}, "blank", "prompt"),
    ({"prompt": None}, "invalid_type", "prompt"),
    ({"prompt": "x" * 301}, "too_long", "prompt"),
    ({"options": "Hugo,Zola"}, "invalid_type", "options"),
    ({"options": None}, "invalid_type", "options"),
    ({"options": ["Zola"], "correct": [0]}, "invalid_options", "options"),
    ({"options": [str(i) for i in range(7)]}, "invalid_options", "options"),
    ({"options": ["Hugo", 2]}, "invalid_type", "options[1]"),
    ({"options": ["Hugo", "  "]}, "blank", "options[1]"),
    ({"options": ["Hugo", "z" * 121]}, "too_long", "options[1]"),
    ({"correct": None}, "invalid_type", "correct"),
    ({"correct": 1}, "invalid_type", "correct"),
    ({"correct": []}, "invalid_correct", "correct"),
    ({"correct": [1, True]}, "invalid_type", "correct[1]"),
    ({"correct": ["1"]}, "invalid_type", "correct[0]"),
    ({"correct": [1.0]}, "invalid_type", "correct[0]"),
    ({"correct": [0, 4]}, "out_of_range", "correct[1]"),
    ({"correct": [-1]}, "out_of_range", "correct[0]"),
    ({"correct": [1, 2, 1]}, "invalid_correct", "correct[2]"),
    ({"seconds": 4}, "out_of_range", "seconds"),
    ({"seconds": 121}, "out_of_range", "seconds"),
    ({"seconds": "20"}, "invalid_type", "seconds"),
    ({"seconds": True}, "invalid_type", "seconds"),
    ({"seconds": 20.5}, "invalid_type", "seconds"),
    ({"points": -1}, "out_of_range", "points"),
    ({"points": 10001}, "out_of_range", "points"),
    ({"points": None}, "invalid_type", "points"),
    ({"points": False}, "invalid_type", "points"),
]


@pytest.mark.parametrize(("overrides", "code", "field"), BAD_SPECS)
def test_bad_specs_are_refused_with_the_field_at_fault(overrides, code, field):
    raw = {"type": "quiz", "prompt": "Q ?", "options": ["Hugo", "Zola", "Sand", "Balzac"], "correct": [1],
           **overrides}  # fmt: skip
    assert refused(code, quiz.parse_spec, raw).field == field
    assert refused(code, quiz.parse_spec, raw, "activities[2].").field == f"activities[2].{field}"


# ------------------------------------------------------------------------- answers

ANSWERS = [
    # (spec, value, normalised answer or error code)
    ("single", 1, 1),
    ("single", 0, 0),
    ("single", 3, 3),
    ("single", 4, "out_of_range"),
    ("single", -1, "out_of_range"),
    ("single", True, "invalid_value"),
    ("single", "1", "invalid_value"),
    ("single", 1.0, "invalid_value"),
    ("single", None, "invalid_value"),
    ("single", [1], "invalid_value"),
    ("multi", [3, 0], [0, 3]),
    ("multi", 2, [2]),
    ("multi", [0, 1, 2, 3], [0, 1, 2, 3]),
    ("multi", [], "invalid_value"),
    ("multi", [1, 1], "invalid_value"),
    ("multi", [0, 4], "out_of_range"),
    ("multi", [0, False], "invalid_value"),
    ("multi", ["0"], "invalid_value"),
    ("multi", {"0": 1}, "invalid_value"),
]


@pytest.mark.parametrize(("kind", "value", "expected"), ANSWERS)
def test_answer_checking(kind, value, expected):
    question = spec() if kind == "single" else multi()
    if isinstance(expected, str):
        refused(expected, quiz.check_answer, question, value)
    else:
        assert quiz.check_answer(question, value) == expected


@pytest.mark.parametrize(
    ("kind", "value", "correct"),
    [("single", 1, True), ("single", 0, False), ("multi", [0, 2, 3], True), ("multi", 3, False),
     ("multi", [0, 2], False), ("multi", [0, 1, 2, 3], False), ("multi", [1], False)],
)  # fmt: skip
def test_is_correct_needs_the_full_set(kind, value, correct):
    assert quiz.is_correct(spec() if kind == "single" else multi(), value) is correct


def test_tally_counts_per_option():
    tally = quiz.Tally(multi())
    for value in ([0, 2, 3], [0], [1, 2]):
        tally.add(value)
    assert tally.results() == {"counts": [2, 1, 2, 1]}
    assert tally.n_answers == 3
    single = quiz.Tally(spec())
    for value in (1, 1, 0):
        single.add(value)
    assert single.results() == {"counts": [1, 2, 0, 0]} and single.n_answers == 3


def test_describe_answer():
    assert quiz.describe_answer(spec(), 1) == "Zola"
    assert quiz.describe_answer(multi(), [0, 2]) == "Nana | L'Assommoir"


def test_module_protocol():
    from live.activities.poll import rules as poll

    for name in ("TYPE", "parse_spec", "check_answer", "Tally", "public_view", "describe_answer", "answer_limit"):
        assert hasattr(quiz, name) and hasattr(poll, name), name
    assert quiz.TYPE == "quiz"


# -------------------------------------------------------------------------- timing

TIMING = [
    # (elapsed_ms, extra_ms, in time?, remaining_ms) with seconds=20
    (0, 0, True, 20000),
    (-300, 0, True, 20000),  # clocks a little apart: counts as 0
    (12345, 0, True, 7655),
    (20000, 0, True, 0),
    (20500, 0, True, 0),  # the last millisecond of the grace
    (20501, 0, False, 0),
    (60000, 0, False, 0),
    (25000, 10000, True, 5000),
    (30500, 10000, True, 0),
    (30501, 10000, False, 0),
]


@pytest.mark.parametrize(("elapsed", "extra", "in_time", "remaining"), TIMING)
def test_timing(elapsed, extra, in_time, remaining):
    question = spec()
    assert quiz.is_in_time(question, elapsed, extra) is in_time
    assert quiz.remaining_ms(question, elapsed, extra) == remaining


def test_grace_is_documented_and_small():
    assert quiz.GRACE_MS == 500
    assert "GRACE_MS" in quiz.__doc__ and "grace" in quiz.is_in_time.__doc__


# ------------------------------------------------------------------------- scoring

SCORES = [
    # (spec overrides, value, elapsed_ms, extra_ms, score)
    ({}, 1, 0, 0, 1000),
    ({}, 1, 5000, 0, 875),
    ({}, 1, 10000, 0, 750),
    ({}, 1, 19999, 0, 500),  # 500.025 rounds to 500
    ({}, 1, 20000, 0, 500),  # the deadline: half
    ({}, 1, 20250, 0, 500),  # in the grace: half
    ({}, 1, 20500, 0, 500),
    ({}, 1, 20501, 0, 0),  # late
    ({}, 1, -50, 0, 1000),
    ({}, 1, 20000, 10000, 667),  # host added 10 s: 1000 * (1 - 20000 / 60000)
    ({}, 1, 30000, 10000, 500),
    ({}, 1, 30400, 10000, 500),
    ({}, 1, 31000, 10000, 0),
    ({}, 0, 0, 0, 0),  # wrong
    ({}, 3, 20000, 0, 0),
    ({"points": 0}, 1, 0, 0, 0),
    ({"points": 0}, 1, 20000, 0, 0),
    ({"points": 999}, 1, 20000, 0, 500),  # 499.5 rounds half up
    ({"points": 10000, "seconds": 5}, 1, 2500, 0, 7500),
    ({"points": 1, "seconds": 5}, 1, 4999, 0, 1),
]


@pytest.mark.parametrize(("overrides", "value", "elapsed", "extra", "expected"), SCORES)
def test_single_correct_scoring(overrides, value, elapsed, extra, expected):
    points = quiz.score(spec(**overrides), value, elapsed, extra)
    assert points == expected and isinstance(points, int)


MULTI_SCORES = [
    # correct = [0, 2, 3]; speed points at 5000 ms: 875
    ([0, 2, 3], 5000, 875),  # all correct, nothing else: as a single correct answer
    ([3, 2, 0], 5000, 875),
    ([0, 2, 3], 0, 1000),
    ([0, 2, 3], 20000, 500),
    ([0, 2, 3], 20501, 0),
    ([0, 2], 5000, 583),  # 2/3 of 875
    ([0], 5000, 292),  # 1/3 of 875
    (0, 0, 333),  # a bare index
    ([0, 1, 2, 3], 5000, 583),  # over-picking: (3 - 1) / 3
    ([0, 1, 2], 5000, 292),  # (2 - 1) / 3
    ([0, 1], 5000, 0),  # (1 - 1) / 3
    ([1], 5000, 0),  # negative fraction floors at 0
]


@pytest.mark.parametrize(("value", "elapsed", "expected"), MULTI_SCORES)
def test_multi_correct_scoring(value, elapsed, expected):
    assert quiz.score(multi(), value, elapsed) == expected


def test_picking_everything_never_pays_when_half_the_options_are_correct():
    question = spec(correct=[0, 2])
    assert quiz.score(question, [0, 1, 2, 3], 0) == 0
    assert quiz.score(question, [0, 2], 0) == quiz.score(spec(), 1, 0) == 1000


def test_score_refuses_a_malformed_answer():
    refused("out_of_range", quiz.score, spec(), 9, 0)
    refused("invalid_value", quiz.score, multi(), [], 0)


def test_faster_is_never_worse():
    question = spec(seconds=7, points=777)
    scores = [quiz.score(question, 1, elapsed) for elapsed in range(0, 7600, 37)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 777 and min(score for score in scores if score) == 389


@pytest.mark.parametrize(
    ("streak", "bonus"), [(0, 0), (1, 0), (2, 100), (3, 200), (5, 400), (6, 500), (7, 500), (40, 500)]
)
def test_streak_bonus(streak, bonus):
    assert quiz.streak_bonus(streak) == bonus


def test_streak_follows_fully_correct_answers():
    question = multi()
    streak = 0
    for value, expected in (([0, 2, 3], 1), ([0, 2, 3], 2), ([0, 2], 0), ([0, 2, 3], 1)):
        streak = quiz.next_streak(streak, quiz.is_correct(question, value))
        assert streak == expected


# --------------------------------------------------------------------- leaderboard


def entry(pid: str, score: int, time_ms: int, joined: int, name: str | None = None) -> dict:
    return {"participant_id": pid, "name": name or pid.upper(), "score": score, "time_ms": time_ms, "joined": joined}


LEADERBOARDS = [
    ("higher score first", [entry("a", 500, 100, 0), entry("b", 900, 9000, 1)], ["b", "a"]),
    ("same score: faster first", [entry("a", 900, 5000, 0), entry("b", 900, 4000, 1)], ["b", "a"]),
    ("same score and time: earlier joined", [entry("a", 900, 4000, 2), entry("b", 900, 4000, 1)], ["b", "a"]),
    ("all equal: participant id", [entry("z", 0, 0, 0), entry("m", 0, 0, 0)], ["m", "z"]),
    ("mixed", [entry("a", 0, 0, 0), entry("b", 1500, 3000, 3), entry("c", 1500, 3000, 1),
               entry("d", 2000, 9000, 4), entry("e", 1500, 2000, 5)], ["d", "e", "c", "b", "a"]),  # fmt: skip
    ("empty", [], []),
]


@pytest.mark.parametrize(("case", "entries", "order"), LEADERBOARDS)
def test_leaderboard_order(case, entries, order):
    board = quiz.leaderboard(entries)
    assert [row["participant_id"] for row in board] == order, case
    assert [row["rank"] for row in board] == list(range(1, len(order) + 1))


def test_leaderboard_is_deterministic_and_keeps_the_entries():
    entries = [entry(f"p{i}", (i % 3) * 100, (i % 2) * 50, i % 4) for i in range(30)]
    first = quiz.leaderboard(entries)
    for seed in range(5):
        shuffled = list(entries)
        random.Random(seed).shuffle(shuffled)
        assert quiz.leaderboard(shuffled) == first
    assert first[0]["name"] == first[0]["participant_id"].upper()
    assert "rank" not in entries[0]  # the input is not changed


# --------------------------------------------------------------------------- stats


def test_question_stats():
    answers = [(1, 2000, True), (1, 4000, True), (0, 3000, True), (1, 25000, False)]
    assert quiz.question_stats(spec(), answers) == {
        "n_answers": 4, "n_correct": 2, "n_late": 1, "correct_rate": 0.5, "average_ms": 3000,
    }  # fmt: skip


def test_question_stats_multi_counts_only_full_sets():
    answers = [([0, 2, 3], 1000, True), ([0, 2], 2000, True), ([0, 1, 2, 3], 2001, True)]
    stats = quiz.question_stats(multi(), answers)
    assert (stats["n_correct"], stats["correct_rate"], stats["average_ms"]) == (1, 0.3333, 1667)


def test_question_stats_with_no_answer_or_only_late_ones():
    assert quiz.question_stats(spec(), []) == {
        "n_answers": 0, "n_correct": 0, "n_late": 0, "correct_rate": 0.0, "average_ms": None,
    }  # fmt: skip
    late = quiz.question_stats(spec(), [(1, 30000, False)])
    assert (late["n_answers"], late["n_correct"], late["correct_rate"], late["average_ms"]) == (1, 0, 0.0, None)


# -------------------------------------------------------------------------- secrecy

WORDS = ["Hugo", "Zola", "Sand", "Balzac", "vrai", "faux", "oui", "non", "1789", "Paris", "Lyon", "🎉", "«A»", "b"]


def random_spec(rng: random.Random) -> quiz.QuizSpec:
    n_options = rng.randint(2, 6)
    options = [" ".join(rng.sample(WORDS, rng.randint(1, 3))) for _ in range(n_options)]
    correct = rng.sample(range(n_options), rng.randint(1, n_options))
    raw = {"type": "quiz", "prompt": f"Question {rng.randint(0, 999)} ?", "options": options, "correct": correct}
    return quiz.parse_spec({**raw, "seconds": rng.randint(5, 120), "points": rng.randint(0, 10000)})


def test_public_view_never_reveals_the_correct_options():
    rng = random.Random(20240601)
    for _ in range(500):
        question = random_spec(rng)
        view = quiz.public_view(question)
        assert "correct" not in view
        assert json.dumps(view, ensure_ascii=False).replace('"n_correct"', "").count("correct") == 0
        assert view["multiple"] is (len(question.correct) > 1)
        assert view["n_correct"] == len(question.correct)
        # Any other choice of as many correct options gives the very same view.
        other = rng.sample(range(len(question.options)), len(question.correct))
        twin = quiz.QuizSpec(
            question.prompt, question.options, tuple(sorted(other)), question.seconds, question.points
        )
        assert quiz.public_view(twin) == view


def test_public_and_reveal_views():
    question = multi(seconds=30, points=2000)
    assert quiz.public_view(question) == {
        "type": "quiz", "prompt": "Lesquels sont des romans de Zola ?",
        "options": ["Nana", "Les Misérables", "L'Assommoir", "La Bête humaine"],
        "seconds": 30, "points": 2000, "multiple": True, "n_correct": 3,
    }  # fmt: skip
    assert quiz.reveal_view(question) == {**quiz.public_view(question), "correct": [0, 2, 3]}
    assert quiz.public_view(spec())["multiple"] is False
