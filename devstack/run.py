"""``make run``: the whole stack on embedded defaults, until Ctrl-C.

Keycloak (dev mode, dev-file database kept in .local/run), the mail catcher, the portal
adapter under gunicorn; a demo administrator; then the URLs. Ports and the data folder
can be changed with HARIANE_* variables (see the README). With HARIANE_DATABASE=postgres
(devstack/postgres.py), Keycloak and the adapter use a PostgreSQL cluster started here,
its data kept in .local/run/postgres.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from devstack import paths, proconnect, secrets_store
from devstack.demo import (
    DEMO_REGISTRY,
    DEMO_STRUCTURE_NAME,
    DEMO_STRUCTURE_SIRET,
    master_admin,
    register_demo_admin,
)
from devstack.errors import StackError
from devstack.ports import free_port
from devstack.postgres import StackDatabase
from devstack.stack import REALM, Stack, Started

console = Console()
READY_LINE = "Hariane PRO is ready"
BANNER = "Serveur de développement local"


# The ports `make run` listens on: each variable overrides its default (README, « make run »).
PORT_VARIABLES = {
    "HARIANE_KEYCLOAK_PORT": 8080,
    "HARIANE_KEYCLOAK_MANAGEMENT_PORT": 9000,
    "HARIANE_PORTAL_PORT": 5000,
    "HARIANE_VOIRIE_PORT": 5001,
    "HARIANE_SMTP_PORT": 1025,
    "HARIANE_MAIL_UI_PORT": 1080,
    "HARIANE_POSTGRES_PORT": 15432,  # with HARIANE_DATABASE=postgres only
}


def free_port_variables() -> dict[str, str]:
    """Every port variable set to a free port: a `make run` beside another one (tests, bench)."""
    return {name: str(free_port()) for name in PORT_VARIABLES}


def _port(name: str) -> int:
    raw = os.environ.get(name, str(PORT_VARIABLES[name]))
    if not raw.isdigit():
        raise StackError(f"{name} must be a port number, not {raw!r}")
    return int(raw)


class _Stop(Exception):
    pass


def _raise_stop(signum, frame):  # noqa: ARG001 - signal handler signature
    raise _Stop


def main() -> int:
    run_dir = Path(os.environ.get("HARIANE_RUN_DIR", paths.RUN_DIR)).resolve()
    logs = run_dir / "logs"
    started = time.monotonic()
    parts = Started()
    # Ctrl-C, kill and a closed terminal all stop the stack (a background `make run &`
    # starts with SIGINT ignored: install the handler explicitly).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    try:
        kc_port = _port("HARIANE_KEYCLOAK_PORT")
        portal_port = _port("HARIANE_PORTAL_PORT")
        voirie_port = _port("HARIANE_VOIRIE_PORT")
        secrets = secrets_store.load_or_create(run_dir / "secrets.env")
        database = StackDatabase.from_switch(
            folder=run_dir / "postgres",
            sqlite_file=run_dir / "portal-adapter.db",
            port=_port("HARIANE_POSTGRES_PORT"),
            secrets=secrets,
            throwaway=False,
        )

        stack = Stack(
            home=run_dir,
            secrets=secrets,
            keycloak_port=kc_port,
            management_port=_port("HARIANE_KEYCLOAK_MANAGEMENT_PORT"),
            portal_port=portal_port,
            voirie_port=voirie_port,
            smtp_port=_port("HARIANE_SMTP_PORT"),
            mail_ui_port=_port("HARIANE_MAIL_UI_PORT"),
            logs=logs,
            env="development",
            database=database,
            banner=BANNER,
            proconnect=os.environ.get(proconnect.SWITCH, ""),
        )
        mail, keycloak = stack.mail(), stack.keycloak()
        # the command line's default database and pepper in development (portal_adapter/cli/database.py)
        secrets_store.write_private(
            run_dir / "portal-adapter.env",
            {"PORTAL_DATABASE_URL": database.portal_url(), "CONCESSION_CODE_PEPPER": secrets["CONCESSION_CODE_PEPPER"]},
        )
        adapter, voirie = stack.adapter(), stack.voirie()

        if database.server is not None:
            with console.status(f"Starting PostgreSQL (log: {database.server.log_file})…"):
                parts.start(database)
        with console.status("Starting the mail catcher…"):
            parts.start(mail)
        with console.status(f"Starting Keycloak (log: {keycloak.log_file}); the first start takes about a minute…"):
            parts.start(keycloak)
        federation_user = _proconnect(stack, secrets)
        with console.status("Starting the portal adapter…"):
            parts.start(adapter)
        with console.status("Registering the demo administrator through « Créer un compte Pro »…"):
            demo_admin = register_demo_admin(adapter.url, mail, stack.admin(), secrets["DEMO_USER_PASSWORD"])
        with console.status("Importing the demo legacy concession registry…"):
            adapter.cli("concessions", "import", str(DEMO_REGISTRY))
        with console.status("Starting the reference road-works application…"):
            parts.start(voirie)

        _print_urls(
            keycloak,
            adapter,
            voirie,
            mail,
            secrets,
            logs,
            database,
            demo_admin,
            time.monotonic() - started,
            federation_user,
        )
        while all(p.process is not None and p.process.poll() is None for p in parts.parts):
            time.sleep(1)
        dead = [type(p).__name__ for p in parts.parts if p.process is None or p.process.poll() is not None]
        console.print(f"[red]Stopped: {', '.join(dead)} exited on its own; see the logs in {logs}.[/red]")
        return 1
    except (KeyboardInterrupt, _Stop):
        console.print("\nStopping…")
        return 0
    except StackError as error:
        console.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        return 1
    finally:
        parts.stop()


def _proconnect(stack: Stack, secrets: dict[str, str]) -> str:
    """HARIANE_PROCONNECT=local|env: the provider proconnect set from the environment (a realm
    imported earlier kept its import's values); with the local federation, its demo user. Returns
    that user's login, or ""."""
    if not stack.proconnect:
        return ""
    proconnect.apply(stack.admin(), stack.keycloak_env())
    if stack.proconnect != "local":
        return ""
    local = master_admin(stack.keycloak_url(), "admin", secrets["KEYCLOAK_ADMIN_PASSWORD"], proconnect.LOCAL_REALM)
    return proconnect.ensure_demo_user(local, secrets["DEMO_USER_PASSWORD"])


def _print_urls(
    keycloak,
    adapter,
    voirie,
    mail,
    secrets,
    logs: Path,
    database: StackDatabase,
    demo_admin: str,
    seconds: float,
    federation_user: str = "",
) -> None:
    table = Table(title=f"{READY_LINE} (in {seconds:.0f} s) — Ctrl-C stops everything", show_lines=False)
    table.add_column("What")
    table.add_column("Where")
    table.add_row("Portal", f"{adapter.url}/")
    table.add_row("Keycloak login page", f"{keycloak.url}/realms/{REALM}/account/")
    table.add_row("Road-works app (voirie)", f"{voirie.url}/")
    table.add_row("Mail catcher (web UI)", mail.web_url)
    table.add_row("Admin console", f"{keycloak.url}/admin/master/console/#/{REALM}")
    table.add_row("  admin login", f"admin / {secrets['KEYCLOAK_ADMIN_PASSWORD']}")
    table.add_row(
        "Demo administrator",
        f"{demo_admin} / {secrets['DEMO_USER_PASSWORD']} ({DEMO_STRUCTURE_NAME}, SIRET {DEMO_STRUCTURE_SIRET})",
    )
    table.add_row(
        "  second factor",
        "enrolled at its first login (« Protéger votre compte »): an authenticator application, or a "
        f"passkey when the pages are opened as {keycloak.url.replace('127.0.0.1', 'localhost')} (never an IP address)",
    )
    table.add_row("Concession to link", "« EAU DU HAVRE - RESEAU NORD », code 4827 (others in the README)")
    table.add_row("« Créer un compte Pro »", "SIRET 41234567000019 or another of the README's offline sample")
    if federation_user:
        table.add_row(
            "« S'identifier avec ProConnect »",
            f"local federation: {federation_user} / {secrets['DEMO_USER_PASSWORD']} (SIRET 51234567900017)",
        )
    table.add_row("Database", database.describe())
    table.add_row(
        "Logs",
        str(logs) + f" and {keycloak.log_file}" + (f" and {database.server.log_file}" if database.server else ""),
    )
    console.print(table)
    print(READY_LINE, flush=True)


if __name__ == "__main__":
    sys.exit(main())
