"""The stack's other processes: the mail catcher (maildev) and the portal adapter (gunicorn)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from devstack import paths
from devstack.errors import StackError
from devstack.ports import ensure_port_free
from devstack.process import spawn, stop_process_group, wait_http_ok


@dataclass
class MailCatcher:
    """maildev: a real SMTP server that keeps every message, with a web UI and a REST API."""

    smtp_port: int
    web_port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start(self, timeout: float = 30.0) -> None:
        ensure_port_free(self.smtp_port, "mail catcher SMTP")
        ensure_port_free(self.web_port, "mail catcher web UI")
        node = shutil.which("node")
        if node is None:
            raise StackError("Node.js is not installed: install Node.js 20 (`apt-get install nodejs`).")
        if not paths.MAILDEV_BIN.exists():
            raise StackError("maildev is not installed: run `make prepare`.")
        self.process = spawn(
            [
                node,
                str(paths.MAILDEV_BIN),
                "--smtp",
                str(self.smtp_port),
                "--web",
                str(self.web_port),
                "--ip",
                "127.0.0.1",
                "--web-ip",
                "127.0.0.1",
            ],
            self.log,
        )
        wait_http_ok(f"{self.web_url}/email", self.process, "The mail catcher", self.log, timeout)

    def messages(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.web_url}/email", timeout=5) as response:
            return json.load(response)

    def clear(self) -> None:
        request = urllib.request.Request(f"{self.web_url}/email/all", method="DELETE")
        urllib.request.urlopen(request, timeout=5).close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process_group(self.process)


@dataclass
class GunicornApp:
    """A Flask application under gunicorn, a real WSGI server; ready when /health answers."""

    port: int
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    app: str = "portal_adapter.wsgi:app"
    base_url_env: str = "PORTAL_BASE_URL"
    workers: int = 2
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def before_start(self, env: dict[str, str]) -> None:
        """Hook for work to do before the server starts (migrations)."""

    def start(self, timeout: float = 30.0) -> None:
        ensure_port_free(self.port, self.app)
        gunicorn = paths.VENV / "bin" / "gunicorn"
        if not gunicorn.exists():
            raise StackError("gunicorn is missing from .venv: run `make prepare`.")
        env = {**os.environ, **self.env, self.base_url_env: self.url}
        self.before_start(env)
        self.process = spawn(
            [
                str(gunicorn),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "gthread",
                "--threads",
                "8",
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
                "--no-control-socket",
                self.app,
            ],
            self.log,
            env=env,
        )
        wait_http_ok(f"{self.url}/health", self.process, self.app, self.log, timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process_group(self.process)


@dataclass
class PortalAdapter(GunicornApp):
    """The portal adapter; its database is migrated before it starts."""

    def before_start(self, env: dict[str, str]) -> None:
        migrate = subprocess.run(
            [str(paths.VENV / "bin" / "portal-adapter"), "db", "upgrade"], env=env, capture_output=True, text=True
        )
        if migrate.returncode != 0:
            raise StackError(f"The adapter's database migration failed:\n{migrate.stdout}{migrate.stderr}")

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Run ``portal-adapter ARGS`` against this adapter's configuration and database."""
        env = {**os.environ, **self.env, self.base_url_env: self.url}
        done = subprocess.run(
            [str(paths.VENV / "bin" / "portal-adapter"), *args], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise StackError(f"portal-adapter {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done
