"""Trust levels in tokens (docs/claims.md « Levels of authentication »): a client registered
the usual way receives `acr` `pwd` for a login with the password alone and `mfa` once a second
factor was given, with `amr` naming the methods; a client asking `acr_values=mfa` gets the
second factor asked. Real Keycloak, plain HTTP (tests/support/oidc_http.py)."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets as random
from urllib.parse import urlencode, urljoin

import requests

from devstack.registration_client import mail_link
from devstack.stack import REALM
from tests.support.oidc_http import LOGIN_FORM, code_flow_tokens, payload, post_login_form
from tests.support.second_factor import SECRETS
from tests.test_relying_client import register_client as register_client  # noqa: F401 - fixture

APP = "http://127.0.0.1:9/app"


def tokens(keycloak, client, user) -> dict:
    client_id, secret = client
    return code_flow_tokens(keycloak.url, client_id, f"{APP}/callback", user.username, secret, user.password)


def test_a_standard_user_gets_pwd_and_an_administrator_mfa(keycloak, make_user, register_client):
    client = register_client(APP, f"{APP}/callback")
    standard = make_user("standard")
    claims = payload(tokens(keycloak, client, standard)["id_token"])
    assert (claims["acr"], claims["amr"]) == ("pwd", ["pwd"])
    assert standard.username not in SECRETS  # no second-factor page was shown

    admin = make_user("admin")
    tokens(keycloak, client, admin)  # first login: the enrolment
    assert admin.username in SECRETS
    code_flow = tokens(keycloak, client, admin)
    for token in (code_flow["id_token"], code_flow["access_token"]):
        claims = payload(token)
        assert claims["acr"] == "mfa"
        assert sorted(claims["amr"]) == ["otp", "pwd"]


def authorization_request(keycloak, client_id: str, **extra: str) -> tuple[requests.Session, requests.Response]:
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(random.token_urlsafe(48).encode()).digest()).rstrip(b"=").decode()
    )
    session = requests.Session()
    query = {
        "client_id": client_id,
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": f"{APP}/callback",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "s",
        **extra,
    }
    return session, session.get(
        f"{keycloak.url}/realms/{REALM}/protocol/openid-connect/auth?{urlencode(query)}", timeout=30
    )


def test_acr_values_mfa_sends_a_standard_user_without_factor_to_the_enrolment(keycloak, make_user, register_client):
    client_id, _secret = register_client(APP, f"{APP}/callback")
    standard = make_user("standard")
    session, login_page = authorization_request(keycloak, client_id)
    done = post_login_form(session, login_page, standard.username, standard.password)
    assert done.is_redirect and "code=" in done.headers["Location"]  # permitted: no factor asked

    session, login_page = authorization_request(keycloak, client_id, acr_values="mfa")
    action = html.unescape(LOGIN_FORM.search(login_page.text).group(1))
    for cookie in session.cookies:
        cookie.secure = False
    answer = session.post(
        urljoin(login_page.url, action),
        data={"username": standard.username, "password": standard.password},
        timeout=30,
    )
    assert answer.status_code == 200
    assert "Protéger votre compte" in answer.text


def reset_password_link(keycloak, client_id: str, username: str, email: str, mail) -> tuple[requests.Session, str]:
    """« Mot de passe oublié ? » from the login page, for ``username``; answers the e-mail's link."""
    session, login_page = authorization_request(keycloak, client_id)
    for cookie in session.cookies:
        cookie.secure = False
    reset = html.unescape(re.search(r'href="([^"]*/login-actions/reset-credentials[^"]*)"', login_page.text).group(1))
    form_page = session.get(urljoin(login_page.url, reset), timeout=30)
    action = html.unescape(
        re.search(r'<form id="kc-reset-password-form"[^>]*action="([^"]+)"', form_page.text).group(1)
    )
    mail.clear()
    session.post(urljoin(form_page.url, action), data={"username": username}, timeout=30)
    return session, mail_link(mail, email)


def test_forgotten_password_asks_the_second_factor_before_the_new_password(
    keycloak, kc_admin, mail, make_user, register_client
):
    client_id, secret = register_client(APP, f"{APP}/callback")
    standard = make_user("standard")
    session, link = reset_password_link(
        keycloak, client_id, standard.username, kc_admin.get_user(standard.id)["email"], mail
    )
    page = session.get(link, timeout=30)
    assert 'id="kc-passwd-update-form"' in page.text  # permitted: no factor, the new password at once

    admin = make_user("admin")
    code_flow_tokens(keycloak.url, client_id, f"{APP}/callback", admin.username, secret, admin.password)  # enrols
    session, link = reset_password_link(keycloak, client_id, admin.username, kc_admin.get_user(admin.id)["email"], mail)
    page = session.get(link, timeout=30)
    assert 'id="kc-otp-login-form"' in page.text and 'id="kc-passwd-update-form"' not in page.text
    credentials = {c["type"] for c in kc_admin.get_credentials(admin.id)}
    assert "otp" in credentials  # the factor is asked, never reset from the login page


def test_a_standard_user_who_adds_a_factor_in_their_account_gives_it_at_every_login(
    keycloak, make_user, register_client
):
    """The account console's « Configurer une application d'authentification » is Keycloak's
    application-initiated action ``kc_action=CONFIGURE_TOTP``, played here over HTTP."""
    client = register_client(APP, f"{APP}/callback")
    user = make_user("standard")
    assert payload(tokens(keycloak, client, user)["id_token"])["acr"] == "pwd"
    session, login_page = authorization_request(keycloak, client[0], kc_action="CONFIGURE_TOTP")
    done = post_login_form(session, login_page, user.username, user.password)
    assert done.is_redirect and user.username in SECRETS  # the enrolment page was answered
    claims = payload(tokens(keycloak, client, user)["id_token"])  # a new login: the code is asked
    assert (claims["acr"], sorted(claims["amr"])) == ("mfa", ["otp", "pwd"])
