"""Concession labels folded with typographic apostrophes, dashes and ligatures:
the stored keys are re-computed; each code digest keeps the key it was bound to

Revision ID: 0005_label_folding
Revises: 0004
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0005_label_folding"
down_revision = "0004"
branch_labels = None
depends_on = None
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    from portal_adapter.concessions.label_folding import fold

    with op.batch_alter_table("concession_accounts") as batch:
        batch.add_column(sa.Column("code_binding", sa.String(200), nullable=True))
    table = sa.table(
        "concession_accounts",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("label", sa.String),
        sa.column("code_binding", sa.String),
    )
    connection = op.get_bind()
    connection.execute(sa.update(table).values(code_binding=table.c.key))
    rows = connection.execute(sa.select(table.c.id, table.c.key, table.c.label).order_by(table.c.id)).fetchall()
    taken = {row.key for row in rows}
    for row in rows:
        key = fold(row.label)[:200]
        if key == row.key:
            continue
        if key in taken:  # two registry labels now fold alike: the later keeps its old key
            log.warning("concession account %s: folded key %r already taken; key %r kept", row.id, key, row.key)
            continue
        taken.discard(row.key)
        taken.add(key)
        connection.execute(sa.update(table).where(table.c.id == row.id).values(key=key))


def downgrade() -> None:
    table = sa.table("concession_accounts", sa.column("key", sa.String), sa.column("code_binding", sa.String))
    op.get_bind().execute(sa.update(table).values(key=table.c.code_binding))
    with op.batch_alter_table("concession_accounts") as batch:
        batch.drop_column("code_binding")
