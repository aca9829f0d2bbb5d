"""Portal login sessions kept server-side, so that a back-channel logout can end them

Revision ID: 0007_login_sessions
Revises: 0006_attempt_actor
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_login_sessions"
down_revision = "0006_attempt_actor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_sessions",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("sub", sa.String(64), nullable=False, index=True),
        sa.Column("sid", sa.String(64), nullable=True, index=True),
        sa.Column("created_at", sa.Float, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("login_sessions")
