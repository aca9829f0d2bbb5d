"""Import of the legacy registry into the adapter's database: idempotent (an account is
found again by its normalised label: updated when it changed, never duplicated), codes
stored only as HMAC digests, every rejected row reported with its reason, every optional
value left out reported as a remark.

The digest is bound to ``code_binding``: the account's key when it was computed. An account
whose key was re-folded by a migration keeps its binding, so its code still matches; a
re-import with the same code leaves it unchanged."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from portal_adapter.concessions.access_codes import digest
from portal_adapter.concessions.legacy_rows import LegacyAccount, Rejected
from portal_adapter.db import concession_accounts

BATCH = 1000
FIELDS = ("public_id", "label", "code_digest", "code_binding", "company_name", "siret", "network_type", "contact")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    remarks: list[Rejected] = field(default_factory=list)  # imported, an optional value left out


def import_rows(
    engine: sa.Engine,
    pepper: bytes,
    rows: Iterable[LegacyAccount | Rejected],
    progress: Callable[[int], None] = lambda n: None,
) -> ImportReport:
    report = ImportReport()
    batch: list[LegacyAccount] = []
    for row in rows:
        if isinstance(row, Rejected):
            report.rejected.append(row)
            progress(1)
            continue
        report.remarks.extend(Rejected(row.line, remark) for remark in row.remarks)
        batch.append(row)
        if len(batch) >= BATCH:
            _write(engine, pepper, batch, report)
            progress(len(batch))
            batch = []
    if batch:
        _write(engine, pepper, batch, report)
        progress(len(batch))
    return report


def _write(engine: sa.Engine, pepper: bytes, batch: list[LegacyAccount], report: ImportReport) -> None:
    now = time.time()
    table = concession_accounts
    lines = {account.key: account.line for account in batch}
    with engine.begin() as connection:
        existing = {
            row.key: row
            for row in connection.execute(
                sa.select(table.c.key, *(table.c[f] for f in FIELDS)).where(table.c.key.in_([a.key for a in batch]))
            )
        }
        bindings = {a.key: (existing[a.key].code_binding if a.key in existing else None) or a.key for a in batch}
        values = {
            account.key: {
                "public_id": account.public_id,
                "label": account.label,
                "code_digest": digest(pepper, bindings[account.key], account.code),
                "code_binding": bindings[account.key],
                "company_name": account.company_name,
                "siret": account.siret,
                "network_type": account.network_type,
                "contact": account.contact,
            }
            for account in batch
        }
        # an identifier already held by another account: that row is rejected, the rest goes on
        ids = {row["public_id"]: key for key, row in values.items()}
        for held_by, public_id in connection.execute(
            sa.select(table.c.key, table.c.public_id).where(table.c.public_id.in_(list(ids)))
        ):
            if held_by != ids[public_id]:
                rejected_key = ids[public_id]
                report.rejected.append(
                    Rejected(lines[rejected_key], "identifiant du compte déjà attribué à un autre intitulé")
                )
                del values[rejected_key]
        inserts, updates = [], []
        for key, row in values.items():
            current = existing.get(key)
            if current is None:
                inserts.append({"key": key, **row, "imported_at": now, "updated_at": now})
            elif any(getattr(current, f) != row[f] for f in FIELDS):
                updates.append({"k": key, **row, "updated_at": now})
            else:
                report.unchanged += 1
        if inserts:
            connection.execute(sa.insert(table), inserts)
        if updates:
            connection.execute(
                sa.update(table)
                .where(table.c.key == sa.bindparam("k"))
                .values(**{f: sa.bindparam(f) for f in FIELDS}, updated_at=sa.bindparam("updated_at")),
                updates,
            )
        report.created += len(inserts)
        report.updated += len(updates)
