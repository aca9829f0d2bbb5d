"""A two-node Keycloak cluster on loopback, behind HAProxy (reliability and scale-out).

::

    HAProxy 127.0.0.1:<lb>        round robin over the ready nodes (management /health/ready)
      ├── node1  kc.sh start --optimized   http <p1>, management <m1>, JGroups <j1>  (imports the realm)
      └── node2  kc.sh start --optimized   http <p2>, management <m2>, JGroups <j2>
    PostgreSQL 127.0.0.1:<pg>     database ``keycloak`` shared by both (devstack/postgres.py)

- Production mode: the distribution is built once (``kc.sh build --db=postgres`` with the
  options of deploy/keycloak/keycloak.conf and our extension in providers/) into
  ``.local/keycloak/builds/<digest>/`` and its ``lib/quarkus`` is copied into each node's home;
  a new jar, distribution or option set gives a new digest, hence a new build.
- The nodes find each other through the database: JGroups' jdbc-ping, Keycloak 26's default
  ``cache-stack`` (each node writes its address into the table ``JGROUPS_PING``); the
  transport binds 127.0.0.1 on a port of its own per node (``--cache-embedded-network-bind-port``).
- ``--hostname=http://127.0.0.1:<lb>``: every URL Keycloak writes (issuer, redirects, the
  login form's action) is the balancer's, whichever node answers; ``--proxy-headers=xforwarded``
  from 127.0.0.1 only.
- User sessions survive a node: Keycloak 26 keeps them in the database (persistent user
  sessions, on by default); the caches are distributed over both nodes.
- HAProxy (Debian's package; config generated into the cluster's folder) runs in the
  foreground as a child process (``-db``); it adds ``X-Hariane-Node`` (the node that answered)
  to every response and serves its statistics as CSV on a second loopback port. It checks
  every node each second and sends requests round robin to the nodes whose ``/health/ready``
  answers 200; only when NONE does, to those whose ``/health/live`` does (``keycloak_live``).
  Why the fallback: since 26.4 readiness includes Keycloak's split-brain guard (« Keycloak
  cluster health check »: the coordinator this node sees must be the one that wins in
  JGROUPS_PING). When the coordinator of a two-node cluster dies, its row stays in the table
  until it is 60 s stale, ties with the survivor's and wins (lower address): the survivor
  reports itself not ready for up to a minute (44 s measured) although it serves well. With a
  real split, one side stays ready and gets every request, so the guard keeps its use; with
  three nodes or more the survivors outnumber the dead coordinator and stay ready.

Stdlib only (``devstack.prepare`` reads :data:`HAPROXY`).
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from devstack import paths
from devstack.errors import StackError
from devstack.keycloak import KeycloakServer, dist_dir
from devstack.ports import ensure_port_free, free_port, is_port_free
from devstack.postgres import PostgresServer
from devstack.process import spawn, stop_process_group

HAPROXY = Path("/usr/sbin/haproxy")
BUILD_OPTIONS = ("--db=postgres",)  # with the build options of deploy/keycloak/keycloak.conf
BUILDS = paths.KEYCLOAK_DIST_PARENT / "builds"
KEPT_BUILDS = 3
NODE_HEADER = "X-Hariane-Node"
READY_BACKEND, LIVE_BACKEND = "keycloak_ready", "keycloak_live"
FD_SOCK_OFFSET = 50000  # JGroups' FD_SOCK2 listens on (the transport's port + 50000) mod 65536


# -- the production build, once ------------------------------------------------------------
def _build_digest() -> str:
    sha = hashlib.sha256()
    sha.update(str(dist_dir()).encode())
    sha.update(paths.EXTENSION_JAR.read_bytes())
    sha.update(" ".join(BUILD_OPTIONS).encode())
    sha.update(paths.KEYCLOAK_CONF.read_bytes())
    return sha.hexdigest()[:16]


def production_build() -> Path:
    """The ``lib/quarkus`` folder of a production build with our extension (built when missing)."""
    if not paths.EXTENSION_JAR.is_file():
        raise StackError(f"The extension jar {paths.EXTENSION_JAR} is missing: run `make prepare`.")
    BUILDS.mkdir(parents=True, exist_ok=True)
    digest = _build_digest()
    home = BUILDS / digest
    with (BUILDS / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two sessions building at once wait for each other
        if not (home / ".built").exists():
            shutil.rmtree(home, ignore_errors=True)
            builder = KeycloakServer(
                home=home, http_port=0, management_port=0, admin_username="", admin_password="", realm_files=()
            )
            builder.prepare()
            builder.build(*BUILD_OPTIONS)
            (home / ".built").write_text(" ".join(BUILD_OPTIONS) + "\n")
            old = sorted((p for p in BUILDS.iterdir() if p.is_dir() and p != home), key=lambda p: p.stat().st_mtime)
            for stale in old[: max(0, len(old) - (KEPT_BUILDS - 1))]:
                shutil.rmtree(stale, ignore_errors=True)
        home.touch()
    return home / "lib" / "quarkus"


# -- the load balancer -------------------------------------------------------------------------
@dataclass(frozen=True)
class Backend:
    name: str
    http_port: int
    management_port: int


@dataclass
class LoadBalancer:
    """HAProxy in the foreground, round robin over ``backends``, health-checked every second."""

    port: int
    stats_port: int
    backends: list[Backend]
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_file(self) -> Path:
        return self.folder / "haproxy.cfg"

    @property
    def log_file(self) -> Path:
        return self.folder / "haproxy.log"

    def config(self) -> str:
        def backend(name: str, check: str) -> str:
            servers = "\n".join(
                f"    server {b.name} 127.0.0.1:{b.http_port} check port {b.management_port}" for b in self.backends
            )
            return f"""backend {name}
    balance roundrobin
    option httpchk
    http-check send meth GET uri {check}
    http-check expect status 200
    http-response set-header {NODE_HEADER} %s
{servers}
"""

        return f"""# Generated by devstack/cluster.py (the deployed one: deploy/haproxy/haproxy.cfg)
global
    log stdout format raw local0 info
    maxconn 2000

defaults
    mode http
    log global
    option httplog
    option dontlognull
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    # a connection refused by a dead node is tried again on another one
    retries 3
    option redispatch 1
    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2

frontend keycloak
    bind 127.0.0.1:{self.port}
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Port {self.port}
    # the ready nodes; only when none is ready, the live ones (see devstack/cluster.py)
    use_backend {READY_BACKEND} if {{ nbsrv({READY_BACKEND}) gt 0 }}
    default_backend {LIVE_BACKEND}

{backend(READY_BACKEND, "/health/ready")}
{backend(LIVE_BACKEND, "/health/live")}
frontend stats
    bind 127.0.0.1:{self.stats_port}
    stats enable
    stats uri /stats
    stats refresh 5s
"""

    def start(self, timeout: float = 30.0) -> None:
        if not HAPROXY.exists():
            raise StackError(f"HAProxy is not installed ({HAPROXY}): `apt-get install haproxy` (`make test` does it).")
        ensure_port_free(self.port, "load balancer")
        ensure_port_free(self.stats_port, "load balancer statistics")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(self.config())
        check = subprocess.run([str(HAPROXY), "-c", "-q", "-f", str(self.config_file)], capture_output=True, text=True)
        if check.returncode != 0:
            raise StackError(f"HAProxy refuses {self.config_file}:\n{check.stdout}{check.stderr}")
        self.process = spawn([str(HAPROXY), "-db", "-f", str(self.config_file)], self.log_file)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StackError(f"HAProxy exited with code {self.process.returncode}; log {self.log_file}")
            try:
                if set(self.states().values()) == set(self.states(LIVE_BACKEND).values()) == {"UP"}:
                    return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise StackError(f"HAProxy did not see every node up within {timeout:.0f} s: {self.states()}")

    def states(self, backend: str = READY_BACKEND) -> dict[str, str]:
        """Each node's state as HAProxy's health checks of ``backend`` see it: UP, DOWN, ``UP 1/2``…"""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=5) as response:
            text = response.read().decode().lstrip("# ")
        return {
            row["svname"]: row["status"]
            for row in csv.DictReader(io.StringIO(text))
            if row["pxname"] == backend and row["svname"] not in ("BACKEND", "FRONTEND")
        }

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process_group(self.process)


# -- the cluster -------------------------------------------------------------------------------
def _jgroups_port(taken: set[int]) -> int:
    """A free port whose FD_SOCK2 companion (failure detection) is free as well."""
    for _ in range(200):
        port = free_port()
        companion = (port + FD_SOCK_OFFSET) % 65536
        if companion > 1024 and not {port, companion} & taken and is_port_free(companion):
            taken |= {port, companion}
            return port
    raise StackError("No free pair of ports for JGroups on 127.0.0.1")


@dataclass
class KeycloakCluster:
    """Two (or more) production-mode Keycloak nodes on one PostgreSQL database, behind HAProxy.

    ``env``: the nodes' environment (realm placeholders, extension settings: devstack.stack.keycloak_env).
    """

    folder: Path
    admin_password: str
    db_passwords: dict[str, str]  # {"keycloak": ..., "portal": ...}
    env: dict[str, str]
    size: int = 2
    lb_port: int = field(default_factory=free_port)
    postgres: PostgresServer | None = None
    nodes: list[KeycloakServer] = field(default_factory=list)
    balancer: LoadBalancer | None = None

    @property
    def url(self) -> str:
        """The cluster's only public URL: the balancer."""
        return f"http://127.0.0.1:{self.lb_port}"

    def layout(self) -> None:
        """Choose the ports and lay out the PostgreSQL cluster and each node's home (no process yet)."""
        self.postgres = PostgresServer(self.folder / "postgres", free_port(), self.db_passwords, throwaway=True)
        db_args, db_env = self.postgres.keycloak_options()
        taken: set[int] = {self.lb_port, self.postgres.port}
        backends = []
        for index in range(1, self.size + 1):
            http, management = free_port(), free_port()
            while {http, management} & taken or http == management:
                http, management = free_port(), free_port()
            taken |= {http, management}
            jgroups = _jgroups_port(taken)
            name = f"node{index}"
            node = KeycloakServer(
                home=self.folder / name,
                http_port=http,
                management_port=management,
                admin_username="admin",
                admin_password=self.admin_password,
                env=self.env | db_env,
                start_command=("start", "--optimized"),
                import_realm=index == 1,  # once; the other nodes find the realm in the database
                extra_args=(
                    *db_args,
                    "--db-pool-max-size=30",
                    "--http-enabled=true",
                    f"--hostname=http://127.0.0.1:{self.lb_port}",
                    "--proxy-headers=xforwarded",
                    "--proxy-trusted-addresses=127.0.0.1",
                    "--cache=ispn",
                    "--cache-stack=jdbc-ping",
                    "--cache-embedded-network-bind-address=127.0.0.1",
                    f"--spi-cache-embedded--default--node-name={name}",
                    f"--cache-embedded-network-bind-port={jgroups}",
                ),
            )
            self.nodes.append(node)
            backends.append(Backend(name, http, management))
        self.balancer = LoadBalancer(self.lb_port, free_port(), backends, self.folder / "haproxy")

    def logs(self) -> dict[str, Path]:
        found = {f"cluster {n.home.name}": n.log_file for n in self.nodes}
        if self.postgres:
            found["cluster postgres"] = self.postgres.log_file
        if self.balancer:
            found["cluster haproxy"] = self.balancer.log_file
        return found

    def start(self, timeout: float = 240.0) -> None:
        """PostgreSQL, the build, the nodes (node1 imports the realm), then HAProxy.
        On failure, whatever started is stopped."""
        if self.postgres is None:
            self.layout()
        try:
            self.postgres.start()
            quarkus = production_build()
            for node in self.nodes:
                node.prepare()
                shutil.rmtree(node.home / "lib" / "quarkus")
                shutil.copytree(quarkus, node.home / "lib" / "quarkus")
            # one after the other: node1 alone creates the schema and imports the realm, the
            # others only join (booting them side by side saved nothing on 2 busy cores)
            for node in self.nodes:
                node.start(timeout)
            self.balancer.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Everything this cluster started, balancer first, database last; never raises for a dead process."""
        if self.balancer:
            self.balancer.stop()
        for node in reversed(self.nodes):
            node.stop()
        if self.postgres:
            self.postgres.stop()
