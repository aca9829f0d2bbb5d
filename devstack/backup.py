"""Backup and restore of the whole state: Keycloak's realm (users, credentials, structures,
groups, clients) and the adapter's database (legacy registry digests, links, audit trail,
SIRET cache). ``python -m devstack.backup export|restore`` works on ``make run``'s data
(stop it first); the tests use the same functions.

Keycloak: ``kc.sh export --realm hariane-pro --users realm_file`` while the server is stopped
(its database must not change under the export), restored by importing that file into a
fresh data folder. The export holds password hashes and client secrets: keep it like the
database itself (encrypted, access-controlled).
Adapter: SQLite's online backup API, or ``pg_dump``/``pg_restore`` for PostgreSQL URLs.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from devstack import paths
from devstack.errors import StackError
from devstack.jdk import choose_jdk
from devstack.keycloak import KeycloakServer
from devstack.stack import REALM

REALM_EXPORT = f"{REALM}-realm.json"
ADAPTER_SQLITE = "portal-adapter.db"
ADAPTER_PG_DUMP = "portal-adapter.pgdump"


def export_realm(server: KeycloakServer, target: Path, timeout: float = 600) -> Path:
    """Export the realm, users included, from a stopped server's database into ``target``."""
    if server.process is not None and server.process.poll() is None:
        raise StackError("Stop Keycloak before exporting its realm (its database must not change meanwhile).")
    target.mkdir(parents=True, exist_ok=True)
    jdk = choose_jdk()
    env = {**os.environ, **server.env, "JAVA_HOME": str(jdk.home), "PATH": f"{jdk.home / 'bin'}:{os.environ['PATH']}"}
    db_options = [a for a in server.extra_args if a.startswith("--db")]
    command = [
        str(server.home / "bin" / "kc.sh"),
        "export",
        "--dir",
        str(target),
        "--realm",
        REALM,
        "--users",
        "realm_file",
        *db_options,
    ]
    with server.log_file.open("ab") as log:
        done = subprocess.run(
            command,
            cwd=server.home,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
    exported = target / REALM_EXPORT
    if done.returncode != 0 or not exported.is_file():
        raise StackError(f"kc.sh export failed (exit {done.returncode}); log {server.log_file}:\n{server.log_tail()}")
    exported.chmod(0o600)
    return exported


def backup_database(url: str, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite:///"):
        destination = target / ADAPTER_SQLITE
        source = sqlite3.connect(url.removeprefix("sqlite:///"))
        copy = sqlite3.connect(destination)
        try:
            source.backup(copy)  # consistent even while the adapter writes
        finally:
            copy.close()
            source.close()
        return destination
    destination = target / ADAPTER_PG_DUMP
    _pg_tool("pg_dump", "--format=custom", f"--file={destination}", _libpq_url(url))
    return destination


def restore_database(source: Path, url: str) -> None:
    if url.startswith("sqlite:///"):
        destination = Path(url.removeprefix("sqlite:///"))
        for leftover in (destination, Path(f"{destination}-wal"), Path(f"{destination}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copy2(source / ADAPTER_SQLITE, destination)
        return
    _pg_tool(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        f"--dbname={_libpq_url(url)}",
        str(source / ADAPTER_PG_DUMP),
    )


def _libpq_url(url: str) -> str:
    parsed = urlparse(url)
    return parsed._replace(scheme="postgresql").geturl()


def _pg_tool(name: str, *args: str) -> None:
    candidates = [shutil.which(name), *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)]
    tool = next((c for c in candidates if c), None)
    if tool is None:
        raise StackError(f"{name} is missing: `apt-get install postgresql-client`.")
    done = subprocess.run([tool, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise StackError(f"{name} failed: {done.stderr.strip()}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("export", "restore"))
    parser.add_argument("folder", type=Path, help="where the backup is written / read")
    parser.add_argument("--run-dir", type=Path, default=paths.RUN_DIR, help="make run's data folder")
    options = parser.parse_args(argv)
    from devstack import secrets_store

    secrets = secrets_store.load_or_create(options.run_dir / "secrets.env")
    server = KeycloakServer(
        home=options.run_dir / "keycloak",
        http_port=0,
        management_port=0,
        admin_username="admin",
        admin_password=secrets["KEYCLOAK_ADMIN_PASSWORD"],
    )
    database = f"sqlite:///{options.run_dir / 'portal-adapter.db'}"
    try:
        if options.action == "export":
            export_realm(server, options.folder)
            backup_database(database, options.folder)
            shutil.copy2(options.run_dir / "secrets.env", options.folder / "secrets.env")
            print(f"Backup written to {options.folder} (realm with users, adapter database, secrets).")
        else:
            if (options.run_dir / "keycloak" / "data").exists():
                raise StackError(
                    f"{options.run_dir} already holds data: restore into a fresh folder (HARIANE_RUN_DIR)."
                )
            options.run_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(options.folder / "secrets.env", options.run_dir / "secrets.env")
            restore_database(options.folder, database)
            imports = options.run_dir / "restore-import"
            imports.mkdir(exist_ok=True)
            shutil.copy2(options.folder / REALM_EXPORT, imports / REALM_EXPORT)
            print(
                f"Restored into {options.run_dir}: start it with HARIANE_RUN_DIR={options.run_dir} "
                f"HARIANE_REALM_FILE={imports / REALM_EXPORT} make run"
            )
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
