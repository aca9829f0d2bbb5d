"""A join request filed through ProConnect keeps the person's ProConnect identity (``sub`` and
username, linked to the account at acceptance) and their acceptance of the CGU on that page

Revision ID: 0014_join_request_identity
Revises: 0013_account_lifecycle
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_join_request_identity"
down_revision = "0013_account_lifecycle"
branch_labels = None
depends_on = None

COLUMNS = (
    ("idp_user_id", 255),
    ("idp_username", 255),
    ("cgu_version", 32),
    ("cgu_sha256", 64),
    ("cgu_accepted_at", 32),
)


def upgrade() -> None:
    with op.batch_alter_table("join_requests") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("join_requests") as batch:
        for name, _length in reversed(COLUMNS):
            batch.drop_column(name)
