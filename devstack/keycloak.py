"""A real Keycloak server, started from the distribution Maven unpacked.

Each instance gets its own *home*: the pristine distribution hard-linked (cheap), with
its own ``providers/`` (our extension), ``data/import/`` (the realm), ``data/`` (the
dev-file database) and ``lib/quarkus`` (the build output Keycloak rewrites).  So
``make run`` and a test session never share state, and the distribution stays clean.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from devstack import paths
from devstack.errors import StackError
from devstack.jdk import choose_jdk
from devstack.ports import ensure_port_free
from devstack.process import http_ok, kill_group, spawn, stop_process_group, tail, wait_ready


def keycloak_version() -> str:
    """The Keycloak version pinned in the extension's pom.xml (the one place)."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(paths.EXTENSION_POM).getroot()
    node = root.find("m:properties/m:keycloak.version", ns)
    if node is None or not (node.text or "").strip():
        raise StackError(f"keycloak.version is missing from {paths.EXTENSION_POM}")
    return node.text.strip()


JAVA_OPTIONS = paths.ROOT / "deploy" / "keycloak" / "java-options"


def java_options() -> list[str]:
    """The JVM options every Keycloak gets, here and in the image (deploy/keycloak/java-options)."""
    lines = (line.strip() for line in JAVA_OPTIONS.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def dist_dir() -> Path:
    """The unpacked distribution; built by ``mvn package`` in idp_extension/."""
    dist = paths.KEYCLOAK_DIST_PARENT / f"keycloak-{keycloak_version()}"
    if not (dist / "bin" / "kc.sh").is_file():
        raise StackError(
            f"Keycloak {keycloak_version()} is not unpacked in {dist}. "
            "Run `make prepare` (it fetches it from Maven Central)."
        )
    return dist


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link every file of ``source`` under ``target`` (copy where linking fails)."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link, dirs_exist_ok=True)


@dataclass
class KeycloakServer:
    """One Keycloak process with its own home folder and ports."""

    home: Path
    http_port: int
    management_port: int
    admin_username: str
    admin_password: str
    env: dict[str, str] = field(default_factory=dict)
    realm_files: tuple[Path, ...] = (paths.REALM_FILE,)
    extra_args: tuple[str, ...] = ()  # more options, e.g. the database's (devstack/postgres.py)
    # ("start-dev",): dev mode; ("start", "--optimized"): production mode after build() (devstack/cluster.py)
    start_command: tuple[str, ...] = ("start-dev",)
    import_realm: bool = True  # import data/import/ at startup (skipped for realms that already exist)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def log_file(self) -> Path:
        return self.home / "keycloak.log"

    # -- preparation ------------------------------------------------------------------
    def prepare(self) -> None:
        """Lay out the instance home; keeps ``data/`` (the users) when it exists."""
        dist = dist_dir()
        marker = self.home / ".dist"
        if not marker.exists() or marker.read_text() != str(dist):
            for part in ("bin", "conf", "lib", "themes", "version.txt"):
                target = self.home / part
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
            self.home.mkdir(parents=True, exist_ok=True)
            for part in ("bin", "conf", "themes"):
                _link_tree(dist / part, self.home / part)
            shutil.copy2(dist / "version.txt", self.home / "version.txt")
            # lib/quarkus is rewritten by Keycloak's build step: a real copy.
            _link_tree(dist / "lib", self.home / "lib")
            shutil.rmtree(self.home / "lib" / "quarkus")
            shutil.copytree(dist / "lib" / "quarkus", self.home / "lib" / "quarkus")
            marker.write_text(str(dist))
        # the server options shared with the image (deploy/keycloak/keycloak.conf); the
        # distribution's file is a hard link: unlinked first, never written through
        conf = self.home / "conf" / "keycloak.conf"
        conf.unlink(missing_ok=True)
        shutil.copy2(paths.KEYCLOAK_CONF, conf)
        providers = self.home / "providers"
        providers.mkdir(exist_ok=True)
        if not paths.EXTENSION_JAR.is_file():
            raise StackError(f"The extension jar {paths.EXTENSION_JAR} is missing: run `make prepare`.")
        shutil.copy2(paths.EXTENSION_JAR, providers / paths.EXTENSION_JAR.name)
        imports = self.home / "data" / "import"
        shutil.rmtree(imports, ignore_errors=True)
        imports.mkdir(parents=True)
        for realm in self.realm_files:
            shutil.copy2(realm, imports / realm.name)
        blacklists = self.home / "data" / "password-blacklists"
        shutil.rmtree(blacklists, ignore_errors=True)
        shutil.copytree(paths.PASSWORD_BLACKLISTS, blacklists)

    # -- life cycle ---------------------------------------------------------------------
    def command(self) -> list[str]:
        return [
            str(self.home / "bin" / "kc.sh"),
            *self.start_command,
            "--http-host=127.0.0.1",
            f"--http-port={self.http_port}",
            f"--http-management-port={self.management_port}",
            *(("--import-realm",) if self.import_realm else ()),
            *self.extra_args,
        ]

    def _process_env(self) -> dict[str, str]:
        jdk = choose_jdk()
        own = self.env.get("JAVA_OPTS_APPEND", os.environ.get("JAVA_OPTS_APPEND", ""))
        return {
            **os.environ,
            **self.env,
            "JAVA_OPTS_APPEND": " ".join([*java_options(), *([own] if own else [])]),
            "JAVA_HOME": str(jdk.home),
            "PATH": f"{jdk.home / 'bin'}:{os.environ.get('PATH', '')}",
            "KC_BOOTSTRAP_ADMIN_USERNAME": self.admin_username,
            "KC_BOOTSTRAP_ADMIN_PASSWORD": self.admin_password,
        }

    def build(self, *options: str, timeout: float = 400.0) -> None:
        """``kc.sh build OPTIONS`` in this home (production mode's build step: it rewrites
        lib/quarkus, which prepare() made a real copy of)."""
        with self.log_file.open("ab") as log:
            try:
                done = subprocess.run(
                    [str(self.home / "bin" / "kc.sh"), "build", *options],
                    cwd=self.home,
                    env=self._process_env(),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    timeout=timeout,
                )
            except subprocess.TimeoutExpired:
                raise StackError(
                    f"kc.sh build took more than {timeout:.0f} s; log {self.log_file}:\n{self.log_tail()}"
                ) from None
        if done.returncode != 0:
            raise StackError(
                f"kc.sh build failed (exit code {done.returncode}); log {self.log_file}:\n{self.log_tail()}"
            )

    def start(self, timeout: float = 240.0) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        """Start the process without waiting for it to be ready (wait_ready() does)."""
        ensure_port_free(self.http_port, "Keycloak HTTP")
        ensure_port_free(self.management_port, "Keycloak management")
        self.process = spawn(self.command(), self.log_file, env=self._process_env(), cwd=self.home)

    def wait_ready(self, timeout: float) -> None:
        health = http_ok(f"http://127.0.0.1:{self.management_port}/health/ready")
        wait_ready(
            health, self.process, "Keycloak", self.log_file, timeout, interval=0.5, lines=60, on_timeout=self.stop
        )

    def log_tail(self, lines: int = 60) -> str:
        return tail(self.log_file, lines)

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        stop_process_group(self.process, timeout)

    def kill(self) -> None:
        """SIGKILL, no shutdown at all (a crashed machine, the OOM killer): the fault tests' tool."""
        if self.process is None or self.process.poll() is not None:
            return
        kill_group(self.process)
