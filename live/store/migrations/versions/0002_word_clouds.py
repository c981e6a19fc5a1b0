"""word clouds: profanity settings per session, moderation per activity

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.add_column(sa.Column("profanity_filter", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("blocked_words", sa.JSON(), nullable=True))
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(sa.Column("moderation", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("moderation")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("blocked_words")
        batch_op.drop_column("profanity_filter")
