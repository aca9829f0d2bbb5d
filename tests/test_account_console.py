"""Keycloak's account console (/realms/hariane-pro/account/): the clients behind it are the
ones a fresh realm gets, and a user changes their own first name there, never the attributes
that grant access."""

from __future__ import annotations

import uuid

import pytest

from devstack.stack import REALM
from tests.support.accounts import PASSWORD
from tests.support.browser_steps import keycloak_login
from tests.support.structures import structure_member

ACCOUNT_CLIENTS = ("account", "account-console")
PROTECTED = ("structureSiret", "cguVersion", "cguTextSha256", "cguAcceptedAt", "username")


def _client_setup(admin, realm: str, client_id: str) -> dict:
    """What decides a client's tokens: its scopes, its scope mappings and its settings, without ids."""
    admin.change_current_realm(realm)
    try:
        internal = admin.get_client_id(client_id)
        client = admin.get_client(internal)
        account = admin.get_client_id("account")
        return {
            "default": sorted(s["name"] for s in admin.get_client_default_client_scopes(internal)),
            "optional": sorted(s["name"] for s in admin.get_client_optional_client_scopes(internal)),
            "account roles": sorted(r["name"] for r in admin.get_client_roles_of_client_scope(internal, account)),
            "mappers": sorted(m["protocolMapper"] for m in client.get("protocolMappers", [])),
            **{
                key: client.get(key)
                for key in (
                    "publicClient",
                    "fullScopeAllowed",
                    "standardFlowEnabled",
                    "directAccessGrantsEnabled",
                    "rootUrl",
                )
            },
            "redirectUris": [uri.replace(f"/realms/{realm}/", "/realms/REALM/") for uri in client["redirectUris"]],
            "pkce": client["attributes"].get("pkce.code.challenge.method"),
        }
    finally:
        admin.change_current_realm(REALM)


@pytest.fixture
def fresh_realm(kc_admin):
    """A realm created with Keycloak's defaults, next to ours, deleted afterwards."""
    name = f"fresh-{uuid.uuid4().hex[:8]}"
    kc_admin.create_realm({"realm": name, "enabled": True})
    yield name
    kc_admin.delete_realm(name)


def test_the_account_clients_are_set_up_as_in_a_fresh_realm(kc_admin, fresh_realm):
    for client_id in ACCOUNT_CLIENTS:
        ours = _client_setup(kc_admin, REALM, client_id)
        assert {"profile", "roles", "basic"} <= set(ours["default"]), client_id  # the console reads roles
        assert ours == _client_setup(kc_admin, fresh_realm, client_id), client_id

    def default_roles(realm: str) -> tuple[str, list[str]]:
        """The realm's default role (every new user holds it) and what it grants."""
        role = kc_admin.connection.raw_get(f"admin/realms/{realm}").json()["defaultRole"]["name"]
        composites = kc_admin.connection.raw_get(f"admin/realms/{realm}/roles/{role}/composites").json()
        return role.replace(realm, "REALM"), sorted(
            ("client role " if r["clientRole"] else "") + r["name"] for r in composites
        )

    assert default_roles(REALM) == default_roles(fresh_realm)


def test_a_user_changes_their_first_name_in_the_account_console_never_the_protected_attributes(
    keycloak, kc_admin, page
):
    member = structure_member(kc_admin, profile="standard")
    before = kc_admin.get_user(member.user_id)["attributes"]
    page.goto(f"{keycloak.url}/realms/{REALM}/account/")
    keycloak_login(page, member.username, PASSWORD)

    page.get_by_role("heading", name="Informations personnelles").wait_for()
    first_name = page.get_by_label("Prénom")
    first_name.wait_for()
    assert "Quelque chose s'est mal passé" not in page.content()
    assert page.get_by_role("button", name="Sauvegarder").is_visible()
    # the protected attributes are not on the page, not even read-only
    for name in PROTECTED[:-1]:
        assert page.locator(f"[name='attributes.{name}'], [name='{name}'], #{name}").count() == 0, name
    assert page.locator("#username, [name='username']").evaluate_all(
        "fields => fields.every(f => f.readOnly || f.disabled)"
    )

    first_name.fill("Camélia")
    page.get_by_role("button", name="Sauvegarder").click()
    page.get_by_text("Votre compte a été mis à jour.").wait_for()
    user = kc_admin.get_user(member.user_id)
    assert user["firstName"] == "Camélia"
    assert {k: v for k, v in user["attributes"].items() if k in PROTECTED} == {
        k: v for k, v in before.items() if k in PROTECTED
    }
