"""The lifecycle's memory (table ``account_lifecycle_steps``): what was done to which account, in
which inactivity period. A step is claimed before it is done and marked done after; a claim a
crash left undone is taken over once ``STALE_SECONDS`` old."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa

from portal_adapter.db import account_lifecycle_steps as steps

STALE_SECONDS = 3600.0


@dataclass(frozen=True)
class Done:
    cycle: str
    step: str
    on: date  # the day it was done (UTC)


def done(engine: sa.Engine, user_id: str) -> list[Done]:
    """The account's steps done, every period."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(steps.c.cycle, steps.c.step, steps.c.done_at).where(
                steps.c.user_id == user_id, steps.c.done_at.is_not(None)
            )
        ).all()
    return [Done(r.cycle, r.step, datetime.fromtimestamp(r.done_at, UTC).date()) for r in rows]


def claim(engine: sa.Engine, user_id: str, cycle: str, step: str, now: float) -> bool:
    """True when this run is to do the step: nobody claimed it, or its claim is stale."""
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(steps).values(user_id=user_id, cycle=cycle, step=step, claimed_at=now))
        return True
    except sa.exc.IntegrityError:
        pass
    with engine.begin() as connection:
        taken = connection.execute(
            sa.update(steps)
            .where(
                steps.c.user_id == user_id,
                steps.c.cycle == cycle,
                steps.c.step == step,
                steps.c.done_at.is_(None),
                steps.c.claimed_at < now - STALE_SECONDS,
            )
            .values(claimed_at=now)
        )
    return taken.rowcount == 1


def finish(engine: sa.Engine, user_id: str, cycle: str, step: str, now: float, detail: str = "") -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.update(steps)
            .where(steps.c.user_id == user_id, steps.c.cycle == cycle, steps.c.step == step)
            .values(done_at=now, detail=detail[:200] or None)
        )


def release(engine: sa.Engine, user_id: str, cycle: str, step: str) -> None:
    """Give a claim back (the step failed): the next run tries again."""
    with engine.begin() as connection:
        connection.execute(
            sa.delete(steps).where(
                steps.c.user_id == user_id, steps.c.cycle == cycle, steps.c.step == step, steps.c.done_at.is_(None)
            )
        )
