"""Lookup answers cached in the adapter's database: found for hours, not found for minutes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.db import siret_cache
from portal_adapter.structure import StructureRecord


@dataclass(frozen=True)
class CachedAnswer:
    record: StructureRecord | None  # None: the register does not know the SIRET


class SiretCache:
    def __init__(self, engine: sa.Engine, found_ttl: float, not_found_ttl: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.found_ttl = found_ttl
        self.not_found_ttl = not_found_ttl
        self.clock = clock

    def get(self, siret: str) -> CachedAnswer | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(siret_cache.c.found, siret_cache.c.record_json)
                .where(siret_cache.c.siret == siret, siret_cache.c.expires_at > self.clock())
            ).first()
        if row is None:
            return None
        return CachedAnswer(StructureRecord.from_json(json.loads(row.record_json)) if row.found else None)

    def put(self, siret: str, record: StructureRecord | None) -> None:
        now = self.clock()
        values = {
            "found": record is not None,
            "record_json": json.dumps(record.to_json()) if record else None,
            "fetched_at": now,
            "expires_at": now + (self.found_ttl if record else self.not_found_ttl),
        }
        with self.engine.begin() as connection:
            updated = connection.execute(sa.update(siret_cache).where(siret_cache.c.siret == siret).values(**values))
            if updated.rowcount == 0:
                try:
                    with connection.begin_nested():
                        connection.execute(sa.insert(siret_cache).values(siret=siret, **values))
                except sa.exc.IntegrityError:
                    connection.execute(sa.update(siret_cache).where(siret_cache.c.siret == siret).values(**values))
