"""Quiz questions in the archive: per question, the bar chart with the correct options
marked in words (not by colour alone) and its figures; for the session, the final
leaderboard (a podium for the first three, then a table capped at
``LEADERBOARD_VISIBLE_ROWS`` rows; every player is in quiz-leaderboard.csv) and
quiz-questions.csv. A player without a nickname is "Participant <n>" on the page; in
the CSV their name is empty and ``participant_id`` tells them apart."""

from __future__ import annotations

from live.activities import options
from live.activities.archiving import count, csv_text, is_int, number

LEADERBOARD_CSV = "quiz-leaderboard.csv"
QUESTIONS_CSV = "quiz-questions.csv"
LEADERBOARD_COLUMNS = ("rank", "name", "score", "time_ms", "participant_id")
QUESTIONS_COLUMNS = ("number", "prompt", "correct_options", "n_answers", "n_correct", "correct_rate", "average_ms")
CORRECT_OPTIONS_SEPARATOR = " | "  # as the quiz answers in answers.csv
LEADERBOARD_VISIBLE_ROWS = 50  # the page's table; the CSV has every player
PODIUM_PLACES = 3
QUIZ = "quiz"


def correct_indices(activity: dict) -> list[int]:
    """The indices of the correct options of a quiz question, sorted, valid ones only."""
    n_options = len(activity.get("options") or [])
    correct = activity.get("correct")
    return sorted({i for i in correct if is_int(i) and 0 <= i < n_options}) if isinstance(correct, list) else []


def correct_options(activity: dict) -> list[str]:
    options_of = activity.get("options") or []
    return [str(options_of[i]) for i in correct_indices(activity)]


def figures(activity: dict) -> dict:
    """``n_answers``, ``n_correct``, ``n_late``, ``correct_rate`` (0 to 1) and
    ``average_ms`` (None when nobody answered in time) of a quiz question, from the
    summary; a missing rate is worked out from the counts."""
    n_answers = count(activity.get("n_answers"))
    n_correct = count(activity.get("n_correct"))
    rate = number(activity.get("correct_rate"))
    if rate is None:
        rate = round(n_correct / n_answers, 4) if n_answers else 0.0
    return {
        "n_answers": n_answers,
        "n_correct": n_correct,
        "n_late": count(activity.get("n_late")),
        "correct_rate": min(max(rate, 0.0), 1.0),
        "average_ms": number(activity.get("average_ms")),
    }


def view(activity: dict, page) -> dict:
    """The context of the quiz's archive partial: the chart and the question's figures."""
    correct = set(correct_indices(activity))
    found = figures(activity)
    average_ms = found["average_ms"]
    seconds = number(activity.get("seconds"))
    points = number(activity.get("points"))
    quiz = {
        "n_answers": found["n_answers"],
        "n_late": found["n_late"],
        "rate": page.percent(found["correct_rate"]),
        # One decimal: "1.5" in English, "1,5" in French.
        "average": page.decimal(average_ms / 1000, "#,##0.0") if average_ms is not None else None,
        "seconds": page.number(seconds) if seconds is not None else None,
        "points": page.number(points) if points is not None else None,
        "points_n": points,  # chooses "point" or "points"
    }
    # A quiz with several correct options lets players pick several.
    return {**options.chart_view(activity, page, multiple=len(correct) > 1, correct=correct), "quiz": quiz}


def has_quiz(summary: dict) -> bool:
    """True when the session had quiz questions (or, at least, a leaderboard)."""
    return isinstance(summary.get("leaderboard"), list) or any(a.get("type") == QUIZ for a in sorted_activities(summary))


def session_files(summary: dict) -> dict[str, str]:
    """quiz-leaderboard.csv and quiz-questions.csv for a session with quiz questions."""
    if not has_quiz(summary):
        return {}
    return {LEADERBOARD_CSV: leaderboard_csv(summary), QUESTIONS_CSV: questions_csv(summary)}


def leaderboard_csv(summary: dict) -> str:
    """Every player of the final leaderboard, best first: rank, name (empty when the
    player chose none), score, time_ms (total answering time of the correct answers,
    the first tie-breaker) and participant_id."""
    rows = (
        (row["rank"], row["name"], row["score"], row["time_ms"], row["participant_id"])
        for row in leaderboard_rows(summary)
    )
    return csv_text(LEADERBOARD_COLUMNS, rows)


def questions_csv(summary: dict) -> str:
    """One row per quiz question: its number on the page, its prompt, the correct
    options (``Hugo | Zola``), how many answered, how many fully correct, the rate (0
    to 1, as in summary.json) and the average answering time (empty when nobody
    answered in time)."""
    rows = []
    for position, activity in enumerate(sorted_activities(summary), start=1):
        if activity.get("type") != QUIZ:
            continue
        found = figures(activity)
        rows.append((
            position, activity.get("prompt") or "", CORRECT_OPTIONS_SEPARATOR.join(correct_options(activity)),
            found["n_answers"], found["n_correct"], found["correct_rate"], found["average_ms"],
        ))
    return csv_text(QUESTIONS_COLUMNS, rows)


def leaderboard_rows(summary: dict) -> list[dict]:
    """The rows of the summary's ``leaderboard`` as given (best first), cleaned:
    ``rank`` (the position when missing), ``name`` (None when blank), ``score``,
    ``time_ms`` (None when missing), ``participant_id``. Non-objects are skipped."""
    rows = []
    board = summary.get("leaderboard")
    for item in board if isinstance(board, list) else ():
        if not isinstance(item, dict):
            continue
        rank, name = item.get("rank"), item.get("name")
        participant_id, participant_number = item.get("participant_id"), item.get("participant_number")
        rows.append(
            {
                "rank": rank if is_int(rank) and rank >= 1 else len(rows) + 1,
                "name": name if isinstance(name, str) and name.strip() else None,
                "score": number(item.get("score")) or 0,
                "time_ms": number(item.get("time_ms")),
                "participant_id": "" if participant_id is None else str(participant_id),
                "participant_number": participant_number if is_int(participant_number) and participant_number >= 1 else None,
            }
        )
    return rows


def leaderboard_view(summary: dict, page) -> dict | None:
    """The final leaderboard for the page, or None when the summary has none.

    ``anonymous`` numbers the players without a name in rank order (the template shows
    "Participant <n>"); ``place`` is 1 to 3 on the podium, else None."""
    if not isinstance(summary.get("leaderboard"), list):
        return None
    rows = []
    n_anonymous = 0
    for row in leaderboard_rows(summary):
        if row["name"] is None:
            n_anonymous += 1
        rank = row["rank"]
        rows.append(
            {
                "rank": rank,
                "name": row["name"],
                # The participant's own number (as in answers.csv) when the summary has it.
                "anonymous": None if row["name"] is not None else row["participant_number"] or n_anonymous,
                "score": page.number(row["score"]),
                "score_n": row["score"],  # chooses "point" or "points"
                "place": rank if rank <= PODIUM_PLACES else None,
            }
        )
    return {
        "n_players": len(rows),
        "podium": [row for row in rows if row["place"]][:PODIUM_PLACES],
        "rows": rows[:LEADERBOARD_VISIBLE_ROWS],
        "n_more": max(0, len(rows) - LEADERBOARD_VISIBLE_ROWS),
        "csv": LEADERBOARD_CSV,
    }


def pseudonymised(summary: dict) -> dict:
    """A copy of ``summary`` where no player has a name: each leaderboard row keeps (or
    gets) a ``participant_number``, which the page shows as "Participant <n>".

    The number comes from the summary (the order participants joined) so it is the same
    as in answers.csv; a summary without numbers gets them in rank order."""
    if not isinstance(summary.get("leaderboard"), list):
        return summary
    board = [dict(row) for row in summary["leaderboard"] if isinstance(row, dict)]
    numbers = [row.get("participant_number") for row in board]
    if not all(is_int(n) and n >= 1 for n in numbers) or len(set(numbers)) != len(numbers):
        numbers = list(range(1, len(board) + 1))
    for row, participant_number in zip(board, numbers):
        row["name"], row["participant_number"] = None, participant_number
    return {**summary, "leaderboard": board}


def sorted_activities(summary: dict) -> list[dict]:
    activities = summary.get("activities")
    if not isinstance(activities, list):
        return []
    return sorted((a for a in activities if isinstance(a, dict)), key=_position)


def _position(activity: dict) -> int:
    position = activity.get("position")
    return position if is_int(position) and position >= 0 else 0
