"""The server options of deploy/keycloak/keycloak.conf are in force in the session's Keycloak
(the same file the image copies): checked in a realm with Keycloak's defaults, where the user
profile protects nothing, so only the option can refuse a write. And the JVM options of
deploy/keycloak/java-options are on its Java command line (docs/keycloak-jvm.md)."""

from __future__ import annotations

import uuid

import pytest
import requests

from bench import procstat
from devstack import paths
from devstack.keycloak import java_options
from devstack.stack import REALM


@pytest.fixture
def open_realm(kc_admin):
    """A fresh realm whose user profile lets users write any attribute; deleted afterwards."""
    name = f"options-{uuid.uuid4().hex[:8]}"
    kc_admin.create_realm({"realm": name, "enabled": True})
    kc_admin.change_current_realm(name)
    try:
        profile = kc_admin.get_realm_users_profile()
        kc_admin.update_realm_users_profile(profile | {"unmanagedAttributePolicy": "ENABLED"})
        yield name
    finally:
        kc_admin.change_current_realm(REALM)
        kc_admin.delete_realm(name)


def _account_update(keycloak_url: str, realm: str, username: str, password: str, attributes: dict) -> int:
    """The user's own write through the account REST API, with a token of the public admin-cli client."""
    token = requests.post(
        f"{keycloak_url}/realms/{realm}/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": username, "password": password},
        timeout=10,
    )
    token.raise_for_status()
    headers = {"Authorization": f"Bearer {token.json()['access_token']}", "Accept": "application/json"}
    account = f"{keycloak_url}/realms/{realm}/account/"
    me = requests.get(account, headers=headers, timeout=10)
    me.raise_for_status()
    body = me.json() | {"attributes": (me.json().get("attributes") or {}) | attributes}
    return requests.post(account, json=body, headers=headers, timeout=10).status_code


def test_the_read_only_attributes_option_is_in_force(keycloak, kc_admin, open_realm):
    assert "read-only-attributes=cgu*,structure*" in paths.KEYCLOAK_CONF.read_text()
    kc_admin.change_current_realm(open_realm)
    password = f"Phrase de passe {uuid.uuid4().hex}"
    user_id = kc_admin.create_user(
        {
            "username": "camille",
            "email": "camille@exemple.test",
            "firstName": "Camille",
            "lastName": "Martin",
            "enabled": True,
            "emailVerified": True,
            "credentials": [{"type": "password", "value": password, "temporary": False}],
        }
    )
    kc_admin.change_current_realm(REALM)

    def stored() -> dict:
        kc_admin.change_current_realm(open_realm)
        try:
            return kc_admin.get_user(user_id).get("attributes") or {}
        finally:
            kc_admin.change_current_realm(REALM)

    # permitted: an attribute no option covers is written by the user
    assert _account_update(keycloak.url, open_realm, "camille", password, {"note": ["libre"]}) == 204
    assert stored().get("note") == ["libre"]
    # forbidden by the option alone: structure*, cgu*, concession*, hariane*
    for name in ("structureSiret", "cguVersion", "concessionIds", "harianeProbe"):
        _account_update(keycloak.url, open_realm, "camille", password, {name: ["12345678900011"]})
        assert name not in stored(), name


def test_the_shared_java_options_are_on_keycloaks_command_line_and_accepted(keycloak):
    arguments = procstat.cmdline(procstat.java_pid(keycloak.process.pid))
    assert any(a.startswith("-Dkc.home.dir=") for a in arguments)  # the command line is Keycloak's JVM's
    assert java_options() and all(option in arguments for option in java_options())
    assert "CompileCommand: An error occurred" not in keycloak.log_file.read_text(errors="replace")
