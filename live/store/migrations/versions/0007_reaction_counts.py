"""reaction counts: how many times each emoji was sent in a session

One row per session and emoji; each process adds what it counted with an atomic
``n = n + k`` about once a second, so a tap is never one write and no count is lost
between processes. The set of emoji itself is a session setting (``settings``
JSON), which needs no migration.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reaction_counts",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("emoji", sa.String(64), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("reaction_counts")
