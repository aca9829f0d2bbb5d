"""A rate limiter shared by every process using the same database.

Each call reserves the next free *slot*: ``slot = max(now, next_free)``, then
``next_free = slot + 1/rate``, in ONE atomic SQL statement, and waits until its slot. So
however many workers or threads call at once, the upstream never sees two calls closer
than ``1/rate`` (no burst). The spacing carries a margin, 5 % plus 40 ms, so that the
scheduling jitter of a loaded machine (measured up to ~70 ms on 2 cores) never packs one
call too many into a one-second window at the upstream. A caller whose slot would be further
than ``max_wait`` away takes none (checked in the same statement, so refusals never leave
holes) and is told to retry later instead of queueing forever.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from portal_adapter.db import rate_limit_slots
from portal_adapter.sirene.errors import RegisterRateLimited

JITTER_MARGIN = 1.05
JITTER_SECONDS = 0.04


def reserve(next_free: float, now: float, interval: float) -> tuple[float, float]:
    """Pure slot arithmetic: (the slot granted, the new next-free time)."""
    slot = max(now, next_free)
    return slot, slot + interval


class SlotRefused(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(wait)
        self.wait = wait


class MemorySlots:
    """Slots in this process only (tests, single-process use)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def take(self, name: str, now: float, interval: float, max_wait: float) -> float:
        with self._lock:
            slot, new_next = reserve(self._next.get(name, 0.0), now, interval)
            if slot - now > max_wait:
                raise SlotRefused(slot - now)
            self._next[name] = new_next
            return slot


class DatabaseSlots:
    """Slots in the adapter's database: shared by gunicorn workers and hosts."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        greatest = sa.func.max if engine.dialect.name == "sqlite" else sa.func.greatest
        table = rate_limit_slots
        slot = greatest(table.c.next_free_at, sa.bindparam("now"))
        self._take = (
            sa.update(table)
            .where(table.c.name == sa.bindparam("limiter"), slot - sa.bindparam("now") <= sa.bindparam("max_wait"))
            .values(next_free_at=slot + sa.bindparam("interval"))
            .returning(table.c.next_free_at)
        )

    def _ensure_row(self, connection: sa.Connection, name: str) -> None:
        exists = connection.execute(sa.select(rate_limit_slots.c.name).where(rate_limit_slots.c.name == name)).first()
        if exists is None:
            try:
                with connection.begin_nested():
                    connection.execute(sa.insert(rate_limit_slots).values(name=name, next_free_at=0.0))
            except sa.exc.IntegrityError:
                pass  # another process created it first

    def take(self, name: str, now: float, interval: float, max_wait: float) -> float:
        with self.engine.begin() as connection:
            self._ensure_row(connection, name)
            params = {"limiter": name, "now": now, "interval": interval, "max_wait": max_wait}
            next_free = connection.execute(self._take, params).scalar_one_or_none()
            if next_free is None:
                current = connection.execute(
                    sa.select(rate_limit_slots.c.next_free_at).where(rate_limit_slots.c.name == name)
                ).scalar_one()
                raise SlotRefused(current - now)
        return next_free - interval


@dataclass
class RateLimiter:
    name: str
    per_second: float
    slots: MemorySlots | DatabaseSlots
    max_wait: float = 3.0
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    _interval: float = field(init=False)

    def __post_init__(self) -> None:
        if self.per_second <= 0:
            raise ValueError("rate must be positive")
        self._interval = JITTER_MARGIN / self.per_second + JITTER_SECONDS

    def acquire(self) -> None:
        """Wait for this call's slot, or raise RegisterRateLimited when it is too far."""
        now = self.clock()
        try:
            slot = self.slots.take(self.name, now, self._interval, self.max_wait)
        except SlotRefused as refused:
            raise RegisterRateLimited(retry_after=refused.wait) from None
        wait = slot - now
        if wait > 0:
            self.sleep(wait)
