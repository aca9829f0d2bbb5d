"""The realm as code: one file, consistent with the user profile source and the names
the Python and Java code use."""

from __future__ import annotations

import json
import re

from portal_adapter.identity import names

from devstack import paths
from devstack.realm import embedded_user_profile, load_realm
from tests.support import contract

# Keycloak's own clients, spelled out in the realm file as a fresh realm has them (tests/test_account_console.py)
KEYCLOAK_ACCOUNT_CLIENTS = ("account", "account-console")
JAVA_NAMES = paths.EXTENSION_DIR / "src/main/java/fr/lehavre/hariane/idp/IdentityNames.java"


def test_the_realm_embeds_exactly_realm_config_user_profile_json():
    source = json.loads((paths.REALM_DIR / "user-profile.json").read_text())
    assert embedded_user_profile(load_realm()) == source, "run `python3 -m devstack.realm` to re-embed it"


def test_admin_only_attributes_are_declared_admin_only():
    attributes = {a["name"]: a for a in embedded_user_profile(load_realm())["attributes"]}
    for name in names.ADMIN_ONLY_ATTRIBUTES:
        assert attributes[name]["permissions"] == {"view": ["admin"], "edit": ["admin"]}, name
    assert attributes["username"]["permissions"]["edit"] == ["admin"]


def test_python_names_are_the_contract_names():
    shared = contract.named_constants()
    assert shared, "contract/names.json lists the shared names"
    for constant, value in shared.items():
        assert getattr(names, constant) == value, constant
    assert names.PROFILES == tuple(contract.load("names")["profiles"])
    assert names.ADMIN_ONLY_ATTRIBUTES == tuple(contract.load("names")["admin_only_user_attributes"].values())
    python_names = {
        constant
        for constant, value in vars(names).items()
        if constant.isupper() and isinstance(value, str) and not constant.startswith("_")
    }
    assert python_names <= shared.keys(), "names.py constants missing from contract/names.json"


def test_java_names_are_the_contract_names():
    """IdentityNames.java holds a subset of the contract (the names the extension uses), each
    with the contract's value; JUnit's ContractNamesTest checks the same from Java."""
    java = JAVA_NAMES.read_text()
    java_constants = dict(re.findall(r'public static final String (\w+) = "([^"]*)";', java))
    shared = contract.named_constants()
    assert java_constants
    for constant, value in java_constants.items():
        assert shared.get(constant) == value, constant


def test_the_realm_file_names_the_contract_realm():
    assert load_realm()["realm"] == contract.load("names")["realm"]["REALM"]


def test_profile_groups_carry_profile_roles():
    """Each profile group carries its profile role; those who hold rights over the structure or
    reach invoices (admin, privileged) also the role that makes the second factor compulsory."""
    realm = load_realm()
    groups = {g["name"]: g["realmRoles"] for g in realm["groups"]}
    second_factor = {"admin", "privileged"}
    assert groups == {
        p: [names.profile_role(p)] + ([names.SECOND_FACTOR_ROLE] if p in second_factor else [])
        for p in contract.load("names")["profiles"]
    }
    assert names.SECOND_FACTOR_ROLE in {r["name"] for r in realm["roles"]["realm"]}


def test_secrets_are_placeholders_never_values():
    realm = load_realm()
    for client in (c for c in realm["clients"] if not c.get("publicClient")):
        assert re.fullmatch(r"\$\{[A-Z_]+\}", client["secret"]), client["clientId"]
    assert realm["smtpServer"]["password"] == "${SMTP_PASSWORD}"


def test_clients_with_a_restricted_scope_carry_a_role_granted_to_nobody():
    """Keycloak 26.7 caches a client's role list only when it is not empty; with
    fullScopeAllowed off it reads that list for every token (realm-config/README.md)."""
    realm = load_realm()
    restricted = {
        c["clientId"]
        for c in realm["clients"]
        if c.get("fullScopeAllowed") is False and c["clientId"] not in KEYCLOAK_ACCOUNT_CLIENTS
    }
    assert restricted == {"portal", "voirie"}
    client_roles = realm["roles"]["client"]
    for client_id in restricted:
        assert [r["name"] for r in client_roles[client_id]] == ["cache-anchor"], client_id
    granted = json.dumps([realm["groups"], realm.get("users", []), realm.get("scopeMappings", [])])
    assert "cache-anchor" not in granted


def test_login_and_admin_events_are_both_kept_90_days():
    """realm-config/README.md: events kept 90 days; admin events expire through the realm
    attribute Keycloak's event store reads (``adminEventsExpiration``, seconds)."""
    realm = load_realm()
    assert realm["eventsEnabled"] and realm["adminEventsEnabled"]
    assert realm["eventsExpiration"] == int(realm["attributes"]["adminEventsExpiration"]) == 90 * 24 * 3600


def test_every_new_client_gets_the_hariane_claims_and_only_profile_roles():
    """hariane-profile is a realm default scope; no built-in role mapper writes `roles`, whose
    value the extension keeps to the profile roles whatever the client's role scope."""
    realm = load_realm()
    assert names.CLAIM_ROLES == "roles" and "hariane-profile" in realm["defaultDefaultClientScopes"]
    scope = next(s for s in realm["clientScopes"] if s["name"] == "hariane-profile")
    assert sorted(m["protocolMapper"] for m in scope["protocolMappers"]) == [
        "hariane-concessions-mapper",
        "hariane-profile-mapper",
        "hariane-structure-mapper",
        "oidc-usersessionmodel-note-mapper",  # identity_provider and idp_acr (ProConnect logins, docs/proconnect.md)
        "oidc-usersessionmodel-note-mapper",
    ]
    for other in realm["clientScopes"]:
        for mapper in other.get("protocolMappers", []):
            assert mapper.get("config", {}).get("claim.name") != names.CLAIM_ROLES, (other["name"], mapper["name"])
