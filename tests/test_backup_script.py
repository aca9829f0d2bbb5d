"""deploy/backup/backup.sh, the production backup service's job, run here against a real
PostgreSQL (devstack/postgres.py) with Debian's pg_dump: both databases dumped by their owner
roles, restorable, the dump folder private."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack import paths
from devstack.ports import free_port
from devstack.postgres import PostgresServer, bin_dir

pytestmark = pytest.mark.skipif(bin_dir() is None, reason="Debian's PostgreSQL server is not installed")
SCRIPT = paths.ROOT / "deploy" / "backup" / "backup.sh"
PASSWORDS = {"keycloak": "kc-backup-test-pass", "portal": "portal-backup-test-pass"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PostgresServer]:
    postgres = PostgresServer(tmp_path / "pg", free_port(), dict(PASSWORDS), throwaway=True)
    postgres.start()
    yield postgres
    postgres.stop()


def test_the_backup_job_dumps_both_databases_as_their_owners(server, tmp_path):
    for database, table in (("keycloak", "realm"), ("portal", "links")):
        server.psql(
            f"CREATE TABLE {table} (name text); INSERT INTO {table} VALUES ('x');"
            f"ALTER TABLE {table} OWNER TO {database};",
            database=database,
        )
    backups = tmp_path / "backups"
    backups.mkdir()
    env = {
        "PATH": f"{bin_dir()}:{os.environ['PATH']}",
        "PGHOST": "127.0.0.1",
        "PGPORT": str(server.port),
        "BACKUP_ROOT": str(backups),
        "KEYCLOAK_DB_PASSWORD": PASSWORDS["keycloak"],
        "PORTAL_DB_PASSWORD": PASSWORDS["portal"],
    }
    done = subprocess.run(["bash", str(SCRIPT), "--once"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    [folder] = list(backups.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for database, table in (("keycloak", "realm"), ("portal", "links")):
        dump = folder / f"{database}.pgdump"
        listing = subprocess.run([str(bin_dir() / "pg_restore"), "--list", str(dump)], capture_output=True, text=True)
        assert listing.returncode == 0 and f"TABLE public {table} {database}" in listing.stdout

    env["PORTAL_DB_PASSWORD"] = "wrong-password-for-portal"  # a failed dump is not a backup
    failed = subprocess.run(["bash", str(SCRIPT), "--once"], env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode != 0
    assert [p for p in backups.iterdir() if not p.name.endswith(".partial")] == [folder]
