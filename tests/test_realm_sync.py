"""deploy/keycloak/realm-sync.sh against the session's real Keycloak (issue 24, item 10): the
realm is imported once, so a rotated client secret reaches a running Keycloak only through
the admin API. The script (kcadm.sh, as in the production image) sets it; the old secret then
stops working and the new one works. Also: admin events expire after 90 days (item 11:
the realm attribute ``adminEventsExpiration``, in seconds, as realm-config/README.md says)."""

from __future__ import annotations

import os
import secrets as random_secrets
import subprocess

import requests

from devstack import paths
from devstack.jdk import choose_jdk
from devstack.stack import REALM

SCRIPT = paths.ROOT / "deploy" / "keycloak" / "realm-sync.sh"
NINETY_DAYS = 90 * 24 * 3600


def _sync(keycloak, admin_password: str, **values: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": str(keycloak.home), "JAVA_HOME": str(choose_jdk().home),
           "KCADM": str(keycloak.home / "bin" / "kcadm.sh"), "KEYCLOAK_URL": keycloak.url,
           "SYNC_ADMIN_USER": "admin", "SYNC_ADMIN_PASSWORD": admin_password, **values}
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _token_status(keycloak, secret: str) -> int:
    return requests.post(f"{keycloak.url}/realms/{REALM}/protocol/openid-connect/token",
                         data={"grant_type": "client_credentials", "client_id": "portal-adapter",
                               "client_secret": secret}, timeout=10).status_code


def test_realm_sync_rotates_a_client_secret_of_the_running_keycloak(keycloak, secrets):
    old = secrets["PORTAL_ADAPTER_CLIENT_SECRET"]
    new = random_secrets.token_urlsafe(32)
    assert _token_status(keycloak, old) == 200  # the imported secret works
    try:
        done = _sync(keycloak, secrets["KEYCLOAK_ADMIN_PASSWORD"], PORTAL_ADAPTER_CLIENT_SECRET=new)
        assert "client portal-adapter: secret set from PORTAL_ADAPTER_CLIENT_SECRET" in done.stdout
        assert new not in done.stdout + done.stderr
        assert _token_status(keycloak, new) == 200
        assert _token_status(keycloak, old) == 401
    finally:
        _sync(keycloak, secrets["KEYCLOAK_ADMIN_PASSWORD"], PORTAL_ADAPTER_CLIENT_SECRET=old)
    assert _token_status(keycloak, old) == 200


def _admin_events_expiration(kc_admin) -> str:
    """The realm attribute Keycloak's event store reads (JpaEventStoreProvider) when it purges."""
    return kc_admin.get_realm(REALM)["attributes"].get("adminEventsExpiration")


def test_realm_sync_sets_realm_settings_and_admin_events_expire_after_90_days(keycloak, kc_admin, secrets):
    assert kc_admin.get_realm(REALM)["adminEventsEnabled"]
    assert _admin_events_expiration(kc_admin) == str(NINETY_DAYS)  # from the realm file
    try:
        _sync(keycloak, secrets["KEYCLOAK_ADMIN_PASSWORD"], SYNC_REALM_SETTINGS="attributes.adminEventsExpiration=86400")
        assert _admin_events_expiration(kc_admin) == "86400"
    finally:
        _sync(keycloak, secrets["KEYCLOAK_ADMIN_PASSWORD"],
              SYNC_REALM_SETTINGS=f"attributes.adminEventsExpiration={NINETY_DAYS}")
