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

from devstack import paths, secrets_store
from devstack.demo import (
    DEMO_ADMIN,
    DEMO_REGISTRY,
    DEMO_STRUCTURE_NAME,
    DEMO_STRUCTURE_SIRET,
    join_structure,
    master_admin,
    provision_structure,
    provision_user,
)
from devstack.errors import StackError
from devstack.keycloak import KeycloakServer
from devstack.postgres import StackDatabase
from devstack.services import GunicornApp, MailCatcher, PortalAdapter
from devstack.stack import REALM, adapter_env, keycloak_env

console = Console()
READY_LINE = "Hariane PRO is ready"
BANNER = "Serveur de développement local"


def _port(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
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
    processes: list = []
    # Ctrl-C, kill and a closed terminal all stop the stack (a background `make run &`
    # starts with SIGINT ignored: install the handler explicitly).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    try:
        kc_port = _port("HARIANE_KEYCLOAK_PORT", 8080)
        portal_port = _port("HARIANE_PORTAL_PORT", 5000)
        voirie_port = _port("HARIANE_VOIRIE_PORT", 5001)
        secrets = secrets_store.load_or_create(run_dir / "secrets.env")
        database = StackDatabase.from_switch(
            folder=run_dir / "postgres",
            sqlite_file=run_dir / "portal-adapter.db",
            port=_port("HARIANE_POSTGRES_PORT", 15432),
            secrets=secrets,
            throwaway=False,
        )

        mail = MailCatcher(_port("HARIANE_SMTP_PORT", 1025), _port("HARIANE_MAIL_UI_PORT", 1080), logs / "maildev.log")
        keycloak = KeycloakServer(
            home=run_dir / "keycloak",
            http_port=kc_port,
            management_port=_port("HARIANE_KEYCLOAK_MANAGEMENT_PORT", 9000),
            admin_username="admin",
            admin_password=secrets["KEYCLOAK_ADMIN_PASSWORD"],
            env=keycloak_env(
                portal_url=f"http://127.0.0.1:{portal_port}",
                voirie_url=f"http://127.0.0.1:{voirie_port}",
                smtp_port=mail.smtp_port,
                secrets=secrets,
            )
            | {"HARIANE_ENVIRONMENT_BANNER": BANNER}
            | database.keycloak_env(),
            extra_args=database.keycloak_args(),
        )
        # the command line's default database and pepper in development (portal_adapter/cli_settings.py)
        secrets_store.write_private(
            run_dir / "portal-adapter.env",
            {"PORTAL_DATABASE_URL": database.portal_url(), "CONCESSION_CODE_PEPPER": secrets["CONCESSION_CODE_PEPPER"]},
        )
        adapter = PortalAdapter(
            portal_port,
            logs / "portal-adapter.log",
            env=adapter_env(
                keycloak_url=keycloak.url,
                secrets=secrets,
                database_url=database.portal_url(),
                voirie_url=f"http://127.0.0.1:{voirie_port}",
                smtp_port=mail.smtp_port,
            )
            | {"HARIANE_ENVIRONMENT_BANNER": BANNER},
        )
        voirie = GunicornApp(
            voirie_port,
            logs / "voirie.log",
            app="voirie_app.wsgi:app",
            base_url_env="VOIRIE_BASE_URL",
            env={
                "KEYCLOAK_URL": keycloak.url,
                "VOIRIE_CLIENT_SECRET": secrets["VOIRIE_CLIENT_SECRET"],
                "VOIRIE_SECRET_KEY": secrets["PORTAL_SECRET_KEY"] + "-voirie",
                "VOIRIE_DATABASE_PATH": str(run_dir / "voirie.db"),
                "VOIRIE_DEMO_REQUESTS": str(paths.ROOT / "examples" / "voirie_app" / "demo_requests.json"),
                "HARIANE_PORTAL_URL": f"http://127.0.0.1:{portal_port}",
            },
        )

        if database.server is not None:
            with console.status(f"Starting PostgreSQL (log: {database.server.log_file})…"):
                processes.append(database)
                database.start()
        with console.status("Starting the mail catcher…"):
            mail.start()
        processes.append(mail)
        with console.status(f"Starting Keycloak (log: {keycloak.log_file}); the first start takes about a minute…"):
            keycloak.prepare()
            processes.append(keycloak)
            keycloak.start()
        with console.status("Provisioning the demo administrator and its structure…"):
            admin = master_admin(keycloak.url, "admin", secrets["KEYCLOAK_ADMIN_PASSWORD"], REALM)
            user_id = provision_user(admin, DEMO_ADMIN, secrets["DEMO_USER_PASSWORD"])
            join_structure(
                admin,
                user_id,
                provision_structure(admin, DEMO_STRUCTURE_SIRET, DEMO_STRUCTURE_NAME),
                DEMO_STRUCTURE_SIRET,
            )
        with console.status("Starting the portal adapter…"):
            adapter.start()
        processes.append(adapter)
        with console.status("Importing the demo legacy concession registry…"):
            adapter.cli("concessions", "import", str(DEMO_REGISTRY))
        with console.status("Starting the reference road-works application…"):
            voirie.start()
        processes.append(voirie)

        _print_urls(keycloak, adapter, voirie, mail, secrets, logs, database, time.monotonic() - started)
        while all(p.process is not None and p.process.poll() is None for p in processes):
            time.sleep(1)
        dead = [type(p).__name__ for p in processes if p.process is None or p.process.poll() is not None]
        console.print(f"[red]Stopped: {', '.join(dead)} exited on its own; see the logs in {logs}.[/red]")
        return 1
    except (KeyboardInterrupt, _Stop):
        console.print("\nStopping…")
        return 0
    except StackError as error:
        console.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        return 1
    finally:
        for process in reversed(processes):
            process.stop()


def _print_urls(keycloak, adapter, voirie, mail, secrets, logs: Path, database: StackDatabase, seconds: float) -> None:
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
        f"{DEMO_ADMIN.username} / {secrets['DEMO_USER_PASSWORD']}"
        f" ({DEMO_STRUCTURE_NAME}, SIRET {DEMO_STRUCTURE_SIRET})",
    )
    table.add_row("Concession to link", "« EAU DU HAVRE - RESEAU NORD », code 4827 (others in the README)")
    table.add_row("« Créer un compte Pro »", "SIRET 41234567000019 or another of the README's offline sample")
    table.add_row("Database", database.describe())
    table.add_row(
        "Logs",
        str(logs) + f" and {keycloak.log_file}" + (f" and {database.server.log_file}" if database.server else ""),
    )
    console.print(table)
    print(READY_LINE, flush=True)


if __name__ == "__main__":
    sys.exit(main())
