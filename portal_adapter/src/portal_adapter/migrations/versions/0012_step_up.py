"""Step-up: the login sessions remember the level (acr) and time (auth_time) of their last
authentication; forms waiting for a second-factor check are kept server-side; resets of a
member's second factor are audited

Revision ID: 0012_step_up
Revises: 0011_structure_resync
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_step_up"
down_revision = "0011_structure_resync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_sessions") as batch:
        batch.add_column(sa.Column("acr", sa.String(32), nullable=True))
        batch.add_column(sa.Column("auth_time", sa.Float, nullable=True))
    op.create_table(
        "step_up_pending",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("session_key", sa.String(64), nullable=False, index=True),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("sealed_payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False, index=True),
    )
    op.create_table(
        "second_factor_resets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False, index=True),
        sa.Column("siret", sa.String(14), nullable=False, index=True),
        sa.Column("member_id", sa.String(64), nullable=False),
        sa.Column("member", sa.String(200), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("removed", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("second_factor_resets")
    op.drop_table("step_up_pending")
    with op.batch_alter_table("login_sessions") as batch:
        batch.drop_column("auth_time")
        batch.drop_column("acr")
