"""Reading a structure's linked concession accounts (the adapter's database is their truth)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.db import concession_accounts, concession_links


@dataclass(frozen=True)
class LinkedAccount:
    account_id: int
    public_id: str
    label: str
    company_name: str
    network_type: str | None
    linked_at: float
    linked_by: str


def linked_accounts(engine: sa.Engine, siret: str) -> list[LinkedAccount]:
    a, link = concession_accounts, concession_links
    query = (
        sa.select(
            a.c.id, a.c.public_id, a.c.label, a.c.company_name, a.c.network_type, link.c.linked_at, link.c.linked_by
        )
        .join(link, link.c.account_id == a.c.id)
        .where(link.c.siret == siret)
        .order_by(a.c.public_id)
    )
    with engine.connect() as connection:
        return [LinkedAccount(*row) for row in connection.execute(query)]
