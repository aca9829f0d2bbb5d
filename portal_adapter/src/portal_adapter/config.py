"""The adapter's configuration, read from environment variables in one place.

Development defaults are obviously fake and refused when ``PORTAL_ENV=production``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

from portal_adapter.identity.names import REALM

DEV_MARKER = "dev-only-not-a-secret"
# Production secrets: at least this many characters (`openssl rand -base64 32` gives 44), of
# enough different ones, and none of the words of an example value. The same rule guards
# Keycloak's container (deploy/keycloak/entrypoint.sh).
SECRET_MIN_LENGTH = 32
SECRET_MIN_DISTINCT = 12
PLACEHOLDER_WORDS = ("change", "example", "placeholder", "secret", "password", "motdepasse", "xxxx", DEV_MARKER)
PRODUCTION_SECRETS = {
    "secret_key": "PORTAL_SECRET_KEY",
    "portal_client_secret": "PORTAL_CLIENT_SECRET",
    "adapter_client_secret": "PORTAL_ADAPTER_CLIENT_SECRET",
    "api_secret": "PORTAL_API_SECRET",
    "concession_code_pepper": "CONCESSION_CODE_PEPPER",
}
THROTTLE_SETTINGS = tuple(
    f"throttle_{action}_per_{scope}"
    for action in ("activation_link", "password_reset", "security_email")
    for scope in ("address", "client")
)
THROTTLE_LIMITS = re.compile(r"^(\s*\d+\s*/\s*\d+\s*(s|min|m|h|d)\s*)(,\s*\d+\s*/\s*\d+\s*(s|min|m|h|d)\s*)*$")
PRODUCTION_URLS = {"base_url": "PORTAL_BASE_URL", "keycloak_public_url": "KEYCLOAK_PUBLIC_URL"}


def weak_secret(value: str) -> bool:
    """An example value, a placeholder or too weak a secret for production."""
    lowered = value.lower().replace("_", "-")
    return (
        len(value) < SECRET_MIN_LENGTH
        or len(set(value)) < SECRET_MIN_DISTINCT
        or any(word in lowered for word in PLACEHOLDER_WORDS)
    )


class ConfigError(ValueError):
    """The environment does not describe a usable configuration."""


@dataclass(frozen=True)
class Settings:
    """Every setting of the adapter; see ``from_env`` for the variable names."""

    env: str = "development"
    base_url: str = "http://127.0.0.1:5000"
    secret_key: str = f"{DEV_MARKER}-flask-session-key"
    keycloak_url: str = "http://127.0.0.1:8080"
    keycloak_public_url: str = ""
    realm: str = REALM
    portal_client_id: str = "portal"
    portal_client_secret: str = f"{DEV_MARKER}-portal"
    adapter_client_id: str = "portal-adapter"
    adapter_client_secret: str = f"{DEV_MARKER}-adapter"
    environment_banner: str = ""
    help_url: str = "mailto:assistance-hariane@example.invalid"
    http_timeout_seconds: float = 10.0
    database_url: str = "sqlite:///portal-adapter.db"
    # Callers of /api/*: this shared secret, or a realm token of one of these clients.
    api_secret: str = f"{DEV_MARKER}-api"
    api_clients: str = "portal-adapter"
    # The SIRENE register: offline sample unless the Recherche d'entreprises URL is set.
    recherche_url: str = ""
    insee_url: str = "https://api.insee.fr/api-sirene/3.11"
    insee_api_key: str = ""
    sirene_timeout_seconds: float = 5.0
    recherche_rate_per_second: float = 5.0  # published limit: 7/s per IP
    insee_rate_per_minute: float = 25.0  # published limit: about 30/min per key
    sirene_found_ttl_seconds: float = 12 * 3600.0
    sirene_not_found_ttl_seconds: float = 600.0
    # Secret key of the concession codes' HMAC (at least 32 bytes); never in the database.
    concession_code_pepper: str = f"{DEV_MARKER}-concession-code-pepper"
    # The road-works application the « Nouvelle démarche » menu opens.
    voirie_url: str = "http://127.0.0.1:5001"
    # Reverse proxies in front of the adapter whose X-Forwarded-For is believed (0: none;
    # 1 behind one proxy that overwrites the header). The client address feeds the lockout.
    trusted_proxies: int = 0
    # Mail the adapter sends itself (alerts); the same variables as Keycloak's realm SMTP.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "ne-pas-repondre@hariane-pro.test"
    smtp_starttls: str = "false"
    smtp_user: str = ""
    smtp_password: str = ""
    # The metropolis's road-works service, alerted when a concession is claimed twice or locked.
    voirie_alert_email: str = ""
    # How people reach the service Voirie, shown wherever pages send them to it (e.g. an
    # address and a phone number); without it the pages name the service only.
    voirie_contact: str = ""
    # "true" (default): the agents' pages (/agents/) ask for a login with a second factor (ID token
    # acr "mfa"; the role metropolis-agent includes second-factor-required); "false" only for a
    # realm whose agents cannot enrol one yet
    agents_require_mfa: str = "true"
    # The throttle on what sends e-mails (docs/throttles.md): "count/window" limits, comma-separated.
    throttle_activation_link_per_address: str = "3/1h,10/24h"
    throttle_activation_link_per_client: str = "20/1h,100/24h"
    throttle_password_reset_per_address: str = "3/1h,10/24h"
    throttle_password_reset_per_client: str = "20/1h,100/24h"
    throttle_security_email_per_address: str = "20/1h,50/24h"
    throttle_security_email_per_client: str = "200/1h"
    # Join requests (docs/join-requests.md): the metropolis agents' address for escalated
    # requests, the days before an unanswered request is escalated, and before any expires.
    join_requests_agents_email: str = ""
    join_requests_escalation_days: float = 7.0
    join_requests_expiry_days: float = 30.0
    # Inactive accounts (docs/account-lifecycle.md): days without login before the warning
    # e-mail, the disabling and the deletion (about 23, 24 and 36 months).
    account_warn_days: int = 700
    account_disable_days: int = 730
    account_delete_days: int = 1095
    # The day the extension began recording the last login (ISO date), on a realm older than it:
    # no account counts as inactive from before that day. Empty on a realm created with it.
    account_last_login_since: str = ""

    @property
    def issuer(self) -> str:
        return f"{self.public_keycloak_url}/realms/{self.realm}"

    @property
    def public_keycloak_url(self) -> str:
        """Keycloak as the browser reaches it (differs from the back-channel in compose)."""
        return self.keycloak_public_url or self.keycloak_url

    @property
    def metadata_url(self) -> str:
        return f"{self.keycloak_url}/realms/{self.realm}/.well-known/openid-configuration"

    @property
    def callback_url(self) -> str:
        return f"{self.base_url}/auth/callback"

    @property
    def sirene_offline(self) -> bool:
        return not self.recherche_url

    @property
    def api_client_ids(self) -> frozenset[str]:
        return frozenset(c.strip() for c in self.api_clients.split(",") if c.strip())

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        names = {
            "env": "PORTAL_ENV",
            "base_url": "PORTAL_BASE_URL",
            "secret_key": "PORTAL_SECRET_KEY",
            "keycloak_url": "KEYCLOAK_URL",
            "keycloak_public_url": "KEYCLOAK_PUBLIC_URL",
            "realm": "KEYCLOAK_REALM",
            "portal_client_id": "PORTAL_CLIENT_ID",
            "portal_client_secret": "PORTAL_CLIENT_SECRET",
            "adapter_client_id": "PORTAL_ADAPTER_CLIENT_ID",
            "adapter_client_secret": "PORTAL_ADAPTER_CLIENT_SECRET",
            "environment_banner": "HARIANE_ENVIRONMENT_BANNER",
            "help_url": "HARIANE_HELP_URL",
            "http_timeout_seconds": "PORTAL_HTTP_TIMEOUT_SECONDS",
            "database_url": "PORTAL_DATABASE_URL",
            "api_secret": "PORTAL_API_SECRET",
            "api_clients": "PORTAL_API_CLIENTS",
            "recherche_url": "SIRENE_RECHERCHE_URL",
            "insee_url": "SIRENE_INSEE_URL",
            "insee_api_key": "SIRENE_INSEE_API_KEY",
            "sirene_timeout_seconds": "SIRENE_TIMEOUT_SECONDS",
            "recherche_rate_per_second": "SIRENE_RECHERCHE_RATE_PER_SECOND",
            "insee_rate_per_minute": "SIRENE_INSEE_RATE_PER_MINUTE",
            "sirene_found_ttl_seconds": "SIRENE_FOUND_TTL_SECONDS",
            "sirene_not_found_ttl_seconds": "SIRENE_NOT_FOUND_TTL_SECONDS",
            "concession_code_pepper": "CONCESSION_CODE_PEPPER",
            "voirie_url": "VOIRIE_BASE_URL",
            "trusted_proxies": "PORTAL_TRUSTED_PROXIES",
            "smtp_host": "SMTP_HOST",
            "smtp_port": "SMTP_PORT",
            "smtp_from": "SMTP_FROM",
            "smtp_starttls": "SMTP_STARTTLS",
            "smtp_user": "SMTP_USER",
            "smtp_password": "SMTP_PASSWORD",
            "voirie_alert_email": "VOIRIE_ALERT_EMAIL",
            "voirie_contact": "VOIRIE_CONTACT",
            "agents_require_mfa": "PORTAL_AGENTS_REQUIRE_MFA",
            **{name: name.upper() for name in THROTTLE_SETTINGS},
            "join_requests_agents_email": "JOIN_REQUESTS_AGENTS_EMAIL",
            "join_requests_escalation_days": "JOIN_REQUESTS_ESCALATION_DAYS",
            "join_requests_expiry_days": "JOIN_REQUESTS_EXPIRY_DAYS",
            "account_warn_days": "ACCOUNT_INACTIVE_WARN_DAYS",
            "account_disable_days": "ACCOUNT_INACTIVE_DISABLE_DAYS",
            "account_delete_days": "ACCOUNT_INACTIVE_DELETE_DAYS",
            "account_last_login_since": "ACCOUNT_LAST_LOGIN_SINCE",
        }
        values: dict[str, object] = {}
        for field in fields(cls):
            raw = environ.get(names[field.name])
            if raw is None or raw == "":
                continue
            if field.type in ("float", "int"):
                try:
                    values[field.name] = float(raw) if field.type == "float" else int(raw)
                except ValueError as error:
                    raise ConfigError(f"{names[field.name]} must be a number, got {raw!r}") from error
            else:
                values[field.name] = raw.rstrip("/") if field.name.endswith("url") else raw
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        if self.env not in ("development", "test", "production"):
            raise ConfigError(f"PORTAL_ENV must be development, test or production, not {self.env!r}")
        if not 0 <= self.trusted_proxies <= 5:
            raise ConfigError("PORTAL_TRUSTED_PROXIES must be between 0 and 5")
        if self.env == "production":
            fake = [f.name for f in fields(self) if DEV_MARKER in str(getattr(self, f.name))]
            if fake:
                raise ConfigError("PORTAL_ENV=production refuses the development defaults of: " + ", ".join(fake))
            self._check_production_values()
        unreadable = [name.upper() for name in THROTTLE_SETTINGS if not THROTTLE_LIMITS.match(getattr(self, name))]
        if unreadable:
            raise ConfigError(f"{', '.join(unreadable)}: limits like 3/1h,10/24h (count/window, comma-separated)")
        if not 0 < self.account_warn_days < self.account_disable_days < self.account_delete_days:
            raise ConfigError(
                "ACCOUNT_INACTIVE_WARN_DAYS < ACCOUNT_INACTIVE_DISABLE_DAYS < ACCOUNT_INACTIVE_DELETE_DAYS, all above 0"
            )
        if self.account_last_login_since:
            try:
                date.fromisoformat(self.account_last_login_since)
            except ValueError as error:
                raise ConfigError("ACCOUNT_LAST_LOGIN_SINCE must be a day like 2026-12-01") from error
        if len(self.concession_code_pepper.encode()) < 32:
            raise ConfigError("CONCESSION_CODE_PEPPER must have at least 32 bytes")

    def _check_production_values(self) -> None:
        weak = [name for attribute, name in PRODUCTION_SECRETS.items() if weak_secret(getattr(self, attribute))]
        if weak:
            raise ConfigError(
                f"Secrets d'exemple ou trop faibles / placeholder or weak secrets: {', '.join(weak)}. "
                f"Mettez dans chacun au moins {SECRET_MIN_LENGTH} caractères aléatoires, p. ex. "
                f"`openssl rand -base64 32` / set each to at least {SECRET_MIN_LENGTH} random characters."
            )
        plain = [
            name
            for attribute, name in PRODUCTION_URLS.items()
            if getattr(self, attribute) and not getattr(self, attribute).startswith("https://")
        ]
        if plain:
            raise ConfigError(
                f"En production, ces adresses publiques doivent commencer par https:// / in production these "
                f"public URLs must start with https:// (Secure cookies, TLS): {', '.join(plain)}."
            )
