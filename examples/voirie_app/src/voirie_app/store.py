"""The application's own store of road-opening authorisation requests: one SQLite file (stdlib
``sqlite3``, WAL, see ``sqlite_file``), safe for several gunicorn workers; references are
numbered inside an immediate (write-locked) transaction.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path

from voirie_app import sqlite_file

log = logging.getLogger(__name__)

STATUSES = ("Déposée", "En instruction", "Accordée", "Refusée")
FILED = STATUSES[0]
REFERENCE_PREFIX = "AOV"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS road_opening_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    concession_id TEXT NOT NULL,
    concession_label TEXT NOT NULL,
    address TEXT NOT NULL,
    commune TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    nature TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '{FILED}' CHECK (status IN ({", ".join(f"'{s}'" for s in STATUSES)})),
    filed_by TEXT NOT NULL,
    filed_by_name TEXT NOT NULL,
    filed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_road_opening_requests_concession
    ON road_opening_requests (concession_id, filed_at);
"""


class SeedError(ValueError):
    pass


@dataclass(frozen=True)
class RoadOpeningRequest:
    reference: str
    concession_id: str
    concession_label: str
    address: str
    commune: str
    start_date: str  # YYYY-MM-DD
    end_date: str  # YYYY-MM-DD
    nature: str
    description: str
    status: str
    filed_by: str  # the filer's sub
    filed_by_name: str
    filed_at: str  # UTC, YYYY-MM-DDTHH:MM:SSZ


COLUMNS = tuple(f.name for f in fields(RoadOpeningRequest))


def utc_timestamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RequestStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def initialize(self) -> None:
        """Create the file and the table when missing (every worker may call it at once)."""
        sqlite_file.create_schema(self.path, SCHEMA)

    def file(
        self,
        *,
        concession_id: str,
        concession_label: str,
        address: str,
        commune: str,
        start_date: date,
        end_date: date,
        nature: str,
        description: str,
        filed_by: str,
        filed_by_name: str,
        filed_at: datetime | None = None,
    ) -> RoadOpeningRequest:
        """Record a new request with the status « Déposée » and the next reference of the year."""
        stamp = utc_timestamp(filed_at)
        with sqlite_file.write(self.path) as connection:
            reference = self._next_reference(connection, int(stamp[:4]))
            request = RoadOpeningRequest(
                reference=reference,
                concession_id=concession_id,
                concession_label=concession_label,
                address=address,
                commune=commune,
                start_date=start_date.isoformat(),
                end_date=end_date.isoformat(),
                nature=nature,
                description=description,
                status=FILED,
                filed_by=filed_by,
                filed_by_name=filed_by_name,
                filed_at=stamp,
            )
            self._insert(connection, request)
        return request

    @staticmethod
    def _next_reference(connection: sqlite3.Connection, year: int) -> str:
        prefix = f"{REFERENCE_PREFIX}-{year}-"
        row = connection.execute(
            "SELECT MAX(CAST(substr(reference, ?) AS INTEGER)) FROM road_opening_requests WHERE reference LIKE ?",
            (len(prefix) + 1, prefix + "%"),
        ).fetchone()
        return f"{prefix}{(row[0] or 0) + 1:06d}"

    @staticmethod
    def _insert(connection: sqlite3.Connection, request: RoadOpeningRequest, ignore_existing: bool = False) -> bool:
        verb = "INSERT OR IGNORE" if ignore_existing else "INSERT"
        cursor = connection.execute(
            f"{verb} INTO road_opening_requests ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            tuple(getattr(request, column) for column in COLUMNS),
        )
        return cursor.rowcount == 1

    def for_concessions(self, concession_ids: Collection[str]) -> list[RoadOpeningRequest]:
        """The requests of these concession accounts only, newest first."""
        ids = sorted(set(concession_ids))
        if not ids:
            return []
        with sqlite_file.connect(self.path) as connection:
            rows = connection.execute(
                f"SELECT {', '.join(COLUMNS)} FROM road_opening_requests WHERE concession_id IN "
                f"({', '.join('?' * len(ids))}) ORDER BY filed_at DESC, id DESC",
                ids,
            ).fetchall()
        return [RoadOpeningRequest(**dict(row)) for row in rows]

    def seed(self, path: Path) -> int:
        """Add the requests of a JSON seed file (a list of objects with every column) whose
        reference is not stored yet; returns how many were added. Idempotent."""
        requests = seed_requests(path)
        with sqlite_file.write(self.path) as connection:
            added = sum(self._insert(connection, request, ignore_existing=True) for request in requests)
        if added:
            log.info("%d demo requests added from %s", added, path)
        return added


def seed_requests(path: Path) -> list[RoadOpeningRequest]:
    """The requests of a seed file, every one checked; SeedError says which is wrong."""
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SeedError(f"{path}: unreadable seed file: {error}") from error
    if not isinstance(entries, list):
        raise SeedError(f"{path}: a JSON list of requests is expected")
    requests = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) != set(COLUMNS):
            raise SeedError(f"{path}: request {number} must have exactly the keys {', '.join(COLUMNS)}")
        if not all(isinstance(entry[column], str) for column in COLUMNS):
            raise SeedError(f"{path}: request {number}: every value must be a string")
        if entry["status"] not in STATUSES:
            raise SeedError(f"{path}: request {number}: unknown status {entry['status']!r}")
        try:
            date.fromisoformat(entry["start_date"]), date.fromisoformat(entry["end_date"])
            datetime.strptime(entry["filed_at"], "%Y-%m-%dT%H:%M:%SZ")
        except ValueError as error:
            raise SeedError(f"{path}: request {number}: {error}") from error
        requests.append(RoadOpeningRequest(**entry))
    return requests
