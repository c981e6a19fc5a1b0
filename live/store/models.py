"""Typed SQLAlchemy 2.0 models: columns, not behaviour.

Timestamps are naive UTC (``live.store.db.utcnow``) so SQLite and PostgreSQL
store the same thing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Facilitator(Base):
    __tablename__ = "facilitators"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token: a stolen database gives no usable token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


class LiveSession(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitators.id", ondelete="CASCADE"), index=True)
    # Random salt of the host token (the token itself is an HMAC and is not stored).
    host_salt: Mapped[str] = mapped_column(String(64))
    phase: Mapped[str] = mapped_column(String(16))
    current_activity_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    archive_path: Mapped[str | None] = mapped_column(String(1024))
    # Indexed by `live archive import` from a folder copied from elsewhere: it has no
    # activity, participant or answer rows, only its archive folder.
    imported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What the archive list and the comparison need without opening summary.json:
    # {"n_participants": int, "types": [...], "fingerprints": [...]}.
    archive_meta: Mapped[dict | None] = mapped_column(JSON)
    # Settings of the session that need no column of their own (a new one is a new key,
    # not a migration): the word filter ("profanity_filter", "blocked_words"),
    # "share_with_participants" (live/services/settings.py), the facilitator's
    # "expected_participants", the host's "joins_locked" and "admissions"
    # (live/domain/joins.py), the "reactions" participants may send.
    settings: Mapped[dict | None] = mapped_column(JSON)


class Activity(Base):
    __tablename__ = "activities"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    spec: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The kind's own state, as JSON: a word cloud's moderation, the time added to a
    # quiz question... (``ActivityKind.default_state``); a new kind needs no migration.
    state: Mapped[dict | None] = mapped_column(JSON)


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Removed by the host: their token no longer gets them in.
    removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        # A resent answer (same client answer_id) is stored once.
        UniqueConstraint("participant_id", "answer_id", name="uq_answers_participant_answer_id"),
        Index("ix_answers_session_activity", "session_id", "activity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    answer_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[object] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    ms_since_open: Mapped[int | None] = mapped_column(Integer)


class ReactionCount(Base):
    """How many times an emoji was sent in a session, all participants together (who
    sent it is never stored). Each process adds what it counted with one atomic
    ``n = n + k`` about once a second (live/services/running/reactions.py)."""

    __tablename__ = "reaction_counts"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    emoji: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ShareLink(Base):
    """A read-only link to an archived session's summary, for the group."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token, as for API tokens: a stolen database opens no summary.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, so the facilitator can tell links apart.
    token_hint: Mapped[str] = mapped_column(String(8))
    show_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
