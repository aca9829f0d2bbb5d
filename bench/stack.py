"""The full stack for the benchmarks that need Keycloak: mail catcher, Keycloak with our realm
and extension, the fake SIRENE register, the adapter (assembled by devstack/stack.py); started
once, stopped on exit."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from keycloak import KeycloakAdmin

from devstack import secrets_store
from devstack import stack as assembly
from devstack.fake_sirene import FakeSirene
from devstack.keycloak import KeycloakServer
from devstack.ports import free_port
from devstack.services import MailCatcher, PortalAdapter


@dataclass
class Stack:
    keycloak: KeycloakServer
    adapter: PortalAdapter
    mail: MailCatcher
    fake_sirene: FakeSirene
    parts: assembly.Stack

    @property
    def secrets(self) -> dict[str, str]:
        return self.parts.secrets

    def admin(self) -> KeycloakAdmin:
        return self.parts.admin()


@contextlib.contextmanager
def running(work_dir: Path, name: str = "stack") -> Iterator[Stack]:
    home = work_dir / name
    shutil.rmtree(home, ignore_errors=True)
    mail_port, mail_ui_port, keycloak_port, management_port, portal_port = (free_port() for _ in range(5))
    parts = assembly.Stack(
        home=home,
        secrets=secrets_store.generate(),
        keycloak_port=keycloak_port,
        management_port=management_port,
        portal_port=portal_port,
        smtp_port=mail_port,
        mail_ui_port=mail_ui_port,
        trusted_proxies=True,
    )
    with assembly.started() as started:
        mail = started.start(parts.mail())
        keycloak = started.start(parts.keycloak())
        fake = started.start(FakeSirene())
        adapter = started.start(parts.adapter(keycloak.url, sirene=fake, SIRENE_RECHERCHE_RATE_PER_SECOND="1000"))
        yield Stack(keycloak, adapter, mail, fake, parts)
