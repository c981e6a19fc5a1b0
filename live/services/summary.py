"""The session summary: one document (schema 1) served by the API and written as
``summary.json`` in the archive, plus the raw answers for the CSV.

Each activity's entry is its spec, its results and what its kind adds
(``summary_fields``); each kind the session holds may add top-level fields
(``session_summary``: a quiz's final leaderboard)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from live.activities.base import KindSettings
from live.domain.errors import DomainError
from live.domain.profanity import ProfanityFilter
from live.domain.reactions import totals as reaction_totals
from live.services import settings as session_settings
from live.offload import Offload, run_here
from live.store import repository
from live.store.models import LiveSession

SCHEMA = 1


def iso(moment: datetime | None) -> str | None:
    """A stored naive-UTC timestamp as ISO 8601 with a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@dataclass
class StoredSession:
    """A session as the database holds it, offered to kinds as their
    ``LiveSession`` (read-only: nothing is running)."""

    activities: dict
    lifecycle: object
    tallies: dict
    names: dict
    removed: set
    values: dict
    timings: dict
    states: dict
    marks: dict = field(default_factory=dict)
    caches: dict = field(default_factory=dict)

    def elapsed_ms(self, activity_id: str) -> int:
        return 0  # nothing runs any more: kinds read stored times

    def kinds_present(self) -> list:
        seen = {}
        for activity in sorted(self.activities.values(), key=lambda a: a.position):
            seen.setdefault(activity.kind.name, activity.kind)
        return list(seen.values())


def collect(sessions: sessionmaker, code: str, server_filter: ProfanityFilter) -> tuple[dict, list[dict]]:
    """The summary document and the answer rows of session ``code``, from the database."""
    with sessions() as db:
        session = repository.session_by_code(db, code)
        if session is None:
            raise DomainError("not_found", "There is no such session.")
        activity_rows = repository.activity_rows(db, session.id)
        participants = repository.participants_of(db, session.id)
        answers = repository.answers_of(db, session.id)
        reaction_counts = repository.reaction_counts_of(db, session.id)
    stored = _stored_session(session, activity_rows, participants, answers, server_filter)
    numbers = participant_numbers(participants)
    by_activity = defaultdict(list)
    for answer in answers:
        by_activity[answer.activity_id].append(answer)
    document = {
        "schema": SCHEMA,
        "code": session.code,
        "title": session.title,
        "created_at": iso(session.created_at),
        "started_at": iso(session.started_at),
        "ended_at": iso(session.ended_at),
        "n_participants": len(participants),
        "activities": [_activity_document(row, stored, by_activity[row.id], numbers) for row in activity_rows],
    }
    for kind in stored.kinds_present():
        document.update(kind.session_summary(stored))
    document.update(reactions_summary(session.settings, reaction_counts))
    names = {p.id: p.name for p in participants}
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
            "answer_text": _describe(stored.activities[a.activity_id], a.value),
            "answered_at": iso(a.created_at),
            "ms_since_open": a.ms_since_open,
        }
        for a in answers
        # A kind leaves out what must not be linked to a person (who reported what).
        if _describe(stored.activities[a.activity_id], a.value) is not None
    ]
    return document, rows


def reactions_summary(settings: dict | None, counts: dict[str, int]) -> dict:
    """The summary's reaction fields: ``reaction_set`` (the emoji participants could
    send; empty when reactions were off) and ``reactions`` (each emoji's total, every
    one of the set included, in its order)."""
    reaction_set = session_settings.settings_of(settings)["reactions"]
    return {"reaction_set": list(reaction_set), "reactions": reaction_totals(reaction_set, counts)}


def _stored_session(session, activity_rows, participants, answers, server_filter) -> StoredSession:
    """Every activity's tally and the participants' answers, rebuilt from the rows."""
    activities = {row.id: repository.to_rule(row) for row in activity_rows}
    states = {row.id: repository.kind_state(row) for row in activity_rows}
    lent = KindSettings(profanity=session_settings.word_filter(server_filter, session.settings))
    tallies = {aid: activity.kind.new_tally(activity, states[aid], lent) for aid, activity in activities.items()}
    values: dict = {}
    for answer in answers:
        activities[answer.activity_id].kind.count(tallies[answer.activity_id], answer.participant_id, answer.value)
        values.setdefault(answer.participant_id, {}).setdefault(answer.activity_id, []).append(answer.value)
    return StoredSession(
        activities=activities,
        lifecycle=repository.lifecycle_of(session, activity_rows),
        tallies=tallies,
        names={p.id: p.name for p in participants},
        removed={p.id for p in participants if p.removed},
        values=values,
        timings={(a.participant_id, a.activity_id): a.ms_since_open or 0 for a in answers},
        states=states,
    )


def _activity_document(row, stored: StoredSession, answers: list, numbers: dict[str, int]) -> dict:
    activity, tally = stored.activities[row.id], stored.tallies[row.id]
    document = dict(
        row.spec, id=row.id, position=row.position, n_answers=tally.n_answers,
        opened_at=iso(row.opened_at), closed_at=iso(row.closed_at), **tally.results(),
    )
    document.update(activity.kind.summary_fields(activity, tally, answers))
    document.update(activity.kind.numbered_fields(activity, tally, numbers))
    return document


def _describe(activity, value) -> str:
    return activity.kind.describe_answer(activity.spec, value)


def participant_numbers(participants: list) -> dict[str, int]:
    """``{participant_id: n}``, 1 for the first who joined: the "Participant n" a
    pseudonymised summary and answers.csv show instead of the nickname."""
    return {p.id: number for number, p in enumerate(participants, start=1)}


def archive_session(
    sessions: sessionmaker, code: str, archive_dir: Path, server_filter: ProfanityFilter, locale: str | None = None,
    timezone_name: str | None = None, offload: Offload = run_here,
) -> Path:
    """Write the archive folder of an ended session and remember where it is; its page
    shows times in ``timezone_name`` (LIVE_TIMEZONE), in ``locale`` (by default the
    language the host ended the session in: a repair after a crash keeps it).

    The answers are read here (the caller's thread: the database session is its
    own); the folder is laid out and written by ``offload.compute`` (a worker
    process: that takes seconds for a large session, see live/offload.py)."""
    from live.archive.document import archive_meta
    from live.archive.writer import write_archive

    document, rows = collect(sessions, code, server_filter)
    if locale is None:
        locale = ended_in_locale(sessions, code)
    path = offload.compute(write_archive, archive_dir, document, rows, locale=locale, timezone_name=timezone_name)
    with sessions.begin() as db:
        row = repository.session_by_code(db, code)
        row.archive_path, row.archive_meta = str(path), archive_meta(document)
    return path


def ended_in_locale(sessions: sessionmaker, code: str) -> str:
    """The language the host ended the session in (its archive page's), English when
    it ended before that was stored."""
    with sessions() as db:
        row = repository.session_by_code(db, code)
        stored = (row.settings or {}).get(session_settings.ARCHIVE_LOCALE) if row is not None else None
    return stored if isinstance(stored, str) and stored else "en"


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
