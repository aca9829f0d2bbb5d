"""PostgreSQL mode from a clone in a private folder: root's home is ``drwx------``
and PostgreSQL, which refuses root, runs as ``postgres`` and cannot enter it. The data then
lives outside the clone (devstack/postgres.py), and ``make reset`` removes it too.

The project's tracked files are copied into a fresh ``0700`` folder and the PostgreSQL-backed
start (the one ``make run`` and the test session use: ``StackDatabase.from_switch``) runs from
that copy, with the system's python3 (devstack.postgres is stdlib only), as root and as a
non-root user (PostgreSQL then runs as that user, its data inside the clone).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from devstack import paths
from devstack.ports import free_port
from devstack.postgres import EXTERNAL_MARKER, SERVER_USER_WHEN_ROOT, bin_dir

pytestmark = pytest.mark.skipif(bin_dir() is None, reason="Debian's PostgreSQL server is not installed")

# Started from the copy: the stack's databases as `make run` (persistent) or a test session
# (throwaway) start them; prints where the data went, waits for a line on stdin, stops.
START = """
import json, sys
from pathlib import Path
from devstack.postgres import StackDatabase
run = Path(".local/run").resolve()
database = StackDatabase.from_switch(folder=run / "postgres", sqlite_file=run / "portal.db", port=int(sys.argv[1]),
                                     secrets={"KEYCLOAK_DB_PASSWORD": "kc-pass-1", "PORTAL_DB_PASSWORD": "portal-pass-1"},
                                     throwaway=sys.argv[2] == "throwaway")
database.start()
try:
    print(json.dumps({"data": str(database.server.data_dir), "describe": database.describe(),
                      "portal_url": database.portal_url()}), flush=True)
    sys.stdin.readline()
finally:
    database.stop()
"""


def _copy_project(target: Path) -> Path:
    """The tracked files of this checkout (as they are on disk) in ``target/hariane``."""
    clone = target / "hariane"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=paths.ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = paths.ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    return clone


@pytest.fixture
def private_folder() -> Iterator[Path]:
    """A folder no other user may enter, as root's home is."""
    folder = Path(tempfile.mkdtemp(prefix="hariane-private-"))  # mode 0700
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _start(clone: Path, mode: str, user: pwd.struct_passwd | None = None) -> tuple[subprocess.Popen, dict]:
    as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []} if user else {}
    env = {"PATH": "/usr/bin:/bin", "HARIANE_DATABASE": "postgres", "HOME": str(clone)}
    process = subprocess.Popen(
        ["/usr/bin/python3", "-c", START, str(free_port()), mode],
        cwd=clone,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **as_user,
    )
    line = process.stdout.readline()
    if not line:
        process.wait(30)
        pytest.fail(f"the PostgreSQL-backed start failed from {clone}:\n{process.stderr.read()[-3000:]}")
    return process, json.loads(line)


def _stop(process: subprocess.Popen) -> None:
    process.stdin.write("\n")
    process.stdin.close()
    code = process.wait(60)
    errors = process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    assert code == 0, errors[-3000:]


def _roles_connect(started: dict) -> None:
    engine = sa.create_engine(started["portal_url"], poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT current_user")).scalar() == "portal"
    engine.dispose()


@pytest.mark.skipif(os.geteuid() != 0, reason="the private-clone case of PostgreSQL's own user needs root")
def test_postgres_mode_starts_as_root_from_a_private_clone_and_reset_removes_its_data(private_folder):
    clone = _copy_project(private_folder)
    server_user = pwd.getpwnam(SERVER_USER_WHEN_ROOT)

    process, started = _start(clone, "persistent")
    try:
        data = Path(started["data"])
        assert not data.is_relative_to(private_folder), "the data cannot stay where postgres cannot enter"
        home = data.parent
        assert home.parent == Path("/var/tmp") and home.name.startswith("hariane-pg-")
        assert (home.stat().st_uid, stat.S_IMODE(home.stat().st_mode)) == (server_user.pw_uid, 0o700)
        assert str(data) in started["describe"]  # what the ready table of make run shows
        _roles_connect(started)
    finally:
        _stop(process)
    assert data.is_dir(), "make run's data is kept between runs"
    marker = clone / ".local/run/postgres" / EXTERNAL_MARKER
    assert marker.read_text().strip() == str(home)

    again, restarted = _start(clone, "persistent")  # the next start finds its data again
    try:
        assert restarted["data"] == str(data)
        _roles_connect(restarted)
    finally:
        _stop(again)

    subprocess.run(["/usr/bin/python3", "-m", "devstack.reset"], cwd=clone, check=True)  # make reset
    assert not home.exists() and not (clone / ".local/run").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="the private-clone case of PostgreSQL's own user needs root")
def test_a_test_sessions_data_outside_a_private_clone_goes_with_its_server(private_folder):
    clone = _copy_project(private_folder)
    process, started = _start(clone, "throwaway")
    home = Path(started["data"]).parent
    try:
        assert home.parent == Path(tempfile.gettempdir()) and home.name.startswith("hariane-pg-")
        _roles_connect(started)
    finally:
        _stop(process)
    assert not home.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_postgres_mode_starts_as_a_non_root_user_from_their_private_clone(private_folder):
    user = pwd.getpwnam("nobody")
    os.chown(private_folder, user.pw_uid, user.pw_gid)
    clone = _copy_project(private_folder)
    for folder, _, files in os.walk(private_folder):
        for name in (folder, *(os.path.join(folder, f) for f in files)):
            os.chown(name, user.pw_uid, user.pw_gid)

    process, started = _start(clone, "persistent", user)
    try:
        data = Path(started["data"])
        assert data == clone / ".local/run/postgres/data"  # its own folder: no need to move
        assert data.stat().st_uid == user.pw_uid
        _roles_connect(started)
    finally:
        _stop(process)
