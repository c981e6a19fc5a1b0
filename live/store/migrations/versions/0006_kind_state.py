"""kind state and session settings as JSON: a new activity kind needs no migration

Each activity's kind-specific state (a word cloud's moderation, the time added to a
quiz question) moves into ``activities.state``; the session's word-filter settings
(the switch and the session's own words) join its ``settings`` JSON (0005). Later
kinds and settings add keys to these documents, not columns.

Revision ID: 0006
Revises: 0005
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _json(value):
    """A JSON column's value as read back by a plain SELECT (text on SQLite)."""
    if isinstance(value, str):
        return json.loads(value)
    return value


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(sa.Column("state", sa.JSON(), nullable=True))

    bind = op.get_bind()
    activities = sa.table(
        "activities", sa.column("id", sa.String), sa.column("type", sa.String), sa.column("moderation", sa.JSON),
        sa.column("extra_ms", sa.Integer), sa.column("state", sa.JSON),
    )
    for row in bind.execute(sa.select(activities.c.id, activities.c.type, activities.c.moderation, activities.c.extra_ms)):
        state = {}
        moderation = _json(row.moderation)
        if moderation:
            state["moderation"] = moderation
        if row.extra_ms:
            state["extra_ms"] = row.extra_ms
        bind.execute(activities.update().where(activities.c.id == row.id).values(state=state))
    sessions = sa.table(
        "sessions", sa.column("id", sa.Integer), sa.column("profanity_filter", sa.Boolean),
        sa.column("blocked_words", sa.JSON), sa.column("settings", sa.JSON),
    )
    query = sa.select(sessions.c.id, sessions.c.profanity_filter, sessions.c.blocked_words, sessions.c.settings)
    for row in bind.execute(query):
        # The join settings already there (0005) stay; the word filter joins them.
        settings = {**(_json(row.settings) or {}), "profanity_filter": bool(row.profanity_filter),
                    "blocked_words": _json(row.blocked_words) or []}
        bind.execute(sessions.update().where(sessions.c.id == row.id).values(settings=settings))

    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("moderation")
        batch_op.drop_column("extra_ms")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("profanity_filter")
        batch_op.drop_column("blocked_words")


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.add_column(sa.Column("profanity_filter", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("blocked_words", sa.JSON(), nullable=True))
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(sa.Column("moderation", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("extra_ms", sa.Integer(), nullable=False, server_default="0"))

    bind = op.get_bind()
    activities = sa.table(
        "activities", sa.column("id", sa.String), sa.column("moderation", sa.JSON), sa.column("extra_ms", sa.Integer),
        sa.column("state", sa.JSON),
    )
    for row in bind.execute(sa.select(activities.c.id, activities.c.state)):
        state = _json(row.state) or {}
        bind.execute(activities.update().where(activities.c.id == row.id).values(
            moderation=state.get("moderation"), extra_ms=int(state.get("extra_ms") or 0)))
    sessions = sa.table(
        "sessions", sa.column("id", sa.Integer), sa.column("profanity_filter", sa.Boolean),
        sa.column("blocked_words", sa.JSON), sa.column("settings", sa.JSON),
    )
    for row in bind.execute(sa.select(sessions.c.id, sessions.c.settings)):
        settings = _json(row.settings) or {}
        bind.execute(sessions.update().where(sessions.c.id == row.id).values(
            profanity_filter=bool(settings.get("profanity_filter", True)), blocked_words=settings.get("blocked_words") or []))

    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("state")
