"""Steps a person takes in the browser, shared by the browser tests."""

from __future__ import annotations

import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from joserfc import jwt
from joserfc.jwk import KeySet

from devstack import paths
from devstack.stack import REALM
from tests.support import second_factor

KEYCLOAK_LOGIN_BUTTON = "Connexion"


def keycloak_login(page, username: str, password: str, factor: bool = True) -> None:
    """Fill and submit Keycloak's (French) login form; then, unless ``factor`` is false, answer
    the second factor's pages as a person with an authenticator application would."""
    page.get_by_label("Identifiant ou courriel").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=KEYCLOAK_LOGIN_BUTTON).click()
    if factor:
        pass_second_factor(page, username)


def pass_second_factor(page, identifier: str) -> None:
    """« Protéger votre compte » (the application), the TOTP enrolment (codes from pyotp), the
    recovery codes (kept), the one-time code: whichever of these Keycloak shows, in turn."""
    for _ in range(6):
        if page.locator("#ha-second-factor").count():
            page.get_by_label("Une application d'authentification").check()
            submit = page.get_by_role("button", name="Continuer")
        elif page.locator("#kc-totp-settings-form").count():
            second_factor.remember(identifier, page.locator("#totpSecret").input_value())
            page.locator("#totp").fill(second_factor.totp_code(identifier))
            page.locator("#userLabel").fill("Téléphone")
            submit = page.locator("#saveTOTPBtn")
        elif page.locator("#kc-recovery-codes-settings-form").count():
            page.locator("#kcRecoveryCodesConfirmationCheck").check()
            submit = page.locator("#saveRecoveryAuthnCodesBtn")
        elif page.locator("#kc-otp-login-form").count():
            page.locator("#otp").fill(second_factor.totp_code(identifier))
            submit = page.locator("#kc-login")
        else:
            return
        with page.expect_navigation():
            submit.click()
    raise AssertionError(f"still on a second-factor page: {page.url}")


def open_registration(page, portal) -> None:
    page.goto(f"{portal.url}/connexion")
    page.get_by_role("link", name="Créer un compte Pro").click()
    page.get_by_label("SIRET").wait_for()


def portal_session(context, secret_key: str) -> dict:
    """Decode the portal's signed session cookie, as the portal itself does."""
    cookie = next(c for c in context.cookies() if c["name"] == "hariane_portal")
    app = Flask("session-reader")
    app.secret_key = secret_key
    return SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie["value"])


def verified_id_token(context, secrets: dict, keycloak) -> dict:
    """The claims of the ID token the portal holds for this browser, after checking its
    signature against the realm's JWKS, its issuer, audience and expiry."""
    id_token = portal_session(context, secrets["PORTAL_SECRET_KEY"])["id_token"]
    issuer = f"{keycloak.url}/realms/{REALM}"
    jwks = requests.get(f"{issuer}/protocol/openid-connect/certs", timeout=10).json()
    token = jwt.decode(id_token, KeySet.import_key_set(jwks))
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": "portal"},
        exp={"essential": True},
    ).validate(token.claims)
    return token.claims


WCAG = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']"


def serious_violations(page) -> list[dict]:
    # evaluated through the DevTools protocol: a <script> tag would be an inline script the CSP refuses
    page.evaluate(paths.AXE_JS.read_text())
    return page.evaluate(
        "async () => { const r = await axe.run(document, {runOnly: " + WCAG + "});"
        " return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})); }"
    )
