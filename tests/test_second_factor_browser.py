"""The second factor in Debian's Chromium against the real Keycloak: administrators enrol an
authenticator application (codes from pyotp) or a passkey (Chromium's virtual authenticator,
DevTools protocol `WebAuthn`) at their first login after activation, then give it at every
login; recovery codes work once; standard users log in with the password alone. The
enrolment and code pages pass axe-core (no serious or critical violation) and the choice page
works with the keyboard alone."""

from __future__ import annotations

import time

import pyotp
import pytest

from devstack.stack import REALM
from tests.support import second_factor
from tests.support.accounts import PASSWORD, new_administrator
from tests.support.browser_steps import keycloak_login, serious_violations, verified_id_token
from tests.test_portal_pages_browser import context as context  # noqa: F401 - fixture: new contexts

INVALID_CODE = "Le code d'authentification est invalide."
INVALID_RECOVERY_CODE = "Code de récupération d'authentification invalide"


def password_step(page, portal_url: str, identifier: str) -> None:
    page.goto(f"{portal_url}/connexion")
    keycloak_login(page, identifier, PASSWORD, factor=False)


def wrong_code(identifier: str) -> str:
    """A 6-digit code that is none of the codes Keycloak accepts now."""
    totp = pyotp.TOTP(second_factor.SECRETS[identifier])
    now = time.time()
    valid = {totp.at(now + offset * second_factor.PERIOD) for offset in (-1, 0, 1)}
    return next(code for code in (f"{n:06d}" for n in range(100000, 999999, 7919)) if code not in valid)


def choose_with_the_keyboard(page, label: str) -> None:
    """« Protéger votre compte » with the keyboard alone: Tab to the choices, arrows, Enter."""
    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "factor":
            break
    else:
        pytest.fail("the choices cannot be reached with Tab")
    for _ in range(3):
        if page.evaluate("document.activeElement.labels[0].textContent.trim()") == label:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.get_by_label(label).is_checked()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form from the focused radio button


def enrol_application(page, identifier: str) -> list[str]:
    """From « Protéger votre compte »: the application (keyboard only), its code, the recovery
    codes (read and kept); answers the recovery codes."""
    choose_with_the_keyboard(page, "Une application d'authentification")
    page.locator("#kc-totp-settings-form").wait_for()
    assert serious_violations(page) == []
    second_factor.remember(identifier, page.locator("#totpSecret").input_value())
    page.locator("#totp").fill(wrong_code(identifier))
    with page.expect_navigation():
        page.locator("#saveTOTPBtn").click()
    assert INVALID_CODE in page.locator("main, body").first.inner_text()
    page.locator("#totp").fill(second_factor.totp_code(identifier))
    page.locator("#userLabel").fill("Mon téléphone")
    with page.expect_navigation():
        page.locator("#saveTOTPBtn").click()
    page.locator("#kc-recovery-codes-settings-form").wait_for()
    assert serious_violations(page) == []
    codes = [code.replace("-", "") for code in page.locator("#kc-recovery-codes-list li").all_inner_texts()]
    assert len(codes) >= 10
    page.get_by_label("J'ai enregistré ces codes dans un endroit sûr").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Terminer le paramétrage").click()
    return codes


def test_an_administrator_enrols_an_application_and_needs_its_code_at_every_login(
    context, portal, mail, keycloak, secrets
):
    identifier, _ = new_administrator(portal.url, mail, "Otto", "Facteur")
    page = context().new_page()
    password_step(page, portal.url, identifier)
    assert page.get_by_role("heading", name="Protéger votre compte").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Continuer").click()  # nothing chosen: a French message, no 500
    assert "Choisissez une clé d'accès ou une application d'authentification." in page.inner_text("body")
    enrol_application(page, identifier)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    page.get_by_role("button", name="Se déconnecter").click()

    # the password alone does not open the portal
    page = context().new_page()
    password_step(page, portal.url, identifier)
    page.locator("#kc-otp-login-form").wait_for()
    assert serious_violations(page) == []
    page.goto(f"{portal.url}/tableau-de-bord")
    assert page.url.startswith(keycloak.url), page.url
    password_step(page, portal.url, identifier)
    page.get_by_label("Code à usage unique").fill(wrong_code(identifier))
    with page.expect_navigation():
        page.locator("#kc-login").click()
    assert INVALID_CODE in page.inner_text("body")
    # with the code it does, at the second-factor level
    page.get_by_label("Code à usage unique").fill(second_factor.totp_code(identifier))
    with page.expect_navigation():
        page.locator("#kc-login").click()
    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    claims = verified_id_token(page.context, secrets, keycloak)
    assert claims["acr"] == "mfa" and sorted(claims["amr"]) == ["otp", "pwd"]


def use_recovery_code(page, codes: list[str], used: str | None = None) -> str:
    """From the one-time code page: « Essayer une autre méthode », the recovery code Keycloak
    asks for (or ``used``); answers the code typed."""
    page.get_by_text("Essayer une autre méthode").click()
    page.get_by_role("button", name="Code de récupération de l'authentification").click()
    prompt = page.get_by_label("Code de récupération #")
    number = int(prompt.evaluate("e => e.labels[0].textContent").split("#")[1].strip().split()[0])
    code = used or codes[number - 1]
    prompt.fill(code)
    with page.expect_navigation():
        page.locator("#kc-login").click()
    return code


def test_a_recovery_code_works_once(context, portal, mail):
    identifier, _ = new_administrator(portal.url, mail, "Rita", "Recours")
    page = context().new_page()
    password_step(page, portal.url, identifier)
    codes = enrol_application(page, identifier)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")

    page = context().new_page()
    password_step(page, portal.url, identifier)
    used = use_recovery_code(page, codes)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")

    page = context().new_page()
    password_step(page, portal.url, identifier)
    use_recovery_code(page, codes, used=used)
    assert INVALID_RECOVERY_CODE in page.inner_text("body")
    assert not page.url.startswith(portal.url)


def test_a_standard_user_logs_in_with_the_password_alone(context, portal, make_user, keycloak, secrets):
    user = make_user("standard")
    page = context().new_page()
    page.goto(f"{portal.url}/connexion")
    keycloak_login(page, user.username, user.password, factor=False)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    assert verified_id_token(page.context, secrets, keycloak)["acr"] == "pwd"


def virtual_authenticator(context, page) -> None:
    """Chromium's virtual passkey (DevTools protocol `WebAuthn`): present, user verified."""
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_an_administrator_enrols_a_passkey_and_logs_in_with_it(context, make_user, keycloak):
    """On Keycloak's account console, reached as http://localhost (WebAuthn refuses an IP
    address as the relying party's identifier; Chromium treats localhost as secure)."""
    admin = make_user("admin")
    account = keycloak.url.replace("127.0.0.1", "localhost") + f"/realms/{REALM}/account/"
    browser_context = context()
    page = browser_context.new_page()
    virtual_authenticator(browser_context, page)
    page.on("dialog", lambda dialog: dialog.accept("Clé d'accès de test"))  # the passkey's label
    page.goto(account)
    keycloak_login(page, admin.username, admin.password, factor=False)
    page.get_by_label("Une clé d'accès (passkey)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continuer").click()
    with page.expect_navigation():
        page.locator("#registerWebAuthn").click()
    page.locator("#kc-recovery-codes-settings-form").wait_for()
    page.get_by_label("J'ai enregistré ces codes dans un endroit sûr").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Terminer le paramétrage").click()
    page.wait_for_url(f"{account}**")

    # a new session (cookies gone): the password, then the passkey of the same authenticator
    browser_context.clear_cookies()
    page.goto(account)
    keycloak_login(page, admin.username, admin.password, factor=False)
    page.locator("#authenticateWebAuthnButton").wait_for()
    assert serious_violations(page) == []
    with page.expect_navigation():
        page.locator("#authenticateWebAuthnButton").click()
    page.wait_for_url(f"{account}**")


def test_voirie_invoices_ask_the_second_factor_again_not_the_password(context, voirie, make_user):
    """The reference app's « Factures » demands acr mfa: a session at pwd (here the login that
    enrolled the factor) goes back through Keycloak with acr_values=mfa, which asks the code
    only, inside the SSO session; the app checks the new ID token's acr."""
    admin = make_user("admin")
    page = context().new_page()
    page.goto(f"{voirie.url}/connexion")
    keycloak_login(page, admin.username, admin.password)  # the enrolment, answered by the helper
    page.wait_for_url(f"{voirie.url}/")
    page.goto(f"{voirie.url}/factures")
    page.locator("#kc-otp-login-form").wait_for()
    assert page.locator("#password").count() == 0
    page.get_by_label("Code à usage unique").fill(second_factor.totp_code(admin.username))
    with page.expect_navigation():
        page.locator("#kc-login").click()
    page.wait_for_url(f"{voirie.url}/factures")
    assert page.get_by_role("heading", name="Factures").is_visible()
