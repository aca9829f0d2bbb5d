"""One SQLite file shared by the application's stores and by every gunicorn worker: a
connection per operation (autocommit, explicit transactions), a busy timeout, WAL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

BUSY_TIMEOUT_SECONDS = 15.0


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    # autocommit mode: every transaction is explicit
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)) as connection:
        connection.row_factory = sqlite3.Row
        yield connection


@contextmanager
def write(path: Path) -> Iterator[sqlite3.Connection]:
    """A write-locked (immediate) transaction, rolled back on any error."""
    with connect(path) as connection:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def create_schema(path: Path, schema: str) -> None:
    """Create the file and the tables when missing (every worker may call it at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(5):
        try:
            with connect(path) as connection:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(schema)
            return
        except sqlite3.OperationalError as error:  # another worker holds the lock just now
            if "locked" not in str(error) or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))
