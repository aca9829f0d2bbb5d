"""A provisioned user logs in through the real Keycloak login page, via the portal
(authorization code + PKCE S256), and the ID token the portal received is checked."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from devstack.stack import REALM
from tests.support.browser_steps import keycloak_login, portal_session


def test_given_a_provisioned_admin_when_logging_in_via_the_portal_then_the_id_token_is_valid(
    page, portal, keycloak, make_user, secrets
):
    user = make_user("admin")
    page.goto(f"{portal.url}/")
    page.get_by_role("link", name="Se connecter").click()

    # The real Keycloak login page, in French, reached with PKCE S256.
    page.wait_for_url(f"{keycloak.url}/realms/{REALM}/**")
    query = parse_qs(urlparse(page.url).query)
    assert query["client_id"] == ["portal"]
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Connectez-vous à votre compte").is_visible()
    keycloak_login(page, user.username, user.password)

    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    assert page.get_by_text(f"Bonjour {user.first_name} {user.last_name}").is_visible()
    assert page.locator("[data-profile]").get_attribute("data-profile") == "admin"

    id_token = portal_session(page.context, secrets["PORTAL_SECRET_KEY"])["id_token"]
    issuer = f"{keycloak.url}/realms/{REALM}"
    jwks = requests.get(f"{issuer}/protocol/openid-connect/certs", timeout=10).json()
    token = jwt.decode(id_token, KeySet.import_key_set(jwks))  # raises on a bad signature
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": "portal"},
        exp={"essential": True},
    ).validate(token.claims)
    claims = token.claims
    assert claims["exp"] > time.time()
    assert claims["preferred_username"] == user.username
    assert claims["pro_profile"] == "admin"
    assert "profile-admin" in claims["roles"]
    # Only profile roles reach the portal's tokens (fullScopeAllowed is off).
    assert set(claims["roles"]) <= {"profile-standard", "profile-privileged", "profile-admin"}

    # The check is a real one: the same token with a modified payload does not verify.
    header, payload, signature = id_token.split(".")
    forged_claims = {**claims, "pro_profile": "admin", "preferred_username": "pro.intrus.malveillant"}
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        jwt.decode(f"{header}.{forged_payload}.{signature}", KeySet.import_key_set(jwks))


def test_given_a_standard_user_then_the_dashboard_shows_the_standard_profile(page, portal, make_user):
    user = make_user("standard")
    page.goto(f"{portal.url}/tableau-de-bord")  # not logged in: sent to the login page
    keycloak_login(page, user.username, user.password)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    assert page.locator("[data-profile]").get_attribute("data-profile") == "standard"
    assert page.get_by_text("Standard", exact=True).is_visible()


def test_given_a_logged_in_user_when_logging_out_then_the_keycloak_session_ends(page, portal, keycloak, make_user):
    user = make_user("admin")
    page.goto(f"{portal.url}/connexion")
    keycloak_login(page, user.username, user.password)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{portal.url}/")
    # A new login is asked for: the SSO session is gone.
    page.goto(f"{portal.url}/connexion")
    page.wait_for_url(f"{keycloak.url}/**")
    assert page.locator("#username").is_visible()
