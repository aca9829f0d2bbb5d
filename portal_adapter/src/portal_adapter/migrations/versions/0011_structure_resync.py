"""The SIRENE re-sync: what it last learnt of each structure, and its resumable runs

Revision ID: 0011_structure_resync
Revises: 0010_agent_actions
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_structure_resync"
down_revision = "0010_agent_actions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "structure_register_checks",
        sa.Column("siret", sa.String(14), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("closed_seen_at", sa.Float, nullable=True),
        sa.Column("closed_notified_at", sa.Float, nullable=True),
        sa.Column("successor_siret", sa.String(14), nullable=True),
        sa.Column("checked_at", sa.Float, nullable=False),
    )
    op.create_table(
        "structure_resync_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("finished_at", sa.Float, nullable=True, index=True),
        sa.Column("heartbeat_at", sa.Float, nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("cursor", sa.String(64), nullable=True),
        sa.Column("checked", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("closed", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("structure_resync_runs")
    op.drop_table("structure_register_checks")
