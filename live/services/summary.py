"""The session summary: one document (schema 1) served by the API and written
as ``summary.json`` in the archive, plus the raw answers for the CSV."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from live.domain import activities as activity_rules
from live.domain import quiz, wordcloud
from live.domain.errors import DomainError
from live.domain.profanity import ProfanityFilter
from live.offload import Offload, run_here
from live.store import repository
from live.store.models import LiveSession

SCHEMA = 1


def iso(moment: datetime | None) -> str | None:
    """A stored naive-UTC timestamp as ISO 8601 with a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def session_filter(server_filter: ProfanityFilter, session: LiveSession) -> ProfanityFilter:
    """The word-cloud filter of a session: the server's lists plus the session's
    own words, or nothing at all when the facilitator switched it off."""
    if not session.profanity_filter:
        return ProfanityFilter()
    return server_filter.with_extra(session.blocked_words or [])


def _activity_document(row, tally, rule, answers: list) -> dict:
    document = dict(
        row.spec, id=row.id, position=row.position, n_answers=tally.n_answers,
        opened_at=iso(row.opened_at), closed_at=iso(row.closed_at), **tally.results(),
    )
    if row.type == quiz.TYPE:
        timed = [(a.value, a.ms_since_open or 0, True) for a in answers if a.activity_id == row.id]
        document.update(quiz.question_stats(rule.spec, timed))
    if row.type == wordcloud.TYPE:
        # The archive records every group (hidden and held ones marked) and the moderation.
        document["table"] = tally.full_table()
        document["moderation"] = tally.moderation.as_list()
    return document


def collect(sessions: sessionmaker, code: str, server_filter: ProfanityFilter) -> tuple[dict, list[dict]]:
    """The summary document and the answer rows of session ``code``, from the database."""
    with sessions() as db:
        session = repository.session_by_code(db, code)
        if session is None:
            raise DomainError("not_found", "There is no such session.")
        activity_rows = repository.activity_rows(db, session.id)
        participants = repository.participants_of(db, session.id)
        answers = repository.answers_of(db, session.id)
    rules = {row.id: repository.to_rule(row) for row in activity_rows}
    profanity = session_filter(server_filter, session)
    tallies = {
        row.id: activity_rules.new_tally(rules[row.id], moderation=row.moderation, profanity=profanity)
        for row in activity_rows
    }
    for answer in answers:
        tallies[answer.activity_id].add(answer.value)
    document = {
        "schema": SCHEMA,
        "code": session.code,
        "title": session.title,
        "created_at": iso(session.created_at),
        "started_at": iso(session.started_at),
        "ended_at": iso(session.ended_at),
        "n_participants": len(participants),
        "activities": [_activity_document(row, tallies[row.id], rules[row.id], answers) for row in activity_rows],
    }
    names = {p.id: p.name for p in participants}
    numbers = participant_numbers(participants)
    if any(row.type == quiz.TYPE for row in activity_rows):
        board = _final_leaderboard(session, activity_rows, rules, participants, answers)
        document["leaderboard"] = [dict(row, participant_number=numbers.get(row["participant_id"])) for row in board]
    positions = {row.id: row for row in activity_rows}
    rows = [
        {
            "activity_position": positions[a.activity_id].position,
            "activity_id": a.activity_id,
            "activity_type": positions[a.activity_id].type,
            "prompt": positions[a.activity_id].spec.get("prompt"),
            "participant_id": a.participant_id,
            "participant_name": names.get(a.participant_id),
            "participant_number": numbers.get(a.participant_id),
            "value": a.value,
            "answer_text": activity_rules.describe_answer(rules[a.activity_id], a.value),
            "answered_at": iso(a.created_at),
            "ms_since_open": a.ms_since_open,
        }
        for a in answers
    ]
    return document, rows


def participant_numbers(participants: list) -> dict[str, int]:
    """``{participant_id: n}``, 1 for the first who joined: the "Participant n" a
    pseudonymised summary and answers.csv show instead of the nickname."""
    return {p.id: number for number, p in enumerate(participants, start=1)}


def _final_leaderboard(session, activity_rows, rules, participants, answers) -> list[dict]:
    """The quiz standings over every question asked (nothing is secret at the end)."""
    from live.services import quizzes

    values: dict = {}
    for answer in answers:
        values.setdefault(answer.participant_id, {}).setdefault(answer.activity_id, []).append(answer.value)
    ended = SimpleNamespace(
        activities=rules,
        lifecycle=repository.lifecycle_of(session, activity_rows),
        names={p.id: p.name for p in participants},
        removed={p.id for p in participants if p.removed},
        values=values,
        timings={(a.participant_id, a.activity_id): a.ms_since_open or 0 for a in answers},
        extra_ms={row.id: row.extra_ms or 0 for row in activity_rows},
    )
    rows = quizzes.standings(ended, everything_asked=True)
    return [dict(quizzes.public_rows([row])[0], time_ms=row["time_ms"]) for row in rows]


def archive_session(
    sessions: sessionmaker, code: str, archive_dir: Path, server_filter: ProfanityFilter, locale: str = "en",
    timezone_name: str | None = None, offload: Offload = run_here,
) -> Path:
    """Write the archive folder of an ended session and remember where it is; its page
    shows times in ``timezone_name`` (LIVE_TIMEZONE).

    The answers are read here (the caller's thread: the database session is its
    own); the folder is laid out and written by ``offload`` (the worker pool: that
    takes seconds for a large session, see live/offload.py)."""
    from live.archive.document import archive_meta
    from live.archive.writer import write_archive

    document, rows = collect(sessions, code, server_filter)
    path = offload(write_archive, archive_dir, document, rows, locale=locale, timezone_name=timezone_name)
    with sessions.begin() as db:
        row = repository.session_by_code(db, code)
        row.archive_path, row.archive_meta = str(path), archive_meta(document)
    return path


def archive_failure(error: BaseException) -> dict:
    """What the host is told when the archive of a session that has ended could not be
    written (a full disk, a folder it may not write to), in the contract's error shape:
    the message says what the system reported, for whoever fixes it."""
    if isinstance(error, OSError) and error.strerror:
        reason = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    else:
        reason = type(error).__name__
    return {"code": "archive_failed", "message": f"could not write the archive ({reason})"}


def session_row(sessions: sessionmaker, code: str) -> LiveSession | None:
    """The stored session ``code``, if any."""
    with sessions() as db:
        return repository.session_by_code(db, code)
