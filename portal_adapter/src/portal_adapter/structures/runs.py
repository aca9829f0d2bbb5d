"""The re-sync's memory in the adapter's database: its runs (resumable) and what each
structure was last found.

A run goes through the structures in SIRET order; after each one, in ONE transaction, the
structure's row and the run's cursor and counters move together. A run killed half-way stays
unfinished (``finished_at`` NULL): the next start resumes it after its cursor, with its counters.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.db import structure_register_checks as checks
from portal_adapter.db import structure_resync_runs as runs

# A run whose process is on another host is taken for alive while it beats within this delay.
HEARTBEAT_SECONDS = 600.0


@dataclass(frozen=True)
class Run:
    id: int
    started_at: float
    cursor: str | None
    checked: int
    changed: int
    closed: int
    errors: int
    resumed: bool = False
    finished_at: float | None = None


@dataclass(frozen=True)
class Check:
    siret: str
    state: str
    closed_seen_at: float | None
    closed_notified_at: float | None
    successor_siret: str | None
    checked_at: float


class RunInProgress(Exception):
    """Another re-sync is running (a French sentence)."""


def _alive(host: str, pid: int, heartbeat_at: float, now: float) -> bool:
    if host != socket.gethostname():
        return now - heartbeat_at < HEARTBEAT_SECONDS
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run(row) -> Run:
    return Run(row.id, row.started_at, row.cursor, row.checked, row.changed, row.closed, row.errors)


def start_or_resume(engine: sa.Engine, now: float | None = None) -> Run:
    """The unfinished run, taken over (``resumed``), or a new one. RunInProgress when the
    unfinished run's process still lives."""
    now = time.time() if now is None else now
    me = {"host": socket.gethostname(), "pid": os.getpid(), "heartbeat_at": now}
    with engine.begin() as connection:
        row = connection.execute(
            sa.select(runs).where(runs.c.finished_at.is_(None)).order_by(runs.c.id.desc()).limit(1)
        ).first()
        if row is not None:
            if _alive(row.host, row.pid, row.heartbeat_at, now):
                raise RunInProgress(
                    f"Une synchronisation est déjà en cours (processus {row.pid} sur {row.host}, "
                    f"commencée le {time.strftime('%d/%m/%Y à %H:%M UTC', time.gmtime(row.started_at))})."
                )
            taken = connection.execute(
                sa.update(runs).where(runs.c.id == row.id, runs.c.pid == row.pid, runs.c.host == row.host).values(**me)
            )
            if taken.rowcount != 1:
                raise RunInProgress("Une autre synchronisation vient de reprendre la synchronisation interrompue.")
            return Run(**{**_run(row).__dict__, "resumed": True})
        new_id = connection.execute(
            sa.insert(runs).values(started_at=now, cursor=None, checked=0, changed=0, closed=0, errors=0, **me)
        ).inserted_primary_key[0]
    with engine.begin() as connection:  # two starts at the same moment: the first one goes on
        earlier = connection.execute(
            sa.select(runs.c.id).where(runs.c.finished_at.is_(None), runs.c.id < new_id).limit(1)
        ).first()
        if earlier is not None:
            connection.execute(sa.delete(runs).where(runs.c.id == new_id))
            raise RunInProgress("Une autre synchronisation vient de commencer.")
    return Run(new_id, now, None, 0, 0, 0, 0)


def last_check(engine: sa.Engine, siret: str) -> Check | None:
    with engine.connect() as connection:
        row = connection.execute(sa.select(checks).where(checks.c.siret == siret)).first()
    return None if row is None else Check(**row._mapping)


def record(
    engine: sa.Engine, run: Run | None, siret: str, outcome: dict | None, counts: dict[str, int], now: float
) -> Run | None:
    """Save one structure's check (``outcome``: the checks row's values; None after an error)
    and move the run (if any) past it, in one transaction."""
    with engine.begin() as connection:
        if outcome is not None:
            values = {**outcome, "checked_at": now}
            updated = connection.execute(sa.update(checks).where(checks.c.siret == siret).values(**values))
            if updated.rowcount == 0:
                connection.execute(sa.insert(checks).values(siret=siret, **values))
        if run is None:
            return None
        moved = {
            name: getattr(runs.c, name) + counts.get(name, 0) for name in ("checked", "changed", "closed", "errors")
        }
        connection.execute(sa.update(runs).where(runs.c.id == run.id).values(cursor=siret, heartbeat_at=now, **moved))
        row = connection.execute(sa.select(runs).where(runs.c.id == run.id)).one()
    return Run(**{**_run(row).__dict__, "resumed": run.resumed})


def finish(engine: sa.Engine, run: Run, now: float | None = None) -> Run:
    now = time.time() if now is None else now
    with engine.begin() as connection:
        connection.execute(sa.update(runs).where(runs.c.id == run.id).values(finished_at=now, heartbeat_at=now))
    return Run(**{**run.__dict__, "finished_at": now})


def closed_check(engine: sa.Engine, siret: str) -> Check | None:
    """The structure's last check when it found the establishment closed."""
    found = last_check(engine, siret)
    return found if found is not None and found.state == "closed" else None
