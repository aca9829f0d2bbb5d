"""Concession accounts get a public identifier: the id relying apps see in the token

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from portal_adapter.concessions.legacy_rows import derived_public_id

    with op.batch_alter_table("concession_accounts") as batch:
        batch.add_column(sa.Column("public_id", sa.String(64), nullable=True))
    table = sa.table(
        "concession_accounts",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("public_id", sa.String),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(table.c.id, table.c.key)).fetchall():
        connection.execute(sa.update(table).where(table.c.id == row.id).values(public_id=derived_public_id(row.key)))
    with op.batch_alter_table("concession_accounts") as batch:
        batch.alter_column("public_id", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("uq_concession_accounts_public_id", ["public_id"])


def downgrade() -> None:
    with op.batch_alter_table("concession_accounts") as batch:
        batch.drop_constraint("uq_concession_accounts_public_id", type_="unique")
        batch.drop_column("public_id")
