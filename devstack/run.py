"""``make run``: the whole stack on embedded defaults, until Ctrl-C.

Keycloak (dev mode, dev-file database kept in .local/run), the mail catcher, the portal
adapter under gunicorn; a demo administrator; then the URLs. Ports and the data folder
can be changed with HARIANE_* variables (see the README).
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
from devstack.demo import DEMO_ADMIN, master_admin, provision_user
from devstack.errors import StackError
from devstack.keycloak import KeycloakServer
from devstack.services import MailCatcher, PortalAdapter
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
            ) | {"HARIANE_ENVIRONMENT_BANNER": BANNER},
        )
        adapter = PortalAdapter(portal_port, logs / "portal-adapter.log",
                                env=adapter_env(keycloak_url=keycloak.url, secrets=secrets,
                                                database_url=f"sqlite:///{run_dir / 'portal-adapter.db'}")
                                | {"HARIANE_ENVIRONMENT_BANNER": BANNER})

        with console.status("Starting the mail catcher…"):
            mail.start()
        processes.append(mail)
        with console.status(f"Starting Keycloak (log: {keycloak.log_file}); the first start takes about a minute…"):
            keycloak.prepare()
            processes.append(keycloak)
            keycloak.start()
        with console.status("Provisioning the demo administrator…"):
            admin = master_admin(keycloak.url, "admin", secrets["KEYCLOAK_ADMIN_PASSWORD"], REALM)
            provision_user(admin, DEMO_ADMIN, secrets["DEMO_USER_PASSWORD"])
        with console.status("Starting the portal adapter…"):
            adapter.start()
        processes.append(adapter)

        _print_urls(keycloak, adapter, mail, secrets, logs, time.monotonic() - started)
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


def _print_urls(keycloak, adapter, mail, secrets, logs: Path, seconds: float) -> None:
    table = Table(title=f"{READY_LINE} (in {seconds:.0f} s) — Ctrl-C stops everything", show_lines=False)
    table.add_column("What")
    table.add_column("Where")
    table.add_row("Portal", f"{adapter.url}/")
    table.add_row("Keycloak login page", f"{keycloak.url}/realms/{REALM}/account/")
    table.add_row("Mail catcher (web UI)", mail.web_url)
    table.add_row("Admin console", f"{keycloak.url}/admin/master/console/#/{REALM}")
    table.add_row("  admin login", f"admin / {secrets['KEYCLOAK_ADMIN_PASSWORD']}")
    table.add_row("Demo administrator", f"{DEMO_ADMIN.username} / {secrets['DEMO_USER_PASSWORD']}")
    table.add_row("« Créer un compte Pro »", "SIRET 81234567600017 or another of the README's offline sample")
    table.add_row("Logs", str(logs) + f" and {keycloak.log_file}")
    console.print(table)
    print(READY_LINE, flush=True)


if __name__ == "__main__":
    sys.exit(main())
