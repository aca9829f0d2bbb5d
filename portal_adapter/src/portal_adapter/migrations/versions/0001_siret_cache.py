"""SIRET lookup cache and rate-limit slots

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "siret_cache",
        sa.Column("siret", sa.String(14), primary_key=True),
        sa.Column("found", sa.Boolean, nullable=False),
        sa.Column("record_json", sa.Text, nullable=True),
        sa.Column("fetched_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "rate_limit_slots",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("next_free_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_slots")
    op.drop_table("siret_cache")
