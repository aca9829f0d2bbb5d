"""PostgreSQL mode: Debian's PostgreSQL server, started by the stack itself, and THE switch.

The switch is the environment variable ``HARIANE_DATABASE``, read here only
(:func:`database_mode`): ``embedded`` (the default: Keycloak's dev-file database and the
adapter's SQLite file) or ``postgres`` (one PostgreSQL cluster for both). ``make prepare``,
``make run`` (devstack/run.py) and the test session (tests/conftest.py) all ask this module.

A cluster lives in one folder: ``<folder>/data`` (PGDATA) and ``<folder>/postgres.log``;
``make run`` keeps it in ``.local/run/postgres``, a test session in its run folder
(throwaway: no fsync). The server:

- is Debian's (apt package ``postgresql``, binaries under ``/usr/lib/postgresql/<ver>/bin``,
  the newest version found); ``make prepare`` installs it when the switch asks for it;
- listens on ``127.0.0.1:<port>`` only, password (scram-sha-256) logins only, and only
  ``keycloak`` to the database ``keycloak`` and ``portal`` to ``portal``: each role owns its
  database and nothing else (no superuser, no CREATEDB, CONNECT revoked from PUBLIC);
- is administered by its own OS user alone, through a Unix socket in a private ``/tmp``
  folder (peer authentication): there is no superuser password anywhere.

PostgreSQL refuses to run as root. When the stack runs as root (a container, CI), the
cluster belongs to Debian's ``postgres`` system user (created by the ``postgresql``
package): its data folder is chowned to it and ``initdb``, ``postgres`` and ``psql`` are
started with ``subprocess.Popen(user=..., group=...)``, i.e. setuid/setgid in the child
(what ``runuser -u postgres`` does, without a ``runuser`` process in between, so stop
signals reach the postmaster itself). As any other user, the cluster is the current user's.

That user must be able to enter the data folder. When the clone lives in a private folder
(root's home is ``drwx------``), it cannot: the data then goes to a folder made for the
purpose outside the clone, ``hariane-pg-*`` under the system's temporary
directory for a test session (removed when its server stops) or under ``/var/tmp`` for
``make run`` (kept across runs and reboots), owned by the server's user, mode 0700. Its
path is recorded in ``<folder>/external-data`` (:data:`EXTERNAL_MARKER`): the next start
reuses it, ``make reset`` (:func:`remove`) removes it with the folder, and the ready table
shows it (:meth:`StackDatabase.describe`).

Stdlib only: ``devstack.prepare`` reads the switch before the virtualenv exists.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from devstack.errors import StackError
from devstack.ports import ensure_port_free
from devstack.process import kill_group, spawn, tail, wait_ready

SWITCH = "HARIANE_DATABASE"
EMBEDDED, POSTGRES = "embedded", "postgres"
MODES = (EMBEDDED, POSTGRES)
ROLES = ("keycloak", "portal")  # each role owns the database of the same name
DEBIAN_ROOT = Path("/usr/lib/postgresql")
SERVER_USER_WHEN_ROOT = "postgres"  # Debian's system user for PostgreSQL
EXTERNAL_MARKER = "external-data"  # in a stack's folder: where its data went (private clone)
PERSISTENT_PARENT = Path("/var/tmp")  # kept across reboots (FHS), unlike /tmp
INSTALL_HINT = "Install Debian's PostgreSQL server: `apt-get install postgresql` (`make prepare` does it as root)."


def database_mode(environ: os._Environ | dict[str, str] | None = None) -> str:
    """``embedded`` or ``postgres``, from HARIANE_DATABASE (the one place it is read)."""
    environ = os.environ if environ is None else environ
    value = environ.get(SWITCH, "").strip().lower() or EMBEDDED
    if value not in MODES:
        raise StackError(
            f"{SWITCH}={value!r} is not a database mode: use {' or '.join(MODES)} "
            f"(default {EMBEDDED}; see the README, « PostgreSQL mode and cluster »)."
        )
    return value


def bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding a server, or None."""
    found = []
    for server in DEBIAN_ROOT.glob("*/bin/postgres"):
        version = server.parent.parent.name
        if re.fullmatch(r"\d+", version):
            found.append((int(version), server.parent))
    return max(found)[1] if found else None


def require_bin_dir() -> Path:
    found = bin_dir()
    if found is None:
        raise StackError(
            f"PostgreSQL's server is not installed (no {DEBIAN_ROOT}/<version>/bin/postgres). {INSTALL_HINT}"
        )
    return found


@dataclass(frozen=True)
class _OsUser:
    name: str
    uid: int
    gid: int

    @property
    def is_me(self) -> bool:
        return self.uid == os.geteuid()

    def popen_kwargs(self) -> dict:
        """Run a child as this user (setuid in the child: no su/runuser process in between)."""
        if self.is_me:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def _server_user() -> _OsUser:
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return _OsUser(entry.pw_name, entry.pw_uid, entry.pw_gid)
    try:
        entry = pwd.getpwnam(SERVER_USER_WHEN_ROOT)
    except KeyError:
        raise StackError(
            f"Running as root, PostgreSQL must run as the system user {SERVER_USER_WHEN_ROOT!r}, "
            f"which does not exist. {INSTALL_HINT}"
        ) from None
    return _OsUser(entry.pw_name, entry.pw_uid, entry.pw_gid)


def _reachable(folder: Path, user: _OsUser) -> bool:
    """Whether ``user`` can enter ``folder``: every existing parent searchable by it."""
    if user.is_me:
        return True
    for parent in [folder, *folder.parents]:
        if not parent.exists():
            continue
        info = parent.stat()
        if info.st_uid == user.uid:
            if not info.st_mode & stat.S_IXUSR:
                return False
        elif not info.st_mode & stat.S_IXOTH and not (info.st_gid == user.gid and info.st_mode & stat.S_IXGRP):
            return False
    return True


def external_home(folder: Path) -> Path | None:
    """The folder outside the clone holding ``folder``'s cluster, when it had to go there."""
    marker = folder / EXTERNAL_MARKER
    return Path(marker.read_text().strip()) if marker.is_file() else None


def remove(folder: Path) -> None:
    """Remove a stack's folder and the data it keeps outside it (``make reset``)."""
    for home in (external_home(folder), folder):
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _child_env() -> dict[str, str]:
    """No PG* variable of the caller may redirect the tools to another server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return env | {"LC_ALL": "C.UTF-8", "HOME": "/tmp"}


@dataclass
class PostgresServer:
    """One PostgreSQL cluster in ``folder``, on ``127.0.0.1:port``, with the roles of ``passwords``."""

    folder: Path
    port: int
    passwords: dict[str, str]  # role -> password; each role gets the database of its name
    throwaway: bool = False  # test data: no fsync (a crash of the machine may lose it)
    max_connections: int = 200
    process: subprocess.Popen | None = None
    _socket_dir: Path | None = field(default=None, repr=False)
    _user: _OsUser | None = field(default=None, repr=False)

    @property
    def home(self) -> Path:
        """Where the cluster lives: ``folder``, or the folder outside the clone (private clone)."""
        return external_home(self.folder) or self.folder

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.folder / "postgres.log"

    # -- what the applications are given ----------------------------------------------
    def jdbc_url(self, database: str = "keycloak") -> str:
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{database}"

    def keycloak_options(self, role: str = "keycloak") -> tuple[tuple[str, ...], dict[str, str]]:
        """Keycloak's options for its database: arguments, and the password as KC_DB_PASSWORD
        (the equivalent of ``--db-password``, kept out of the process list)."""
        return (
            ("--db=postgres", f"--db-url={self.jdbc_url(role)}", f"--db-username={role}"),
            {"KC_DB_PASSWORD": self.passwords[role]},
        )

    def sqlalchemy_url(self, role: str = "portal", schema: str | None = None) -> str:
        """The adapter's PORTAL_DATABASE_URL (psycopg 3). ``schema``: a scratch schema of the tests,
        as the search_path; its connections carry its name as application_name."""
        url = f"postgresql+psycopg://{role}:{quote(self.passwords[role], safe='')}@127.0.0.1:{self.port}/{role}"
        return url + (f"?options=-csearch_path%3D{schema}&application_name={schema}" if schema else "")

    # -- life cycle ----------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> None:
        ensure_port_free(self.port, "PostgreSQL")
        binaries = require_bin_dir()
        self._user = user = _server_user()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._place(user)
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(binaries, user)
        self._check_version(binaries)
        self._write_hba(user)
        self._socket_dir = Path(tempfile.mkdtemp(prefix="hariane-pg-"))
        os.chown(self._socket_dir, user.uid, user.gid)
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": str(self._socket_dir),
            "unix_socket_permissions": "0700",
            "max_connections": str(self.max_connections),
            "shared_buffers": "64MB",
            "password_encryption": "scram-sha-256",
            "log_line_prefix": "%m [%p] %q%u@%d ",
        }
        if self.throwaway:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        command = [str(binaries / "postgres"), "-D", str(self.data_dir)]
        for name, value in settings.items():
            command += ["-c", f"{name}={value}"]
        self.process = spawn(command, self.log_file, env=_child_env(), cwd=self.home, **user.popen_kwargs())
        self._wait_ready(timeout)
        self._provision()

    def _place(self, user: _OsUser) -> None:
        """When ``user`` cannot enter ``folder``, make (or find again) the cluster's folder outside it."""
        if _reachable(self.folder, user):
            return
        home = external_home(self.folder)
        if home is None or not home.is_dir():
            parent = Path(tempfile.gettempdir()) if self.throwaway else PERSISTENT_PARENT
            home = Path(tempfile.mkdtemp(prefix="hariane-pg-", dir=parent))  # mode 0700
            os.chown(home, user.uid, user.gid)
            (self.folder / EXTERNAL_MARKER).write_text(f"{home}\n")
        if not _reachable(home, user):
            raise StackError(
                f"PostgreSQL runs as {user.name!r} (it refuses root) but cannot enter {home}: "
                f"give it access or remove {self.folder / EXTERNAL_MARKER}."
            )

    def _initdb(self, binaries: Path, user: _OsUser) -> None:
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise StackError(f"{self.data_dir} is not empty but holds no PostgreSQL cluster: remove it and retry.")
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        os.chown(self.data_dir, user.uid, user.gid)
        done = subprocess.run(
            [
                str(binaries / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                user.name,
                "-E",
                "UTF8",
                "--no-locale",
                "--auth-local=peer",
                "--auth-host=scram-sha-256",
            ],
            capture_output=True,
            text=True,
            cwd=self.home,
            env=_child_env(),
            **user.popen_kwargs(),
        )
        if done.returncode != 0:
            raise StackError(f"initdb failed in {self.data_dir}:\n{done.stdout}{done.stderr}")

    def _check_version(self, binaries: Path) -> None:
        data_version = (self.data_dir / "PG_VERSION").read_text().strip()
        if data_version != binaries.parent.name:
            raise StackError(
                f"{self.data_dir} was made by PostgreSQL {data_version}, the server installed is "
                f"{binaries.parent.name}: remove {self.folder} (`make reset` for make run's) and retry."
            )

    def _write_hba(self, user: _OsUser) -> None:
        """Who may connect: the cluster's OS user on the private socket; each role to its database over TCP."""
        lines = ["# Written by devstack/postgres.py at each start.", f"local all {user.name} peer"]
        lines += [f"host {role} {role} 127.0.0.1/32 scram-sha-256" for role in self.passwords]
        hba = self.data_dir / "pg_hba.conf"
        hba.write_text("\n".join(lines) + "\n")
        os.chown(hba, user.uid, user.gid)
        os.chmod(hba, 0o600)

    def _wait_ready(self, timeout: float) -> None:
        def answers() -> bool:
            self.psql("SELECT 1;")  # on the private socket: no failed login in the server's log
            return True

        wait_ready(answers, self.process, "PostgreSQL", self.log_file, timeout, interval=0.3, on_timeout=self.stop)

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run ``sql`` as the cluster's owner (peer authentication on the private socket)."""
        binaries = require_bin_dir()
        user = self._user or _server_user()
        done = subprocess.run(
            [
                str(binaries / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self._socket_dir),
                "-p",
                str(self.port),
                "-U",
                user.name,
                "-d",
                database,
            ],
            input=sql,
            capture_output=True,
            text=True,
            cwd="/",
            env=_child_env(),
            **user.popen_kwargs(),
        )
        if done.returncode != 0:
            raise StackError(f"psql failed on {database}: {done.stderr.strip()}")
        return done.stdout

    def _provision(self) -> None:
        """The roles and their databases, idempotent; passwords set at each start (from the secrets)."""
        sql = []
        for role, password in self.passwords.items():
            sql += [
                f"SELECT 'CREATE ROLE {role}' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}')\\gexec",
                f"ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                f"PASSWORD {_literal(password)};",
                f"SELECT 'CREATE DATABASE {role} OWNER {role}' "
                f"WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{role}')\\gexec",
                f"REVOKE ALL ON DATABASE {role} FROM PUBLIC;",
            ]
        sql += ["REVOKE ALL ON DATABASE postgres FROM PUBLIC;", "REVOKE ALL ON DATABASE template1 FROM PUBLIC;"]
        self.psql("\n".join(sql) + "\n")

    def log_tail(self, lines: int = 40) -> str:
        return tail(self.log_file, lines)

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT: clients disconnected, data flushed); SIGKILL if it lingers."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.kill(self.process.pid, signal.SIGINT)
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                kill_group(self.process)
            except ProcessLookupError:
                pass
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None
        home = external_home(self.folder)
        if self.throwaway and home is not None:  # test data outside the clone goes with its server
            shutil.rmtree(home, ignore_errors=True)
            (self.folder / EXTERNAL_MARKER).unlink(missing_ok=True)


@dataclass
class StackDatabase:
    """The databases of one stack (``make run``, a test session), as the switch chooses them:
    embedded (Keycloak's dev-file in its home, the adapter's SQLite ``sqlite_file``) or one
    PostgreSQL cluster in ``folder`` for both."""

    mode: str
    sqlite_file: Path
    server: PostgresServer | None = None

    @classmethod
    def from_switch(
        cls, *, folder: Path, sqlite_file: Path, port: int, secrets: dict[str, str], throwaway: bool
    ) -> StackDatabase:
        mode = database_mode()
        server = None
        if mode == POSTGRES:
            server = PostgresServer(
                folder,
                port,
                {"keycloak": secrets["KEYCLOAK_DB_PASSWORD"], "portal": secrets["PORTAL_DB_PASSWORD"]},
                throwaway=throwaway,
            )
        return cls(mode, sqlite_file, server)

    @property
    def process(self) -> subprocess.Popen | None:
        return self.server.process if self.server else None

    def start(self) -> None:
        if self.server:
            self.server.start()

    def stop(self) -> None:
        if self.server:
            self.server.stop()

    def keycloak_args(self) -> tuple[str, ...]:
        return self.server.keycloak_options()[0] if self.server else ()

    def keycloak_env(self) -> dict[str, str]:
        return self.server.keycloak_options()[1] if self.server else {}

    def portal_url(self) -> str:
        return self.server.sqlalchemy_url("portal") if self.server else f"sqlite:///{self.sqlite_file}"

    def describe(self) -> str:
        if self.server is None:
            return f"embedded: Keycloak dev-file, adapter SQLite {self.sqlite_file}"
        where = f"data {self.server.data_dir}"
        if self.server.home != self.server.folder:
            where += " (outside the private clone; `make reset` removes it)"
        return f"PostgreSQL on 127.0.0.1:{self.server.port}, {where}"
