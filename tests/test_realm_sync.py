"""deploy/keycloak/realm-sync.sh against the session's real Keycloak: the
realm is imported once, so a rotated client secret reaches a running Keycloak only through
the admin API. The script (kcadm.sh, as in the production image) sets it; the old secret then
stops working and the new one works. Also: admin events expire after 90 days (item 11:
the realm attribute ``adminEventsExpiration``, in seconds, as realm-config/README.md says)."""

from __future__ import annotations

import os
import secrets as random_secrets
import subprocess
from pathlib import Path

import requests

from devstack import paths
from devstack.demo import master_admin
from devstack.jdk import choose_jdk
from devstack.stack import REALM

SCRIPT = paths.ROOT / "deploy" / "keycloak" / "realm-sync.sh"
NINETY_DAYS = 90 * 24 * 3600


def _run(script: Path, keycloak, user: str, password: str, *args: str, **values: str) -> subprocess.CompletedProcess:
    """One of the deploy/keycloak scripts, with this distribution's kcadm.sh, logged in as ``user``."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(keycloak.home),
        "JAVA_HOME": str(choose_jdk().home),
        "KCADM": str(keycloak.home / "bin" / "kcadm.sh"),
        "KEYCLOAK_URL": keycloak.url,
        "SYNC_ADMIN_USER": user,
        "SYNC_ADMIN_PASSWORD": password,
        **values,
    }
    return subprocess.run(["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=180)


def _sync(keycloak, admin_password: str, **values: str) -> subprocess.CompletedProcess:
    done = _run(SCRIPT, keycloak, "admin", admin_password, **values)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _token_status(keycloak, secret: str) -> int:
    return requests.post(
        f"{keycloak.url}/realms/{REALM}/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": "portal-adapter", "client_secret": secret},
        timeout=10,
    ).status_code


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
        _sync(
            keycloak, secrets["KEYCLOAK_ADMIN_PASSWORD"], SYNC_REALM_SETTINGS="attributes.adminEventsExpiration=86400"
        )
        assert _admin_events_expiration(kc_admin) == "86400"
    finally:
        _sync(
            keycloak,
            secrets["KEYCLOAK_ADMIN_PASSWORD"],
            SYNC_REALM_SETTINGS=f"attributes.adminEventsExpiration={NINETY_DAYS}",
        )


ADMINS = paths.ROOT / "deploy" / "keycloak" / "admins.sh"


def _admins(keycloak, user: str, password: str, *args: str, **values: str) -> subprocess.CompletedProcess:
    return _run(ADMINS, keycloak, user, password, *args, **values)


def test_a_named_administrator_replaces_the_bootstrap_one(keycloak, secrets):
    """The session's own `admin` stays: a stand-in bootstrap administrator is removed instead."""
    master = master_admin(keycloak.url, "admin", secrets["KEYCLOAK_ADMIN_PASSWORD"], "master")
    admin_role = master.get_realm_role("admin")
    stand_in, stand_in_password = "bootstrap-stand-in", random_secrets.token_urlsafe(24)
    stand_in_id = master.create_user(
        {
            "username": stand_in,
            "enabled": True,
            "credentials": [{"type": "password", "value": stand_in_password, "temporary": False}],
        }
    )
    master.assign_realm_roles(stand_in_id, [admin_role])
    named, temporary = "metropole.durand", random_secrets.token_urlsafe(24)
    try:
        added = _admins(
            keycloak,
            stand_in,
            stand_in_password,
            "add",
            named,
            "c.durand@example.invalid",
            "Claire",
            "Durand",
            NEW_ADMIN_PASSWORD=temporary,
        )
        assert added.returncode == 0, added.stdout + added.stderr
        named_id = master.get_user_id(named)
        user = master.get_user(named_id)
        assert set(user["requiredActions"]) == {"UPDATE_PASSWORD", "CONFIGURE_TOTP"}
        assert "admin" in {role["name"] for role in master.get_realm_roles_of_user(named_id)}
        assert temporary not in added.stdout + added.stderr

        refused = _admins(keycloak, stand_in, stand_in_password, "remove-bootstrap", BOOTSTRAP_ADMIN_USER=stand_in)
        assert refused.returncode == 1 and "named administrator" in refused.stderr
        assert master.get_user_id(stand_in) == stand_in_id

        # the named administrator's first login, done here through the API: own password, no pending action
        own_password = random_secrets.token_urlsafe(24)
        master.set_user_password(named_id, own_password, temporary=False)
        master.update_user(named_id, {"requiredActions": []})
        removed = _admins(keycloak, named, own_password, "remove-bootstrap", BOOTSTRAP_ADMIN_USER=stand_in)
        assert removed.returncode == 0, removed.stdout + removed.stderr
        assert master.get_user_id(stand_in) is None
    finally:
        for username in (stand_in, named):
            found = master.get_user_id(username)
            if found:
                master.delete_user(found)
