"""The application's configuration, read once from the environment.

Required: ``VOIRIE_BASE_URL``, ``KEYCLOAK_URL``, ``VOIRIE_CLIENT_SECRET``, ``VOIRIE_SECRET_KEY``.
Optional: ``KEYCLOAK_PUBLIC_URL`` (the issuer's host when browsers reach Keycloak elsewhere),
``VOIRIE_DATABASE_PATH`` (the requests' SQLite file), ``VOIRIE_DEMO_REQUESTS`` (a JSON seed
file), ``HARIANE_PORTAL_URL`` (the Hariane PRO portal, for the « Retour au tableau de bord »
links).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REALM = "hariane-pro"
CLIENT_ID = "voirie"
DEFAULT_DATABASE_PATH = Path(tempfile.gettempdir()) / "voirie_app" / "voirie.db"


class ConfigurationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    base_url: str
    keycloak_url: str
    client_secret: str
    secret_key: str
    keycloak_public_url: str = ""
    database_path: Path = DEFAULT_DATABASE_PATH
    demo_requests: Path | None = None
    portal_url: str = ""
    client_id: str = CLIENT_ID
    http_timeout_seconds: float = 10.0

    @property
    def issuer(self) -> str:
        return f"{(self.keycloak_public_url or self.keycloak_url)}/realms/{REALM}"

    @property
    def metadata_url(self) -> str:
        """The discovery document, read over the back channel."""
        return f"{self.keycloak_url}/realms/{REALM}/.well-known/openid-configuration"

    @property
    def callback_url(self) -> str:
        return f"{self.base_url}/auth/callback"

    @property
    def portal_dashboard_url(self) -> str:
        return f"{self.portal_url}/tableau-de-bord" if self.portal_url else ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        def required(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise ConfigurationError(f"{name} is not set")
            return value

        def optional(name: str) -> str:
            return env.get(name, "").strip()

        demo = optional("VOIRIE_DEMO_REQUESTS")
        return cls(
            base_url=required("VOIRIE_BASE_URL").rstrip("/"),
            keycloak_url=required("KEYCLOAK_URL").rstrip("/"),
            client_secret=required("VOIRIE_CLIENT_SECRET"),
            secret_key=required("VOIRIE_SECRET_KEY"),
            keycloak_public_url=optional("KEYCLOAK_PUBLIC_URL").rstrip("/"),
            database_path=Path(optional("VOIRIE_DATABASE_PATH") or DEFAULT_DATABASE_PATH),
            demo_requests=Path(demo) if demo else None,
            portal_url=optional("HARIANE_PORTAL_URL").rstrip("/"),
        )
