"""quizzes: time added by the host per question, removed participants

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(sa.Column("extra_ms", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("participants") as batch_op:
        batch_op.add_column(sa.Column("removed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch_op:
        batch_op.drop_column("removed")
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("extra_ms")
