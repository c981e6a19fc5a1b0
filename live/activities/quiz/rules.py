"""Quizzes: a question, 2 to 6 options, one or several correct, a timer, points for speed.

The rules here are pure: no clock is read. Every time is given in milliseconds
by the caller (the service measures ``elapsed_ms`` from the moment the question
opened to the moment the answer reached the server), so each rule can be tested
at 0 ms, at the deadline and past it.

Secrecy
    ``public_view`` is what phones see while the question runs: prompt, options,
    timer, points, ``multiple`` and ``n_correct`` (how many options to pick, as
    Kahoot! shows it). It never holds ``correct`` nor anything else derived from
    it. ``reveal_view`` adds ``correct``, for after the question closes.

Answers
    One answer per participant (``answer_limit`` is 1). With one correct option the
    value is an option index; with several it is a list of distinct indices (a bare
    index is taken as a list of one), stored sorted. Picking more options than
    ``n_correct`` is allowed: over-picking is paid for in the score, not refused,
    so the phone never has to explain a refusal with the clock running.

Timing
    The question lasts ``duration_ms = seconds * 1000 + extra_ms``, ``extra_ms``
    being the time the host added. An answer counts when
    ``elapsed_ms <= duration_ms + GRACE_MS``: ``GRACE_MS`` (500 ms) absorbs the
    network latency of a phone that tapped just before the timer hit zero on
    its screen. Negative times (clocks of two processes a little apart) count
    as 0. ``remaining_ms`` is what the screens show: it never counts the grace.

Score (integers, rounded half up)
    Wrong or late: 0. Correct: Kahoot!'s rule, full ``points`` at 0 ms falling
    linearly to half the points at the deadline::

        speed_points = round(points * (1 - t / (2 * duration_ms))),  t = min(elapsed_ms, duration_ms)

    so an answer inside the grace gets the half. With several correct options the
    speed points are multiplied by ``max(0, (right picks - wrong picks) / n_correct)``:
    picking every correct option and nothing else scores exactly like a correct
    single answer; guessing everything is worth little or nothing.

    Examples, ``seconds=20``, ``points=1000`` (``duration_ms`` = 20 000):

    ==========================================  ========
    answer                                      score
    ==========================================  ========
    correct at 0 ms                             1000
    correct at 5 000 ms                         875
    correct at 10 000 ms                        750
    correct at 20 000 ms (the deadline)         500
    correct at 20 500 ms (end of the grace)     500
    correct at 20 501 ms (late)                 0
    correct at 20 000 ms, host added 10 s       667   (1000 * (1 - 20000/60000))
    wrong, at any time                          0
    ==========================================  ========

    Several correct, ``correct = [0, 2, 3]`` (of 4 options), answered at 5 000 ms
    (speed points 875):

    ===================  ====================  =====
    picks                fraction              score
    ===================  ====================  =====
    [0, 2, 3]            (3 - 0) / 3 = 1       875
    [0, 2]               (2 - 0) / 3           583
    [0, 1, 2, 3] (all)   (3 - 1) / 3           583
    [0, 1]               (1 - 1) / 3 = 0       0
    [1]                  max(0, -1/3) = 0      0
    ===================  ====================  =====

Streak
    ``streak_bonus(streak)``, optional, for the ``streak``-th fully correct answer
    in a row (``is_correct``; a partial, wrong, late or missing answer resets the
    streak to 0, see ``next_streak``): 0 for the first, then +100 for each further
    one, capped at +500 (1st: 0, 2nd: 100, 3rd: 200, ..., 6th and after: 500).

Leaderboard
    Best first: higher score, then lower total answering time of correct answers,
    then who joined first, then ``participant_id``. Ties are always broken, so
    ranks are positions (1, 2, 3, ...): no two players share a place on the podium
    and the order never changes between two pushes of the same scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from live.domain.errors import Checks, DomainError
from live.domain.fields import OptionCounts, bounded_int, option_choice, option_texts
from live.domain.text import required_text

TYPE = "quiz"
MIN_OPTIONS = 2
MAX_OPTIONS = 6
MAX_PROMPT = 300
MAX_OPTION = 120
MIN_SECONDS, MAX_SECONDS, DEFAULT_SECONDS = 5, 120, 20
MIN_POINTS, MAX_POINTS, DEFAULT_POINTS = 0, 10_000, 1000
GRACE_MS = 500
STREAK_STEP, STREAK_CAP = 100, 500


# --------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class QuizSpec:
    """What the facilitator wrote: the question, its options, the correct ones
    (sorted indices), the time allowed and the points at stake."""

    prompt: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    seconds: int = DEFAULT_SECONDS
    points: int = DEFAULT_POINTS

    type: str = field(default=TYPE, init=False)

    @property
    def multiple(self) -> bool:
        """True when several options are correct (the phone then offers checkboxes)."""
        return len(self.correct) > 1

    def as_dict(self) -> dict:
        """The spec as stored and as given back to its owner by the API (it holds
        ``correct``: never send it to participants, use ``public_view``)."""
        return {
            "type": TYPE,
            "prompt": self.prompt,
            "options": list(self.options),
            "correct": list(self.correct),
            "seconds": self.seconds,
            "points": self.points,
        }


def parse_spec(raw: dict, where: str = "") -> QuizSpec:
    """Validate a quiz spec from untrusted input (API body, form, database).

    Codes: ``invalid_type``, ``blank``, ``too_long``, ``invalid_options`` (not 2
    to 6 options), ``invalid_correct`` (empty list, an index given twice),
    ``out_of_range`` (an index with no option, seconds or points out of bounds).
    """
    checks = Checks()
    prompt = checks.run(lambda: required_text(raw.get("prompt"), f"{where}prompt", MAX_PROMPT))
    cleaned = checks.run(lambda: option_texts(raw, where, MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION, "A quiz question"))
    # Which options are correct can only be checked against valid options.
    correct = checks.run(lambda: _parse_correct(raw.get("correct"), len(cleaned), where)) if cleaned else None
    seconds = checks.run(lambda: bounded_int(raw, "seconds", DEFAULT_SECONDS, MIN_SECONDS, MAX_SECONDS, where))
    points = checks.run(lambda: bounded_int(raw, "points", DEFAULT_POINTS, MIN_POINTS, MAX_POINTS, where))
    checks.done()
    return QuizSpec(prompt=prompt, options=cleaned, correct=correct, seconds=seconds, points=points)


def _parse_correct(raw: object, n_options: int, where: str) -> tuple[int, ...]:
    if not isinstance(raw, list):
        raise DomainError("invalid_type", "correct must be a list of option numbers.", f"{where}correct")
    if not raw:
        raise DomainError("invalid_correct", "At least one option must be correct.", f"{where}correct")
    seen: set[int] = set()
    for index, value in enumerate(raw):
        path = f"{where}correct[{index}]"
        # bool is an int in Python: "correct": [true] must not mean option 1.
        if not isinstance(value, int) or isinstance(value, bool):
            raise DomainError("invalid_type", "correct must hold option numbers.", path)
        if not 0 <= value < n_options:
            raise DomainError("out_of_range", f"There is no option {value}.", path)
        if value in seen:
            raise DomainError("invalid_correct", f"Option {value} is listed twice as correct.", path)
        seen.add(value)
    return tuple(sorted(seen))


# ------------------------------------------------------------------------- views


def public_view(spec: QuizSpec) -> dict:
    """What participants may see while the question runs: never the correct
    options, only how many there are to pick."""
    return {
        "type": TYPE,
        "prompt": spec.prompt,
        "options": list(spec.options),
        "seconds": spec.seconds,
        "points": spec.points,
        "multiple": spec.multiple,
        "n_correct": len(spec.correct),
    }


def reveal_view(spec: QuizSpec) -> dict:
    """The public view with the correct options, for once the question is closed."""
    return {**public_view(spec), "correct": list(spec.correct)}


# ----------------------------------------------------------------------- answers


def check_answer(spec: QuizSpec, value: object) -> int | list[int]:
    """The normalised answer (an index, or a sorted list of distinct indices when
    several options are correct), or a DomainError: ``invalid_value``, ``out_of_range``."""
    return option_choice(len(spec.options), value, spec.multiple)


def _picks(spec: QuizSpec, value: object) -> set[int]:
    checked = check_answer(spec, value)
    return set(checked) if isinstance(checked, list) else {checked}


def is_correct(spec: QuizSpec, value: object) -> bool:
    """True when ``value`` picks exactly the correct options (the full set)."""
    return _picks(spec, value) == set(spec.correct)


def describe_answer(spec: QuizSpec, value: int | list[int]) -> str:
    """The answer as text, for the CSV export."""
    indices = value if isinstance(value, list) else [value]
    return " | ".join(spec.options[index] for index in indices)


def answer_limit(spec: QuizSpec) -> int:
    """How many answers one participant may give: one per question."""
    return 1


# A question's tally is its counts per option; the leaderboard is the whole
# session's, so the service builds it (see ``leaderboard``).
Tally = OptionCounts


# ------------------------------------------------------------------------ timing


def duration_ms(spec: QuizSpec, extra_ms: int = 0) -> int:
    """How long the question lasts: its seconds plus the time the host added."""
    return spec.seconds * 1000 + max(0, extra_ms)


def is_in_time(spec: QuizSpec, elapsed_ms: int, extra_ms: int = 0) -> bool:
    """True when an answer ``elapsed_ms`` after the opening counts (grace included)."""
    return max(0, elapsed_ms) <= duration_ms(spec, extra_ms) + GRACE_MS


def remaining_ms(spec: QuizSpec, elapsed_ms: int, extra_ms: int = 0) -> int:
    """Time left on the timer, as the screens show it: never negative, no grace."""
    return max(0, duration_ms(spec, extra_ms) - max(0, elapsed_ms))


# ----------------------------------------------------------------------- scoring


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, in exact integer arithmetic
    (``round`` rounds halves to even, and floats would drift)."""
    return (2 * numerator + denominator) // (2 * denominator)


def speed_points(spec: QuizSpec, elapsed_ms: int, extra_ms: int = 0) -> int:
    """Points of a correct answer at ``elapsed_ms``: ``points`` at 0 ms down to half
    at the deadline (and in the grace); call it only for answers in time."""
    duration = duration_ms(spec, extra_ms)
    spent = min(max(0, int(elapsed_ms)), duration)
    return _half_up(spec.points * (2 * duration - spent), 2 * duration)


def score(spec: QuizSpec, value: object, elapsed_ms: int, extra_ms: int = 0) -> int:
    """Points won by ``value`` given ``elapsed_ms`` after the opening (see the
    module docstring): 0 when wrong or late; partial credit when several are correct."""
    if not is_in_time(spec, elapsed_ms, extra_ms):
        return 0
    picks = _picks(spec, value)
    right = len(picks & set(spec.correct))
    net = right - (len(picks) - right)
    if net <= 0:
        return 0
    return _half_up(net * speed_points(spec, elapsed_ms, extra_ms), len(spec.correct))


def streak_bonus(streak: int) -> int:
    """Bonus for the ``streak``-th fully correct answer in a row: 0 for the first,
    +100 for each further one, at most +500."""
    return min(STREAK_CAP, STREAK_STEP * max(0, streak - 1))


def next_streak(streak: int, correct: bool) -> int:
    """The streak after an answer: one more when fully correct (and in time), else 0."""
    return streak + 1 if correct else 0


# -------------------------------------------------------------------- leaderboard


def _rank_key(entry: dict) -> tuple:
    return (-entry["score"], entry.get("time_ms", 0), entry.get("joined", 0), str(entry["participant_id"]))


def leaderboard(entries: Iterable[dict]) -> list[dict]:
    """The players best first, each a copy of its entry with a ``rank`` (1-based).

    ``entries``: ``{"participant_id", "name", "score", "time_ms", "joined"}``;
    ``time_ms`` is the total answering time of the player's correct answers,
    ``joined`` an order of arrival. Order: higher score, then lower ``time_ms``,
    then earlier ``joined``, then ``participant_id``; the rank is the position,
    so ties never share a place.
    """
    ordered = sorted(entries, key=_rank_key)
    return [{**entry, "rank": position} for position, entry in enumerate(ordered, start=1)]


# -------------------------------------------------------------------------- stats


def question_stats(spec: QuizSpec, answers: Iterable[tuple[object, int, bool]]) -> dict:
    """Figures of one question for the archive, from ``(value, elapsed_ms, in_time)``.

    ``n_answers``: every answer given, late ones included; ``n_late``: those out of
    time; ``n_correct``: fully correct answers given in time; ``correct_rate``:
    ``n_correct / n_answers`` rounded to 4 decimals (0.0 with no answers);
    ``average_ms``: mean answering time of the in-time answers, in whole ms, or
    None when there are none.
    """
    n_answers = n_correct = n_late = 0
    in_time_total = 0
    for value, elapsed_ms, in_time in answers:
        n_answers += 1
        if not in_time:
            n_late += 1
            continue
        in_time_total += max(0, int(elapsed_ms))
        if is_correct(spec, value):
            n_correct += 1
    n_in_time = n_answers - n_late
    return {
        "n_answers": n_answers,
        "n_correct": n_correct,
        "n_late": n_late,
        "correct_rate": round(n_correct / n_answers, 4) if n_answers else 0.0,
        "average_ms": _half_up(in_time_total, n_in_time) if n_in_time else None,
    }
