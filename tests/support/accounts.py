"""An account's life over plain HTTP against the running portal and Keycloak: registration's
activation e-mail, activation, login, « Gestion des utilisateurs »."""

from __future__ import annotations

import base64
import html
import json
import re
import time
from urllib.parse import urljoin

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from devstack import registration_client
from devstack.registration_client import activation_form as activation_form  # re-exported for the tests
from devstack.registration_client import mail_link
from tests.support.registration_http import RegistrationClient, person, register, synthetic_siret
from tests.support.second_factor import pass_second_factor

PASSWORD = "une phrase de passe solide"


def activate(portal_url: str, mail, email: str) -> None:
    activate_with(portal_url, mail_link(mail, email))


def activate_with(portal_url: str, link: str) -> None:
    """Choose the password and accept the CGU through an activation link."""
    assert "Compte mis à jour" in registration_client.activate_with(portal_url, link, PASSWORD)


def login(portal_url: str, username: str) -> RegistrationClient:
    """Log in through the portal; administrators and privileged users enrol an authenticator
    application at their first login, then give its code (tests/support/second_factor.py)."""
    browser = RegistrationClient(portal_url)
    page = browser.request("GET", f"{portal_url}/connexion")
    action = html.unescape(re.search(r'<form id="kc-form-login"[^>]*action="([^"]+)"', page.text).group(1))
    answer = browser.request("POST", urljoin(page.url, action), {"username": username, "password": PASSWORD})
    dashboard = pass_second_factor(answer, username, lambda url, data: browser.request("POST", url, data))
    assert dashboard.url.endswith("/tableau-de-bord"), dashboard.text[:500]
    browser.page, browser.url = dashboard.text, dashboard.url
    browser.identifier = username  # whose factor a step-up asks (through_step_up)
    return browser


def with_recent_second_factor(browser: RegistrationClient) -> RegistrationClient:
    """Log out and in again, as a person who enrolled their factor at an earlier login: Keycloak
    asks for it (using it, unlike enrolling it, makes the token say `mfa`), and the portal's
    sensitive forms then need no step-up for 15 minutes (docs/step-up.md)."""
    browser.request("POST", f"{browser.portal_url}/deconnexion", {"csrf_token": csrf(browser.page)})
    return login(browser.portal_url, browser.identifier)


def through_step_up(browser: RegistrationClient, response):
    """A portal form answered by Keycloak's second-factor page (a step-up, docs/step-up.md: the
    factor given at the first login's enrolment does not count, the token then says `pwd`):
    give the code as the person would; the portal then carries out what was posted."""
    if 'id="kc-otp-login-form"' not in response.text:
        return response
    return pass_second_factor(response, browser.identifier, lambda url, data: browser.request("POST", url, data))


def claims(browser: RegistrationClient, secrets: dict) -> dict:
    """The claims of the ID token the portal received (and validated) for this session; the
    signature check itself is tests/test_portal_login.py's."""
    cookie = next(c for c in browser.session.cookies if c.name == "hariane_portal")
    app = Flask("reader")
    app.secret_key = secrets["PORTAL_SECRET_KEY"]
    id_token = SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie.value)["id_token"]
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def new_administrator(portal_url: str, mail, first: str = "Ada", last: str = "Admin") -> tuple[str, str]:
    siret = synthetic_siret()
    who = person(first, last)
    identifier = register(portal_url, siret, who).identifier()
    activate(portal_url, mail, who["email"])
    return identifier, siret


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def management(browser: RegistrationClient, portal_url: str) -> str:
    response = browser.request("GET", f"{portal_url}/structure/utilisateurs")
    assert response.status_code == 200, response.text[:300]
    browser.page = response.text
    return response.text


def add_colleague(browser: RegistrationClient, portal_url: str, first: str, last: str, email: str, profile: str) -> str:
    """Through « Ajouter un collègue »; returns the identifier the page announces."""
    management(browser, portal_url)
    page = post(
        browser,
        f"{portal_url}/structure/utilisateurs/ajouter",
        {"prenom": first, "nom": last, "courriel": email, "fonction": "Agent", "profil": profile},
    )
    return re.search(r"Le compte (pro\.[a-z0-9.-]+) a été créé", page).group(1)


def user_id_of(kc_admin, username: str) -> str:
    return kc_admin.get_user_id(username)


def post(browser: RegistrationClient, url: str, data: dict) -> str:
    response = browser.request("POST", url, {"csrf_token": csrf(browser.page), **data})
    return html.unescape(through_step_up(browser, response).text)


def expired_activation_link(portal_url: str, mail, kc_admin, who: dict[str, str]) -> str:
    """Register ``who``, then send an activation link living 1 s and let it expire."""
    identifier = register(portal_url, synthetic_siret(), who).identifier()
    user_id = kc_admin.get_user_id(identifier)
    mail.clear()
    kc_admin.connection.raw_put(
        f"admin/realms/hariane-pro/users/{user_id}/execute-actions-email",
        data='["hariane-activation"]',
        lifespan=1,
    )
    link = mail_link(mail, who["email"])
    time.sleep(2.5)
    return link


def wait_for_mail(mail, to: str, timeout: float = 20.0, subject: str | None = None) -> dict:
    """The first e-mail to ``to`` (whose subject is ``subject`` if given: security e-mails, e.g.
    « un moyen de double authentification a été ajouté », may arrive in between)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.messages():
            if any(r["address"] == to for r in message.get("to", [])) and subject in (None, message.get("subject")):
                return message
        time.sleep(0.3)
    pytest.fail(f"no e-mail to {to}")
