"""Join requests (« Demander à rejoindre ») and their audit trail

Revision ID: 0008_join_requests
Revises: 0007_login_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_join_requests"
down_revision = "0007_login_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("siret", sa.String(14), nullable=False, index=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(255), nullable=False, index=True),
        sa.Column("job_title", sa.String(100), nullable=False),
        sa.Column("message", sa.String(1000), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False, index=True),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("token_digest", sa.String(64), nullable=True, unique=True),
        sa.Column("created_at", sa.Float, nullable=False, index=True),
        sa.Column("confirmed_at", sa.Float, nullable=True),
        sa.Column("escalated_at", sa.Float, nullable=True),
        sa.Column("decided_at", sa.Float, nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("profile", sa.String(16), nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("username", sa.String(255), nullable=True),
    )
    op.create_table(
        "join_request_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer, nullable=False, index=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(500), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("join_request_events")
    op.drop_table("join_requests")
