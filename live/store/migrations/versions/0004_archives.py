"""archives: imported sessions, archive metadata, share links

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.add_column(sa.Column("imported", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("archive_meta", sa.JSON(), nullable=True))
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("token_hint", sa.String(8), nullable=False),
        sa.Column("show_names", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_share_links_session_id", "share_links", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_share_links_session_id", table_name="share_links")
    op.drop_table("share_links")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("archive_meta")
        batch_op.drop_column("imported")
