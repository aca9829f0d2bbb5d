"""The journal of what metropolis agents did (back-office and command line)

Revision ID: 0010_agent_actions
Revises: 0009_email_sends
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_agent_actions"
down_revision = "0009_email_sends"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False, index=True),
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("agent", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("detail", sa.String(300), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("agent_actions")
