"""Concession link attempts (audit trail and lockout counters) and links

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("account_id", sa.Integer, nullable=True),
        sa.Column("result", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(200), nullable=True),
    )
    op.create_table(
        "concession_links",
        sa.Column("account_id", sa.Integer, primary_key=True),
        sa.Column("siret", sa.String(14), nullable=False, index=True),
        sa.Column("linked_at", sa.Float, nullable=False),
        sa.Column("linked_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("concession_links")
    op.drop_table("link_attempts")
