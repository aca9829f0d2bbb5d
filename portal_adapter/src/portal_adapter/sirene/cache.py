"""Lookup answers cached in the adapter's database: found for hours, not found for minutes."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.db import siret_cache
from portal_adapter.sirene.record import StructureRecord


@dataclass(frozen=True)
class CachedAnswer:
    record: StructureRecord | None  # None: the register does not know the SIRET


class SiretCache:
    """The database is the shared cache; a small in-process layer in front of it saves the
    query and the JSON decoding on hot SIRETs (at most MEMORY_TTL old, never past the row's expiry)."""

    MEMORY_TTL = 60.0
    MEMORY_SIZE = 2048

    def __init__(
        self, engine: sa.Engine, found_ttl: float, not_found_ttl: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.found_ttl = found_ttl
        self.not_found_ttl = not_found_ttl
        self.clock = clock
        self._memory: OrderedDict[str, tuple[float, CachedAnswer]] = OrderedDict()
        self._lock = threading.Lock()

    def _remember(self, siret: str, answer: CachedAnswer, expires_at: float) -> None:
        with self._lock:
            self._memory[siret] = (min(expires_at, self.clock() + self.MEMORY_TTL), answer)
            self._memory.move_to_end(siret)
            while len(self._memory) > self.MEMORY_SIZE:
                self._memory.popitem(last=False)

    def get(self, siret: str) -> CachedAnswer | None:
        with self._lock:
            hit = self._memory.get(siret)
            if hit is not None and hit[0] > self.clock():
                return hit[1]
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(siret_cache.c.found, siret_cache.c.record_json, siret_cache.c.expires_at).where(
                    siret_cache.c.siret == siret, siret_cache.c.expires_at > self.clock()
                )
            ).first()
        if row is None:
            return None
        answer = CachedAnswer(StructureRecord.from_json(json.loads(row.record_json)) if row.found else None)
        self._remember(siret, answer, row.expires_at)
        return answer

    def put(self, siret: str, record: StructureRecord | None) -> None:
        now = self.clock()
        values = {
            "found": record is not None,
            "record_json": json.dumps(record.to_json()) if record else None,
            "fetched_at": now,
            "expires_at": now + (self.found_ttl if record else self.not_found_ttl),
        }
        self._remember(siret, CachedAnswer(record), values["expires_at"])
        with self.engine.begin() as connection:
            updated = connection.execute(sa.update(siret_cache).where(siret_cache.c.siret == siret).values(**values))
            if updated.rowcount == 0:
                try:
                    with connection.begin_nested():
                        connection.execute(sa.insert(siret_cache).values(siret=siret, **values))
                except sa.exc.IntegrityError:
                    connection.execute(sa.update(siret_cache).where(siret_cache.c.siret == siret).values(**values))
