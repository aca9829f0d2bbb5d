"""The realm as the real Keycloak imported it, and the extension loaded in it."""

from __future__ import annotations

from keycloak.exceptions import KeycloakGetError

from devstack.stack import REALM
from tests.support.oidc_http import code_flow_tokens
from tests.test_relying_client import register_client as register_client  # noqa: F401 - fixture

APP = "http://127.0.0.1:9/app"

ADAPTER_ROLES = {
    "query-users",
    "view-users",
    "manage-users",
    "query-groups",
    "view-organizations",
    "manage-organizations",
}


def test_the_realm_is_french_first_with_organizations(kc_admin):
    realm = kc_admin.get_realm(REALM)
    assert realm["defaultLocale"] == "fr"
    assert set(realm["supportedLocales"]) == {"fr", "en"}
    assert realm["organizationsEnabled"] is True
    assert realm["internationalizationEnabled"] is True


def test_password_policy_and_brute_force_detection(kc_admin):
    realm = kc_admin.get_realm(REALM)
    assert "length(12)" in realm["passwordPolicy"]
    assert "passwordBlacklist(common-passwords.txt)" in realm["passwordPolicy"]
    assert realm["bruteForceProtected"] is True
    assert realm["failureFactor"] == 5


def test_logins_are_stored_as_events_but_not_their_code_exchanges(keycloak, kc_admin, make_user, register_client):
    """realm-config/README.md « events »: a login is kept (LOGIN) for staff's audit, its code
    exchange (CODE_TO_TOKEN, one per login, nothing more to tell) is not: one write less per login."""
    client_id, secret = register_client(APP, f"{APP}/callback")
    user = make_user("standard")
    code_flow_tokens(keycloak.url, client_id, f"{APP}/callback", user.username, secret, user.password)
    stored = {e["type"] for e in kc_admin.get_events({"user": user.id, "max": 50})}
    assert "LOGIN" in stored
    assert "CODE_TO_TOKEN" not in stored
    assert "CODE_TO_TOKEN" not in kc_admin.get_realm(REALM)["enabledEventTypes"]
    assert "CLIENT_LOGIN" in kc_admin.get_realm(REALM)["enabledEventTypes"]  # the service accounts: see test_tls_front


def test_required_actions_for_activation_are_enabled(kc_admin):
    actions = {a["alias"]: a for a in kc_admin.get_required_actions()}
    assert actions["TERMS_AND_CONDITIONS"]["enabled"] is True
    assert actions["UPDATE_PASSWORD"]["enabled"] is True


def test_smtp_comes_from_the_environment(kc_admin, mail):
    smtp = kc_admin.get_realm(REALM)["smtpServer"]
    assert smtp["host"] == "127.0.0.1"
    assert smtp["port"] == str(mail.smtp_port)


def test_relying_clients_use_code_flow_with_pkce_s256(kc_admin):
    for client_id in ("portal", "voirie"):
        client = kc_admin.get_client(kc_admin.get_client_id(client_id))
        assert client["publicClient"] is False
        assert client["standardFlowEnabled"] is True
        assert client["implicitFlowEnabled"] is False
        assert client["directAccessGrantsEnabled"] is False
        assert client["attributes"]["pkce.code.challenge.method"] == "S256"


def test_the_extension_is_loaded(kc_admin):
    info = kc_admin.connection.raw_get("admin/serverinfo").json()
    mappers = {m["id"] for m in info["protocolMapperTypes"]["openid-connect"]}
    assert "hariane-profile-mapper" in mappers


def test_the_adapter_service_account_holds_only_what_it_needs(kc_admin, adapter_admin):
    sa_user = kc_admin.get_client_service_account_user(kc_admin.get_client_id("portal-adapter"))
    realm_management = kc_admin.get_client_id("realm-management")
    roles = {r["name"] for r in kc_admin.get_client_roles_of_user(sa_user["id"], realm_management)}
    assert roles == ADAPTER_ROLES

    adapter = adapter_admin
    assert isinstance(adapter.get_users({"max": 1}), list)
    try:
        adapter.get_clients()
    except KeycloakGetError as error:
        assert error.response_code == 403
    else:
        raise AssertionError("the adapter's service account can read clients")


def test_user_profile_labels_are_translated_for_every_theme(kc_admin):
    texts = kc_admin.connection.raw_get("admin/realms/hariane-pro/localization/fr").json()
    profile = kc_admin.connection.raw_get("admin/realms/hariane-pro/users/profile").json()
    keys = {a["displayName"][2:-1] for a in profile["attributes"] if a.get("displayName", "").startswith("${ha")}
    assert keys and keys <= set(texts)
    assert texts["haJobTitle"] == "Fonction"


def test_keycloak_pages_send_the_realm_browser_security_headers(keycloak, ports):
    """docs/security-headers.md: as strict as Keycloak's own inline scripts allow."""
    import requests

    login_page = requests.get(
        f"{keycloak.url}/realms/{REALM}/protocol/openid-connect/auth",
        timeout=10,
        params={
            "client_id": "portal",
            "response_type": "code",
            "scope": "openid",
            "code_challenge_method": "S256",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",  # RFC 7636's example
            "redirect_uri": f"http://127.0.0.1:{ports.portal}/auth/callback",
        },
        allow_redirects=False,
    )
    assert login_page.status_code == 200 and 'id="kc-form-login"' in login_page.text
    account_console = requests.get(f"{keycloak.url}/realms/{REALM}/account/", timeout=10)
    assert account_console.status_code == 200
    for response in (login_page, account_console):
        csp = {
            part.split()[0]: part.split()[1:]
            for part in response.headers["Content-Security-Policy"].split(";")
            if part.strip()
        }
        assert csp["default-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'self'"] and csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'none'"] and csp["img-src"] == ["'self'", "data:"]
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
