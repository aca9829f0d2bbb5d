"""The environment each process of the stack gets; shared by ``make run`` and the tests."""

from __future__ import annotations

REALM = "hariane-pro"
VOIRIE_ALERT_EMAIL = "service-voirie@lehavre-metropole.test"  # the metropolis's road-works service (local stack)
VOIRIE_CONTACT = "voirie@lehavre-metropole.test, 02 35 00 00 00"  # what pages show of it (local stack)


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
