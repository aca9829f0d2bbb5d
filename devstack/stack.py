"""The stack, assembled once for ``make run``, the tests and the benchmarks: the environment
each process gets, and ``Stack``, which builds Keycloak, the mail catcher, the adapter and the
reference app with it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from keycloak import KeycloakAdmin

from devstack import paths, proconnect
from devstack.demo import master_admin
from devstack.errors import StackError
from devstack.fake_sirene import INSEE_KEY, FakeSirene
from devstack.keycloak import KeycloakServer
from devstack.postgres import StackDatabase
from devstack.services import GunicornApp, MailCatcher, PortalAdapter

REALM = "hariane-pro"
VOIRIE_ALERT_EMAIL = "service-voirie@lehavre-metropole.test"  # the metropolis's road-works service (local stack)
VOIRIE_CONTACT = "voirie@lehavre-metropole.test, 02 35 00 00 00"  # what pages show of it (local stack)
AGENTS_EMAIL = "agents-hariane@lehavre-metropole.test"  # the metropolis's agents: escalated join requests


def keycloak_env(*, portal_url: str, voirie_url: str, smtp_port: int, secrets: dict[str, str]) -> dict[str, str]:
    """Values for the ``${...}`` placeholders of realm-config/hariane-pro-realm.json, and the
    extension's settings (the adapter it asks for structures)."""
    return {
        "HARIANE_ADAPTER_URL": portal_url,
        "HARIANE_PORTAL_URL": portal_url,
        "HARIANE_ADAPTER_API_SECRET": secrets["PORTAL_API_SECRET"],
        "PORTAL_BASE_URL": portal_url,
        "VOIRIE_BASE_URL": voirie_url,
        "PORTAL_CLIENT_SECRET": secrets["PORTAL_CLIENT_SECRET"],
        "VOIRIE_CLIENT_SECRET": secrets["VOIRIE_CLIENT_SECRET"],
        "PORTAL_ADAPTER_CLIENT_SECRET": secrets["PORTAL_ADAPTER_CLIENT_SECRET"],
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_FROM": "ne-pas-repondre@hariane-pro.test",
        "SMTP_SSL": "false",
        "SMTP_STARTTLS": "false",
        "SMTP_AUTH": "false",
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
    }


def adapter_env(
    *,
    keycloak_url: str,
    secrets: dict[str, str],
    database_url: str,
    env: str = "development",
    voirie_url: str = "",
    smtp_port: int | None = None,
) -> dict[str, str]:
    """Environment of the portal adapter (its PORTAL_BASE_URL is set by PortalAdapter).

    The SIRENE register is the offline sample unless SIRENE_RECHERCHE_URL is set."""
    mail = (
        {}
        if smtp_port is None
        else {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SMTP_FROM": "ne-pas-repondre@hariane-pro.test",
            "VOIRIE_ALERT_EMAIL": VOIRIE_ALERT_EMAIL,
            "VOIRIE_CONTACT": VOIRIE_CONTACT,
            "JOIN_REQUESTS_AGENTS_EMAIL": AGENTS_EMAIL,
        }
    )
    return (
        mail
        | ({"VOIRIE_BASE_URL": voirie_url} if voirie_url else {})
        | {
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_API_SECRET": secrets["PORTAL_API_SECRET"],
            "CONCESSION_CODE_PEPPER": secrets["CONCESSION_CODE_PEPPER"],
            "PORTAL_ENV": env,
            "KEYCLOAK_URL": keycloak_url,
            "KEYCLOAK_REALM": REALM,
            "PORTAL_CLIENT_SECRET": secrets["PORTAL_CLIENT_SECRET"],
            "PORTAL_ADAPTER_CLIENT_SECRET": secrets["PORTAL_ADAPTER_CLIENT_SECRET"],
            "PORTAL_SECRET_KEY": secrets["PORTAL_SECRET_KEY"],
        }
    )


DISCARD_URL = "http://127.0.0.1:9"  # the discard port: nothing listens there


@dataclass
class Stack:
    """The Keycloak + mail catcher + adapter + reference app stack, assembled in one place for
    ``make run``, the tests and the benchmarks: each method builds one part with the right
    environment (not started); ``started()`` starts them and stops them in reverse order.

    ``smtp_port`` is where Keycloak (and the adapter, unless told otherwise) send mail (default:
    the discard port); the mail catcher listens there when ``mail_ui_port`` is given. Without
    ``portal_port`` or ``voirie_port`` the URLs given to Keycloak point to the discard port."""

    home: Path  # data (Keycloak's home, the databases)
    secrets: dict[str, str]
    keycloak_port: int = 0  # 0: no Keycloak of its own (a cluster's URL is given to adapter())
    management_port: int = 0
    portal_port: int | None = None
    voirie_port: int | None = None
    smtp_port: int = 9
    mail_ui_port: int | None = None
    logs: Path | None = None  # the processes' logs (default: home)
    env: str = "test"  # the adapter's PORTAL_ENV
    database: StackDatabase | None = None  # default: Keycloak's dev-file and a SQLite file in home
    banner: str | None = None  # HARIANE_ENVIRONMENT_BANNER
    trusted_proxies: bool = False  # tests play client addresses through X-Forwarded-For
    public_portal_url: str = ""  # the portal's URL behind a front, instead of its loopback port
    public_voirie_url: str = ""
    proconnect: str = (
        ""  # the identity provider proconnect: "" off, "local", "local-off", "env" (devstack/proconnect.py)
    )

    @property
    def log_dir(self) -> Path:
        return self.logs or self.home

    @property
    def portal_url(self) -> str:
        if self.public_portal_url:
            return self.public_portal_url
        return f"http://127.0.0.1:{self.portal_port}" if self.portal_port else DISCARD_URL

    @property
    def voirie_url(self) -> str:
        if self.public_voirie_url:
            return self.public_voirie_url
        return f"http://127.0.0.1:{self.voirie_port}" if self.voirie_port else DISCARD_URL

    @property
    def database_url(self) -> str:
        return self.database.portal_url() if self.database else f"sqlite:///{self.home / 'portal-adapter.db'}"

    def _banner(self) -> dict[str, str]:
        return {"HARIANE_ENVIRONMENT_BANNER": self.banner} if self.banner else {}

    def mail(self) -> MailCatcher:
        if self.mail_ui_port is None:
            raise StackError("this stack has no mail catcher (no mail_ui_port)")
        return MailCatcher(self.smtp_port, self.mail_ui_port, self.log_dir / "maildev.log")

    def keycloak_env(self) -> dict[str, str]:
        """Keycloak's environment: the realm's placeholders, the banner, the database's."""
        return (
            keycloak_env(
                portal_url=self.portal_url, voirie_url=self.voirie_url, smtp_port=self.smtp_port, secrets=self.secrets
            )
            | self._banner()
            | (self.database.keycloak_env() if self.database else {})
            | proconnect.chosen(
                self.proconnect, self.keycloak_url(), self.secrets.get("PROCONNECT_LOCAL_CLIENT_SECRET", "")
            )
        )

    def keycloak(self, home: Path | None = None, extra_args: tuple[str, ...] = (), **options) -> KeycloakServer:
        if self.proconnect.startswith("local"):
            options.setdefault("realm_files", (paths.REALM_FILE, proconnect.LOCAL_REALM_FILE))
        return KeycloakServer(
            home=home or self.home / "keycloak",
            http_port=self.keycloak_port,
            management_port=self.management_port,
            admin_username="admin",
            admin_password=self.secrets["KEYCLOAK_ADMIN_PASSWORD"],
            env=self.keycloak_env(),
            extra_args=(*(self.database.keycloak_args() if self.database else ()), *extra_args),
            **options,
        )

    def keycloak_url(self) -> str:
        return f"http://127.0.0.1:{self.keycloak_port}"

    def adapter_env(
        self, keycloak_url: str | None = None, *, sirene: FakeSirene | None = None, mail: bool = True
    ) -> dict[str, str]:
        """The adapter's environment; ``sirene``: the fake register instead of the offline sample."""
        env = adapter_env(
            keycloak_url=keycloak_url or self.keycloak_url(),
            secrets=self.secrets,
            env=self.env,
            database_url=self.database_url,
            voirie_url=self.voirie_url if self.voirie_port else "",
            smtp_port=self.smtp_port if mail else None,
        )
        if self.trusted_proxies:
            env |= {"PORTAL_TRUSTED_PROXIES": "1"}
        if sirene is not None:
            env |= {
                "SIRENE_RECHERCHE_URL": sirene.recherche_url,
                "SIRENE_INSEE_URL": sirene.insee_url,
                "SIRENE_INSEE_API_KEY": INSEE_KEY,
            }
        return env | self._banner()

    def adapter(
        self,
        keycloak_url: str | None = None,
        *,
        sirene: FakeSirene | None = None,
        mail: bool = True,
        log: Path | None = None,
        **env: str,
    ) -> PortalAdapter:
        """The portal adapter; ``env`` adds or overrides variables."""
        if self.portal_port is None:
            raise StackError("this stack has no portal port")
        return PortalAdapter(
            self.portal_port,
            log or self.log_dir / "portal-adapter.log",
            env=self.adapter_env(keycloak_url, sirene=sirene, mail=mail) | env,
        )

    def voirie(self, keycloak_url: str | None = None) -> GunicornApp:
        """The reference road-works relying application (examples/voirie_app), client ``voirie``."""
        if self.voirie_port is None:
            raise StackError("this stack has no voirie port")
        return GunicornApp(
            self.voirie_port,
            self.log_dir / "voirie.log",
            app="voirie_app.wsgi:app",
            base_url_env="VOIRIE_BASE_URL",
            env={
                "KEYCLOAK_URL": keycloak_url or self.keycloak_url(),
                "VOIRIE_CLIENT_SECRET": self.secrets["VOIRIE_CLIENT_SECRET"],
                "VOIRIE_SECRET_KEY": self.secrets["PORTAL_SECRET_KEY"] + "-voirie",
                "VOIRIE_DATABASE_PATH": str(self.home / "voirie.db"),
                "VOIRIE_DEMO_REQUESTS": str(paths.ROOT / "examples" / "voirie_app" / "demo_requests.json"),
                "HARIANE_PORTAL_URL": self.portal_url,
            },
        )

    def admin(self) -> KeycloakAdmin:
        """python-keycloak logged into master as the bootstrap admin, working on the realm."""
        return master_admin(self.keycloak_url(), "admin", self.secrets["KEYCLOAK_ADMIN_PASSWORD"], REALM)


@dataclass
class Started:
    """Parts started by ``running()``, stopped in reverse order by ``stop()``."""

    parts: list = field(default_factory=list)

    def start(self, part, *args, **kwargs):
        """Start ``part`` (``prepare()`` first when it has one); it is stopped with the others."""
        if hasattr(part, "prepare"):
            part.prepare()
        self.parts.append(part)
        part.start(*args, **kwargs)
        return part

    def stop(self) -> None:
        for part in reversed(self.parts):
            part.stop()
        self.parts.clear()


@contextlib.contextmanager
def started() -> Iterator[Started]:
    """``with started() as parts: parts.start(x)…``: whatever was started is stopped on exit."""
    parts = Started()
    try:
        yield parts
    finally:
        parts.stop()
