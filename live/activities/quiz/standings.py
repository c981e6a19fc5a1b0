"""Quiz standings of a running session, computed from its answers.

Scores are never stored: they follow from each answer's value and server-measured
time (``ms_since_open``), so a restarted server, or a participant who comes back
with their token, finds exactly the same score and rank. Only revealed questions
count, so the standings never give away an answer that is still secret.
"""

from __future__ import annotations

from live.activities.quiz import rules as quiz
from live.domain.session import CLOSED, REVEALED


def extra_ms(state, question_id: str) -> int:
    """Time the host added to a question, from its kind state."""
    return (state.states.get(question_id) or {}).get("extra_ms", 0)


def revealed_questions(state, everything_asked: bool = False) -> list:
    """The revealed quiz questions of a session, in their order (or every question
    asked, once the session has ended and nothing is secret any more)."""
    counted = {REVEALED, CLOSED} if everything_asked else {REVEALED}
    return sorted(
        (a for a in state.activities.values() if a.type == quiz.TYPE and state.lifecycle.statuses[a.id] in counted),
        key=lambda a: a.position,
    )


def standings(state, everything_asked: bool = False) -> list[dict]:
    """Every participant still in the session, best first, with score, rank and streak."""
    questions = revealed_questions(state, everything_asked)
    entries = []
    for joined, (participant_id, name) in enumerate(state.names.items()):
        if participant_id in state.removed:
            continue
        total = time_ms = streak = 0
        for question in questions:
            values = state.values.get(participant_id, {}).get(question.id)
            elapsed = state.timings.get((participant_id, question.id))
            extra = extra_ms(state, question.id)
            correct = bool(values) and quiz.is_correct(question.spec, values[0])
            if values:
                total += quiz.score(question.spec, values[0], elapsed or 0, extra)
            streak = quiz.next_streak(streak, correct)
            if correct:
                total += quiz.streak_bonus(streak)
                time_ms += elapsed or 0
        entries.append({"participant_id": participant_id, "name": name, "score": total,
                        "time_ms": time_ms, "joined": joined, "streak": streak})
    return quiz.leaderboard(entries)


def public_rows(rows: list[dict]) -> list[dict]:
    """Leaderboard rows as the contract shows them."""
    return [{"participant_id": r["participant_id"], "name": r["name"], "score": r["score"], "rank": r["rank"]} for r in rows]


def archived_rows(rows: list[dict]) -> list[dict]:
    """Leaderboard rows for summary.json: the public rows, the answering time that
    broke ties and the participant's number (join order, as in answers.csv)."""
    return [dict(public, time_ms=row["time_ms"], participant_number=row["joined"] + 1)
            for public, row in zip(public_rows(rows), rows)]


def live_rows(rows: list[dict]) -> list[dict]:
    """Leaderboard rows for host screens and phones: the public rows plus ``number``,
    the player's place in join order, so that an unnamed player stays "Player N"
    with the same N from one question to the next (the archive's participant number)."""
    return [dict(public, number=row["joined"] + 1) for public, row in zip(public_rows(rows), rows)]


def personal_result(state, question, row: dict | None, n_players: int) -> dict:
    """What one phone hears when a question is revealed: right or wrong, points, rank."""
    participant_id = row["participant_id"] if row else None
    values = state.values.get(participant_id, {}).get(question.id)
    elapsed = state.timings.get((participant_id, question.id), 0)
    points = quiz.score(question.spec, values[0], elapsed, extra_ms(state, question.id)) if values else 0
    return {
        "activity_id": question.id,
        "answered": bool(values),
        "correct": bool(values) and quiz.is_correct(question.spec, values[0]),
        "points": points,
        "score": row["score"] if row else 0,
        "rank": row["rank"] if row else None,
        "streak": row["streak"] if row else 0,
        "n_players": n_players,
    }
