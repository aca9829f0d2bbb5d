"""The full stack for the benchmarks that need Keycloak: mail catcher, Keycloak with our realm
and extension, the fake SIRENE register, the adapter; started once, stopped on exit."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from keycloak import KeycloakAdmin

from devstack import secrets_store
from devstack.demo import master_admin
from devstack.fake_sirene import INSEE_KEY, FakeSirene
from devstack.keycloak import KeycloakServer
from devstack.ports import free_port
from devstack.services import MailCatcher, PortalAdapter
from devstack.stack import REALM, adapter_env, keycloak_env


@dataclass
class Stack:
    keycloak: KeycloakServer
    adapter: PortalAdapter
    mail: MailCatcher
    fake_sirene: FakeSirene
    secrets: dict[str, str]

    def admin(self) -> KeycloakAdmin:
        return master_admin(self.keycloak.url, "admin", self.secrets["KEYCLOAK_ADMIN_PASSWORD"], REALM)


@contextlib.contextmanager
def running(work_dir: Path, name: str = "stack") -> Iterator[Stack]:
    home = work_dir / name
    shutil.rmtree(home, ignore_errors=True)
    secrets = secrets_store.generate()
    ports = [free_port() for _ in range(5)]
    started: list = []
    try:
        mail = MailCatcher(ports[0], ports[1], home / "maildev.log")
        mail.start()
        started.append(mail)
        keycloak = KeycloakServer(
            home=home / "keycloak",
            http_port=ports[2],
            management_port=ports[3],
            admin_username="admin",
            admin_password=secrets["KEYCLOAK_ADMIN_PASSWORD"],
            env=keycloak_env(
                portal_url=f"http://127.0.0.1:{ports[4]}",
                voirie_url="http://127.0.0.1:9",
                smtp_port=mail.smtp_port,
                secrets=secrets,
            ),
        )
        keycloak.prepare()
        started.append(keycloak)
        keycloak.start()
        fake = FakeSirene().start()
        started.append(fake)
        env = adapter_env(
            keycloak_url=keycloak.url,
            secrets=secrets,
            env="test",
            database_url=f"sqlite:///{home / 'portal-adapter.db'}",
            smtp_port=mail.smtp_port,
        )
        env |= {
            "SIRENE_RECHERCHE_URL": fake.recherche_url,
            "SIRENE_INSEE_URL": fake.insee_url,
            "SIRENE_INSEE_API_KEY": INSEE_KEY,
            "SIRENE_RECHERCHE_RATE_PER_SECOND": "1000",
            "PORTAL_TRUSTED_PROXIES": "1",
        }
        adapter = PortalAdapter(ports[4], home / "portal-adapter.log", env=env)
        adapter.start()
        started.append(adapter)
        yield Stack(keycloak, adapter, mail, fake, secrets)
    finally:
        for part in reversed(started):
            part.stop()
