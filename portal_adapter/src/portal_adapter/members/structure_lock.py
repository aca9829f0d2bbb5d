"""One change of a structure's members at a time, across threads, gunicorn workers and
adapter instances: a lock held in the adapter's database for the length of the change.

- PostgreSQL: a transaction-level advisory lock keyed by the structure's SIRET
  (``pg_advisory_xact_lock``), so two structures never wait for each other;
- SQLite (``make run``, tests on the embedded database): ``BEGIN IMMEDIATE``, SQLite's
  single write lock (every structure waits its turn; changes take well under a second).

The lock is released when the block ends, or when the connection dies with the process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import sqlalchemy as sa

Lock = Callable[[str], AbstractContextManager[None]]


def database_lock(engine: sa.Engine) -> Lock:
    """The structure lock of this database: ``with lock(siret): ...``."""

    @contextmanager
    def lock(siret: str) -> Iterator[None]:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.begin()
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                    {"key": f"structure-members:{siret}"},
                )
            try:
                yield
            finally:
                connection.rollback()

    return lock
