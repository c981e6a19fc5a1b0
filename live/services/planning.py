"""Sessions before they start: create, edit, list, look up."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from live.activities import registry
from live.domain.codes import new_join_code
from live.domain.errors import Checks, DomainError
from live.domain.session import LOBBY
from live.domain.text import required_text
from live.services import settings as session_settings
from live.services import tokens
from live.store import repository
from live.store.db import utcnow
from live.store.models import LiveSession

MAX_TITLE = 200


@dataclass(frozen=True)
class CreatedSession:
    """What the creator of a session needs: its code, host token and activity ids."""

    code: str
    host_token: str
    activities: list[dict]


def new_activity_id() -> str:
    """Activity ids are random, so they reveal nothing and never collide across sessions."""
    return uuid.uuid4().hex


def parse_plan(title: object, raw_activities: object) -> tuple[str, list]:
    """Validate a session title and its list of activity specs (every refusal at once)."""
    checks = Checks()
    clean_title = checks.run(lambda: required_text(title, "title", MAX_TITLE))
    specs = checks.run(lambda: registry.parse_specs(raw_activities))
    checks.done()
    return clean_title, specs


def parse_session(title: object, raw_activities: object, *settings: object, **named: object) -> tuple[str, list, dict]:
    """The title, activities and settings of a session, validated together: one
    DomainError carries every refusal of all three (``problems``), so an editor or an
    API client fixes them in one go."""
    checks = Checks()
    plan = checks.run(lambda: parse_plan(title, raw_activities))
    parsed = checks.run(lambda: session_settings.parse_settings(*settings, **named))
    checks.done()
    return plan[0], plan[1], parsed


def check_session(title: object, raw_activities: object, *settings: object, **named: object) -> None:
    """Raise the DomainError ``parse_session`` would (nothing is stored)."""
    parse_session(title, raw_activities, *settings, **named)


def create_session(
    sessions: sessionmaker, secret_key: str, facilitator_id: int, title, raw_activities,
    profanity_filter: object = True, blocked_words: object = None, expected_participants: object = None,
    share_with_participants: object = False, reactions: object = session_settings.UNSET,
) -> CreatedSession:
    """Create a session in the lobby with a fresh join code; returns its code and host token.
    ``expected_participants``: how many the facilitator expects (None: no size);
    phones beyond it wait for the host (live/domain/joins.py). ``reactions``: the
    emoji participants may send (``[]``: none; left out: the default set)."""
    clean_title, specs, settings = parse_session(
        title, raw_activities, profanity_filter, blocked_words, expected_participants, share_with_participants, reactions,
    )
    for _attempt in range(10):
        code = new_join_code()
        salt = tokens.new_salt()
        try:
            with sessions.begin() as db:
                row = LiveSession(
                    code=code, title=clean_title, facilitator_id=facilitator_id, host_salt=salt,
                    phase=LOBBY, created_at=utcnow(), settings=settings,
                )
                db.add(row)
                db.flush()
                activity_rows = repository.replace_activities(db, row.id, specs, new_activity_id)
                listed = [{"id": a.id, "type": a.type} for a in activity_rows]
            return CreatedSession(code=code, host_token=tokens.host_token(secret_key, code, salt), activities=listed)
        except IntegrityError:
            continue  # join code taken: draw another
    raise DomainError("unavailable", "Could not allocate a join code; try again.")


def owned_session(sessions: sessionmaker, facilitator_id: int, code: str) -> LiveSession:
    """The session ``code`` if it belongs to ``facilitator_id``; another's is 'not found', not 'forbidden'."""
    with sessions() as db:
        row = repository.session_by_code(db, code)
    if row is None or row.facilitator_id != facilitator_id:
        raise DomainError("not_found", "There is no such session.")
    return row


def plan_of(sessions: sessionmaker, session_id: int) -> list[dict]:
    """The activities of a session as stored specs with id and status."""
    with sessions() as db:
        rows = repository.activity_rows(db, session_id)
    return [dict(row.spec, id=row.id, position=row.position, status=row.status) for row in rows]


def public_plan(sessions: sessionmaker, session_id: int) -> list[dict]:
    """The activities of a session as participants may see them (public views with
    id, place and status): what the projector page is given."""
    with sessions() as db:
        rows = repository.activity_rows(db, session_id)
    return [registry.public_view(repository.to_rule(row), row.status) for row in rows]


def has_started(sessions: sessionmaker, session: LiveSession) -> bool:
    """Whether ``session`` has started (an activity was opened) or ended: from then on
    its plan can no longer be edited (answers are tied to its activities)."""
    with sessions() as db:
        return repository.lifecycle_of(session, repository.activity_rows(db, session.id)).has_started


def update_plan(
    sessions: sessionmaker, facilitator_id: int, code: str, title, raw_activities,
    profanity_filter: object = True, blocked_words: object = None, expected_participants: object = None,
    share_with_participants: object = False, reactions: object = session_settings.UNSET,
) -> None:
    """Replace the title, activities, filter settings, expected size and reactions of a
    session that has not started yet (the host's lock and admissions stay as they are).
    A session that has started (an activity was opened) or ended is refused with
    ``already_started`` before anything else is looked at, and nothing stored changes:
    its answers are tied to its activities as they were asked."""
    with sessions.begin() as db:
        # Locked (PostgreSQL) so that an activity opened meanwhile is seen: opening
        # one writes this row too.
        row = db.scalar(select(LiveSession).where(LiveSession.code == code).with_for_update())
        if row is None or row.facilitator_id != facilitator_id:
            raise DomainError("not_found", "There is no such session.")
        lifecycle = repository.lifecycle_of(row, repository.activity_rows(db, row.id))
        if lifecycle.has_started:
            raise DomainError(
                "already_started",
                "This session has started: its activities can no longer be changed (answers are tied to them). "
                "Nothing was changed.",
            )
        clean_title, specs, settings = parse_session(
            title, raw_activities, profanity_filter, blocked_words, expected_participants, share_with_participants,
            reactions,
        )
        row.title, row.settings = clean_title, {**session_settings.settings_of(row.settings), **settings}
        repository.replace_activities(db, row.id, specs, new_activity_id)


def sessions_of(sessions: sessionmaker, facilitator_id: int) -> list[LiveSession]:
    """A facilitator's sessions, newest first."""
    with sessions() as db:
        return repository.sessions_of(db, facilitator_id)


def host_token_of(secret_key: str, session: LiveSession) -> str:
    """The host token of a session, for its owner's host screen."""
    return tokens.host_token(secret_key, session.code, session.host_salt)
