"""Building a session's cache from the database, and rebuilding it in place.

The database is the truth: the first time a process touches a session it loads it
whole (plan, lifecycle, kind states, participants, every answer), so a restarted
server carries on where it stopped, and another process can take over.
"""

from __future__ import annotations

import time

from sqlalchemy.orm import sessionmaker

from live.activities.base import KindSettings
from live.domain.errors import DomainError
from live.domain.joins import JoinSettings
from live.domain.profanity import ProfanityFilter
from live.services import settings as session_settings
from live.services.running import counting
from live.services.running.state import SessionState
from live.store import repository
from live.store.models import Answer

# What a rebuild replaces; everything else (connections, what changed, marks) stays.
REBUILT = (
    "title", "lifecycle", "activities", "opened_at", "tallies", "names", "archive_path", "given", "answer_keys",
    "timings", "states", "settings", "kind_settings", "removed", "values", "acked", "loaded_at", "caches", "summary_path", "joins",
)


def load(
    sessions: sessionmaker, code: str, server_filter: ProfanityFilter, secret_key: str = "", clock=time.monotonic,
) -> SessionState:
    """Session ``code`` as the database holds it, or ``unknown_session``."""
    with sessions() as db:
        row = repository.session_by_code(db, code) if isinstance(code, str) else None
        if row is None:
            raise DomainError("unknown_session", "There is no session with this code.")
        activity_rows = repository.activity_rows(db, row.id)
        participants = repository.participants_of(db, row.id)
        answers = repository.answers_of(db, row.id)
    activities = {a.id: repository.to_rule(a) for a in activity_rows}
    settings = session_settings.settings_of(row.settings)
    lent = KindSettings(profanity=session_settings.word_filter(server_filter, settings))
    states = {a.id: repository.kind_state(a) for a in activity_rows}
    state = SessionState(
        session_id=row.id, code=row.code, title=row.title, facilitator_id=row.facilitator_id,
        host_salt=row.host_salt, lifecycle=repository.lifecycle_of(row, activity_rows),
        activities=activities, opened_at={a.id: a.opened_at for a in activity_rows},
        tallies={aid: activity.kind.new_tally(activity, states[aid], lent) for aid, activity in activities.items()},
        names={p.id: p.name for p in participants}, archive_path=row.archive_path,
        states=states, settings=settings, kind_settings=lent, removed={p.id for p in participants if p.removed},
        joins=JoinSettings.from_stored(row.settings), clock=clock,
    )
    state.opened_clock = state.anchored(state.opened_at)
    if row.ended_at is not None and secret_key:
        from live.services.archives import participants_summary_path

        state.summary_path = participants_summary_path(sessions, secret_key, row)
    for answer in answers:
        counting.count(state, answer.participant_id, answer.activity_id, answer.value)
        counting.reserve(state, answer.participant_id, answer.activity_id, answer.value)
        state.acked.add((answer.participant_id, answer.answer_id))
        state.timings[(answer.participant_id, answer.activity_id)] = answer.ms_since_open or 0
    return state


def refresh(sessions: sessionmaker, state: SessionState, server_filter: ProfanityFilter, secret_key: str = "") -> None:
    """Rebuild ``state`` from the database in place (handlers and waiting answers hold
    this very object), keeping this process's connections, clocks and marks."""
    fresh = load(sessions, state.code, server_filter, secret_key, state.clock)
    with state.lock:
        # Openings this process already measures keep their monotonic anchors.
        state.opened_clock = state.anchored(fresh.opened_at)
        for name in REBUILT:
            setattr(state, name, getattr(fresh, name))
        # Answers still being committed here keep the slot they reserved.
        for (participant_id, answer_id), ticket in state.inflight.items():
            if (participant_id, answer_id) not in state.acked:
                counting.reserve(state, participant_id, ticket.row["activity_id"], ticket.row["value"])
        if state.lifecycle.current_activity_id:
            state.dirty_results.add(state.lifecycle.current_activity_id)
        state.dirty_presence = state.dirty_joins = True
        state.loaded_at = time.monotonic()


def columns(answer: Answer) -> dict:
    """A stored answer as the row dict the committer writes."""
    return {
        "participant_id": answer.participant_id, "answer_id": answer.answer_id, "activity_id": answer.activity_id,
        "value": answer.value, "ms_since_open": answer.ms_since_open,
    }
