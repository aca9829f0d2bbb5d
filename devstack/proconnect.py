"""ProConnect for the local stack: the identity provider ``proconnect`` of the realm is off unless
configured, and the local federation (realm ``proconnect-local``, docs/proconnect.md) stands in
for ProConnect on this machine.

The realm file reads the provider's settings from Keycloak's environment (``${PROCONNECT_*}``):
``proconnect_env`` gives them: off (every value empty), the local federation's, or what the
developer exported (real ProConnect's integration environment, README « S'identifier avec
ProConnect »)."""

from __future__ import annotations

import os

from devstack import paths
from devstack.errors import StackError

LOCAL_REALM = "proconnect-local"
LOCAL_REALM_FILE = paths.REALM_DIR / "proconnect-local-realm.json"
LOCAL_CLIENT_ID = "hariane-pro"
SWITCH = "HARIANE_PROCONNECT"  # "local": the local federation; "env": PROCONNECT_* from the environment
URL_NAMES = ("ISSUER", "AUTHORIZATION_URL", "TOKEN_URL", "USERINFO_URL", "JWKS_URL", "LOGOUT_URL")
NAMES = ("PROCONNECT_ENABLED", "PROCONNECT_CLIENT_ID", "PROCONNECT_CLIENT_SECRET") + tuple(
    f"PROCONNECT_{name}" for name in URL_NAMES
)


# The provider switched off: Keycloak validates an OIDC provider's settings at import even when it
# is disabled (it refuses to start on an empty JWKS URL while signatures are checked), so an
# unconfigured provider gets addresses under the reserved ``.invalid`` domain (RFC 2606), never
# called. docker-compose.yml's defaults are these values (tests/test_compose.py checks it).
OFF = {
    "PROCONNECT_ENABLED": "false",
    "PROCONNECT_CLIENT_ID": "non-configure",
    "PROCONNECT_CLIENT_SECRET": "non-configure",
    "PROCONNECT_ISSUER": "https://proconnect.invalid",
    "PROCONNECT_AUTHORIZATION_URL": "https://proconnect.invalid/authorize",
    "PROCONNECT_TOKEN_URL": "https://proconnect.invalid/token",
    "PROCONNECT_USERINFO_URL": "https://proconnect.invalid/userinfo",
    "PROCONNECT_JWKS_URL": "https://proconnect.invalid/jwks",
    "PROCONNECT_LOGOUT_URL": "https://proconnect.invalid/session/end",
}


def off() -> dict[str, str]:
    return dict(OFF)


def local_env(keycloak_url: str, client_secret: str, *, enabled: bool = True) -> dict[str, str]:
    """The provider pointed at the local federation (same Keycloak, realm proconnect-local),
    and the placeholders of realm-config/proconnect-local-realm.json."""
    issuer = f"{keycloak_url}/realms/{LOCAL_REALM}"
    oidc = f"{issuer}/protocol/openid-connect"
    return {
        "PROCONNECT_ENABLED": "true" if enabled else "false",
        "PROCONNECT_CLIENT_ID": LOCAL_CLIENT_ID,
        "PROCONNECT_CLIENT_SECRET": client_secret,
        "PROCONNECT_ISSUER": issuer,
        "PROCONNECT_AUTHORIZATION_URL": f"{oidc}/auth",
        "PROCONNECT_TOKEN_URL": f"{oidc}/token",
        "PROCONNECT_USERINFO_URL": f"{oidc}/userinfo",
        "PROCONNECT_JWKS_URL": f"{oidc}/certs",
        "PROCONNECT_LOGOUT_URL": f"{oidc}/logout",
        "PROCONNECT_LOCAL_CLIENT_SECRET": client_secret,
        "PROCONNECT_LOCAL_REDIRECT_URI": f"{keycloak_url}/realms/hariane-pro/broker/proconnect/endpoint",
        "PROCONNECT_LOCAL_POST_LOGOUT_URI": f"{keycloak_url}/realms/hariane-pro/broker/proconnect/endpoint/logout_response",
    }


def from_environment() -> dict[str, str]:
    """Real ProConnect, as the developer exported it (every PROCONNECT_* variable)."""
    missing = [name for name in NAMES if name != "PROCONNECT_ENABLED" and not os.environ.get(name)]
    if missing:
        raise StackError(f"{SWITCH}=env needs {', '.join(missing)} (README « S'identifier avec ProConnect »)")
    return {name: os.environ.get(name, "") for name in NAMES} | {"PROCONNECT_ENABLED": "true"}


def chosen(mode: str, keycloak_url: str, client_secret: str) -> dict[str, str]:
    """The provider's environment for ``mode``: "" (off), "local", "local-off" (the local
    federation imported and the provider pointed at it, but disabled: the tests switch it on)
    or "env"."""
    if mode in ("local", "local-off"):
        return local_env(keycloak_url, client_secret, enabled=mode == "local")
    if mode == "env":
        return from_environment()
    return off()


ALIAS = "proconnect"
CONFIG_KEYS = {
    "PROCONNECT_CLIENT_ID": "clientId",
    "PROCONNECT_CLIENT_SECRET": "clientSecret",
    "PROCONNECT_ISSUER": "issuer",
    "PROCONNECT_AUTHORIZATION_URL": "authorizationUrl",
    "PROCONNECT_TOKEN_URL": "tokenUrl",
    "PROCONNECT_USERINFO_URL": "userInfoUrl",
    "PROCONNECT_JWKS_URL": "jwksUrl",
    "PROCONNECT_LOGOUT_URL": "logoutUrl",
}


def apply(admin, env: dict[str, str]) -> None:
    """Set the realm's provider from ``env`` (a realm imported earlier kept the values of its
    import: ``--import-realm`` skips an existing realm). ``admin``: python-keycloak on hariane-pro."""
    provider = admin.get_idp(ALIAS)
    provider["enabled"] = env["PROCONNECT_ENABLED"] == "true"
    provider["config"] |= {key: env[name] for name, key in CONFIG_KEYS.items() if env.get(name)}
    admin.update_idp(ALIAS, provider)


DEMO_USER = {
    "username": "claire.leroux",
    "email": "claire.leroux@leroux-terrassement.test",
    "firstName": "Claire",
    "lastName": "Leroux",
    # CLAIRE LEROUX, individual entrepreneur, in the offline sample: no Hariane PRO account yet
    "attributes": {"siret": ["51234567900017"], "acr": ["eidas1"], "amr": ["pwd"]},
}


def ensure_demo_user(admin, password: str) -> str:
    """The local federation's demo user (``admin`` works on realm proconnect-local), its
    password set back to ``password``; returns its login."""
    found = admin.get_users({"username": DEMO_USER["username"], "exact": True})
    user_id = found[0]["id"] if found else admin.create_user({**DEMO_USER, "enabled": True, "emailVerified": True})
    admin.set_user_password(user_id, password, temporary=False)
    return DEMO_USER["username"]
