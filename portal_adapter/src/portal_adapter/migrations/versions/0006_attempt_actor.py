"""Link attempts say who tried as people read it (identifier and name), besides the user id

Revision ID: 0006_attempt_actor
Revises: 0005_label_folding
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_attempt_actor"
down_revision = "0005_label_folding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_attempts") as batch:
        batch.add_column(sa.Column("actor", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_attempts") as batch:
        batch.drop_column("actor")
