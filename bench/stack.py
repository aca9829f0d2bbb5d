"""The full stack for the benchmarks that need Keycloak: mail catcher, Keycloak with our realm
and extension, the fake SIRENE register, the adapter (assembled by devstack/stack.py); started
once, stopped on exit. On embedded defaults, or on a database and a realm file of the bench's
choosing (bench/scale.py: PostgreSQL, a generated population, a production node's heap)."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from keycloak import KeycloakAdmin

from devstack import secrets_store
from devstack import stack as assembly
from devstack.fake_sirene import FakeSirene
from devstack.keycloak import KeycloakServer
from devstack.ports import free_port
from devstack.postgres import StackDatabase
from devstack.services import MailCatcher, PortalAdapter


@dataclass
class Stack:
    keycloak: KeycloakServer
    adapter: PortalAdapter
    mail: MailCatcher
    fake_sirene: FakeSirene
    parts: assembly.Stack
    keycloak_startup_s: float  # Keycloak's start, with the import of its realm files

    @property
    def secrets(self) -> dict[str, str]:
        return self.parts.secrets

    def admin(self) -> KeycloakAdmin:
        return self.parts.admin()


@contextlib.contextmanager
def running(
    work_dir: Path,
    name: str = "stack",
    *,
    database: Callable[[Path, dict[str, str]], StackDatabase] | None = None,
    realm_file: Path | None = None,
    keycloak_env: dict[str, str] | None = None,
    keycloak_timeout: float = 240.0,
) -> Iterator[Stack]:
    """The stack in ``work_dir/name``. ``database(home, secrets)`` chooses its databases (default:
    Keycloak's dev-file and SQLite); ``realm_file`` replaces the project's realm at import."""
    home = work_dir / name
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    secrets = secrets_store.generate()
    mail_port, mail_ui_port, keycloak_port, management_port, portal_port = (free_port() for _ in range(5))
    parts = assembly.Stack(
        home=home,
        secrets=secrets,
        keycloak_port=keycloak_port,
        management_port=management_port,
        portal_port=portal_port,
        smtp_port=mail_port,
        mail_ui_port=mail_ui_port,
        trusted_proxies=True,
        database=database(home, secrets) if database else None,
    )
    with assembly.started() as started:
        if parts.database is not None:
            started.start(parts.database)
        mail = started.start(parts.mail())
        began = time.perf_counter()
        server = parts.keycloak(**({"realm_files": (realm_file,)} if realm_file else {}))
        server.env.update(keycloak_env or {})
        keycloak = started.start(server, timeout=keycloak_timeout)
        startup = time.perf_counter() - began
        fake = started.start(FakeSirene())
        adapter = started.start(parts.adapter(keycloak.url, sirene=fake, SIRENE_RECHERCHE_RATE_PER_SECOND="1000"))
        yield Stack(keycloak, adapter, mail, fake, parts, startup)
