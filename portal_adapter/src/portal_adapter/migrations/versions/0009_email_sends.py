"""The e-mails the throttle governs: audit trail and counters (docs/throttles.md)

Revision ID: 0009_email_sends
Revises: 0008_join_requests
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_email_sends"
down_revision = "0008_join_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "email_sends",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False, index=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("address", sa.String(320), nullable=False, index=True),
        sa.Column("client", sa.String(64), nullable=False, index=True),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("detail", sa.String(200), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("email_sends")
