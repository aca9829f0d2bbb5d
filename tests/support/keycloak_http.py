"""Keycloak's own pages over plain HTTP, as the account console's user meets them: log in to
the account console (PKCE), with an application-initiated action (``kc_action``) such as
UPDATE_PASSWORD or CONFIGURE_TOTP; « Mot de passe oublié »."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
import struct
import time
from urllib.parse import urlencode, urljoin

import requests

from devstack.registration_client import RegistrationClient
from devstack.stack import REALM


def form_action(page: str) -> str:
    return html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page).group(1))


def page_text(page: str) -> str:
    """What a person reads: the page's text without tags, scripts or whitespace runs."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def login_page(browser: RegistrationClient, keycloak_url: str, action: str | None = None) -> requests.Response:
    """The account console's login page (an authorization request with PKCE)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "client_id": "account-console",
        "redirect_uri": f"{keycloak_url}/realms/{REALM}/account/",
        "response_type": "code",
        "scope": "openid",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if action:
        params["kc_action"] = action
    return browser.request("GET", f"{keycloak_url}/realms/{REALM}/protocol/openid-connect/auth?{urlencode(params)}")


def account_login(keycloak_url: str, username: str, password: str, action: str | None = None):
    """A fresh session logged in to the account console; with ``action``, the page of that
    required action (the browser and the response)."""
    browser = RegistrationClient(keycloak_url)
    login = login_page(browser, keycloak_url, action)
    answer = submit(browser, login, {"username": username, "password": password})
    return browser, answer


def submit(browser: RegistrationClient, page, data: dict) -> requests.Response:
    """Post the page's (first) form with its hidden fields, following redirects like a browser."""
    hidden = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text))
    return browser.request("POST", urljoin(page.url, form_action(page.text)), {**hidden, **data})


def change_password(keycloak_url: str, username: str, password: str, new_password: str) -> requests.Response:
    session, form = account_login(keycloak_url, username, password, "UPDATE_PASSWORD")
    assert "password-new" in form.text, page_text(form.text)[:500]
    return submit(session, form, {"password-new": new_password, "password-confirm": new_password})


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits: the realm's OTP policy) over Keycloak's raw secret."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(secret.encode(), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def enrol_totp(keycloak_url: str, username: str, password: str) -> tuple[requests.Response, str]:
    """Add an authenticator app; the page that follows, and the app's secret."""
    browser, form = account_login(keycloak_url, username, password, "CONFIGURE_TOTP")
    secret = html.unescape(re.search(r'name="totpSecret" value="([^"]+)"', form.text).group(1))
    done = submit(browser, form, {"totp": totp(secret), "totpSecret": secret, "userLabel": "Téléphone"})
    return done, secret


def remove_credential(keycloak_url: str, username: str, password: str, secret: str, credential_id: str):
    """Delete one of one's credentials (Keycloak's ``delete_credential`` action), logging in
    with the authenticator app's next code; the page that follows."""
    browser, page = account_login(keycloak_url, username, password, f"delete_credential:{credential_id}")
    if 'name="otp"' in page.text:
        page = submit(browser, page, {"otp": totp(secret, time.time() + 30)})
    return submit(browser, page, {"accept": ""})


def forgot_password(keycloak_url: str, username: str) -> requests.Response:
    """« Mot de passe oublié » from a fresh login page, for ``username``; the page that follows."""
    browser = RegistrationClient(keycloak_url)
    login = login_page(browser, keycloak_url)
    link = html.unescape(re.search(r'href="([^"]*login-actions/reset-credentials[^"]*)"', login.text).group(1))
    form = browser.request("GET", urljoin(login.url, link))
    return submit(browser, form, {"username": username})
