"""The inactive-account lifecycle's steps (warned, disabled, deleted, re-enabled), one per
account, inactivity period and step

Revision ID: 0013_account_lifecycle
Revises: 0012_step_up
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_account_lifecycle"
down_revision = "0012_step_up"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_lifecycle_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("cycle", sa.String(10), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("claimed_at", sa.Float, nullable=False),
        sa.Column("done_at", sa.Float, nullable=True),
        sa.Column("detail", sa.String(200), nullable=True),
        sa.UniqueConstraint("user_id", "cycle", "step", name="uq_account_lifecycle_step"),
    )


def downgrade() -> None:
    op.drop_table("account_lifecycle_steps")
