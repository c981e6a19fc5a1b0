"""Rows <-> domain objects. Every function takes an open SQLAlchemy session;
the caller owns the transaction."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from live.activities.base import Activity as ActivityRule
from live.activities.registry import KINDS, PlannedActivity, activity_from_document
from live.domain.session import PENDING, Lifecycle
from live.store.db import utcnow
from live.store.models import Activity, Answer, ApiToken, Facilitator, LiveSession, Participant, ReactionCount


def facilitator_by_email(db: Session, email: str) -> Facilitator | None:
    """The facilitator with ``email`` (already lower-cased), if any."""
    return db.scalar(select(Facilitator).where(Facilitator.email == email))


def count_facilitators(db: Session) -> int:
    """How many facilitator accounts exist."""
    return db.scalar(select(func.count(Facilitator.id))) or 0


def facilitator_by_token_hash(db: Session, token_hash: str) -> Facilitator | None:
    """The owner of the API token whose SHA-256 is ``token_hash``; marks the token used."""
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    if token is None:
        return None
    token.last_used_at = utcnow()
    return db.get(Facilitator, token.facilitator_id)


def session_by_code(db: Session, code: str) -> LiveSession | None:
    """The session with join code ``code``, if any."""
    return db.scalar(select(LiveSession).where(LiveSession.code == code))


def sessions_of(db: Session, facilitator_id: int) -> list[LiveSession]:
    """A facilitator's sessions, newest first."""
    query = select(LiveSession).where(LiveSession.facilitator_id == facilitator_id)
    return list(db.scalars(query.order_by(LiveSession.created_at.desc(), LiveSession.id.desc())))


def activity_rows(db: Session, session_id: int) -> list[Activity]:
    """The activities of a session in their order."""
    return list(db.scalars(select(Activity).where(Activity.session_id == session_id).order_by(Activity.position)))


def to_rule(row: Activity) -> ActivityRule:
    """The domain activity of a stored row."""
    return activity_from_document(row.id, row.position, row.spec)


def replace_activities(db: Session, session_id: int, planned: list[PlannedActivity], new_id) -> list[Activity]:
    """Replace the plan of a not-yet-started session with validated activities."""
    for row in activity_rows(db, session_id):
        db.delete(row)
    db.flush()
    rows = [
        Activity(
            id=new_id(), session_id=session_id, position=index, type=item.type, spec=item.as_dict(),
            status=PENDING, state=item.kind.default_state(),
        )
        for index, item in enumerate(planned)
    ]
    db.add_all(rows)
    db.flush()
    return rows


def insert_activity(db: Session, session_id: int, planned: PlannedActivity, activity_id: str, after_id: str) -> Activity:
    """Add an activity to a running session's plan right after ``after_id`` (the
    activities after it move one place down), not yet open."""
    after = db.get(Activity, after_id).position
    for row in activity_rows(db, session_id):
        if row.position > after:
            row.position += 1
    db.flush()
    row = Activity(
        id=activity_id, session_id=session_id, position=after + 1, type=planned.type, spec=planned.as_dict(),
        status=PENDING, state=planned.kind.default_state(),
    )
    db.add(row)
    db.flush()
    return row


def kind_state(row: Activity) -> dict:
    """The stored kind state of an activity row (an empty one for older rows)."""
    return dict(row.state or {})


def lifecycle_of(session: LiveSession, rows: list[Activity]) -> Lifecycle:
    """The domain lifecycle stored in a session row and its activity rows."""
    return Lifecycle(
        phase=session.phase,
        current_activity_id=session.current_activity_id,
        statuses={row.id: row.status for row in rows},
        beside=frozenset(row.id for row in rows if row.type in KINDS and KINDS.get(row.type).capabilities.beside),
    )


def participants_of(db: Session, session_id: int) -> list[Participant]:
    """The participants who joined a session, oldest first."""
    query = select(Participant).where(Participant.session_id == session_id)
    return list(db.scalars(query.order_by(Participant.created_at, Participant.id)))


def answers_of(db: Session, session_id: int) -> list[Answer]:
    """Every stored answer of a session, in the order they were committed."""
    return list(db.scalars(select(Answer).where(Answer.session_id == session_id).order_by(Answer.id)))


def add_reaction_counts(db: Session, counts: dict[int, dict[str, int]]) -> None:
    """Add ``{session_id: {emoji: k}}`` to the stored reaction counts: one statement,
    each row's ``n = n + k`` done by the database (an upsert), so processes adding at
    the same moment never lose each other's counts."""
    rows = [
        {"session_id": session_id, "emoji": emoji, "n": n}
        for session_id, per_emoji in counts.items() for emoji, n in per_emoji.items() if n
    ]
    if not rows:
        return
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(ReactionCount).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[ReactionCount.session_id, ReactionCount.emoji], set_={"n": ReactionCount.n + statement.excluded.n},
    )
    db.execute(statement)


def reaction_counts_of(db: Session, session_id: int) -> dict[str, int]:
    """How many times each emoji was sent in a session (stored so far)."""
    query = select(ReactionCount.emoji, ReactionCount.n).where(ReactionCount.session_id == session_id)
    return {emoji: n for emoji, n in db.execute(query.order_by(ReactionCount.emoji))}
