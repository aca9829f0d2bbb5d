"""The stack's child processes, one way: started in a session of their own with their output
appended to a log, waited for until ready (failing early, with the end of the log, when
they die), stopped as a process group (SIGTERM, then SIGKILL if they linger)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from devstack.errors import StackError


def spawn(
    command: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = None, **popen
) -> subprocess.Popen:
    """Start ``command`` in a new session, stdout and stderr appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,
            **popen,
        )


def tail(log: Path, lines: int = 40) -> str:
    """The last ``lines`` of a log, for error messages."""
    if not log.exists():
        return "(no log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def http_ok(url: str) -> Callable[[], bool]:
    """A readiness check: ``url`` answers 200."""

    def answers() -> bool:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200

    return answers


def wait_ready(
    ready: Callable[[], bool],
    process: subprocess.Popen,
    what: str,
    log: Path,
    timeout: float,
    *,
    interval: float = 0.2,
    lines: int = 40,
    on_timeout: Callable[[], None] | None = None,
) -> None:
    """Wait until ``ready()`` is true (connection errors count as not yet); fail early, with
    the log, if the process dies; on timeout stop it (``on_timeout``, by default its group)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(
                f"{what} exited with code {process.returncode} while starting; log {log}:\n{tail(log, lines)}"
            )
        try:
            if ready():
                return
        except (urllib.error.URLError, OSError, StackError):
            pass
        time.sleep(interval)
    (on_timeout or (lambda: stop_process_group(process)))()
    raise StackError(f"{what} was not ready after {timeout:.0f} s; log {log}:\n{tail(log, lines)}")


def wait_http_ok(url: str, process: subprocess.Popen, what: str, log: Path, timeout: float) -> None:
    """Wait until ``url`` answers 200; fail early, with the log, if the process dies."""
    wait_ready(http_ok(url), process, what, log, timeout)


def stop_process_group(process: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM the process group started by ``spawn``; SIGKILL if it lingers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the whole group, no shutdown at all (a crashed machine, the OOM killer)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
