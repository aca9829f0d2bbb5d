"""A relying party's side of Keycloak's authorization code flow, over plain HTTP: log a user in
for any client (the account console, a client registered the usual way) and read its tokens."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets as random
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import requests

from devstack.stack import REALM
from tests.support.accounts import PASSWORD
from tests.support.second_factor import keycloak_post, pass_second_factor

LOGIN_FORM = re.compile(r'<form id="kc-form-login"[^>]*action="([^"]+)"')


def post_login_form(
    session: requests.Session, login_page: requests.Response, username: str, password: str = PASSWORD
) -> requests.Response:
    """Submit Keycloak's login form, then the second factor's pages when Keycloak shows them
    (tests/support/second_factor.py); answers Keycloak's redirect to the client, not followed.
    Keycloak's Secure cookies go to http://127.0.0.1 as a browser sends them (loopback is a
    secure context)."""
    action = html.unescape(LOGIN_FORM.search(login_page.text).group(1))
    post = keycloak_post(session)
    answer = post(urljoin(login_page.url, action), {"username": username, "password": password})
    return pass_second_factor(answer, username, post)


def code_flow_tokens(
    keycloak_url: str,
    client_id: str,
    redirect_uri: str,
    username: str,
    secret: str | None = None,
    password: str = PASSWORD,
) -> dict:
    """The token answer (``id_token``, ``access_token``, …) a client gets for ``username``:
    authorization code with PKCE S256, a client secret when the client is confidential."""
    verifier = random.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    session = requests.Session()
    login_page = session.get(
        f"{keycloak_url}/realms/{REALM}/protocol/openid-connect/auth?"
        + urlencode(
            {
                "client_id": client_id,
                "response_type": "code",
                "scope": "openid",
                "redirect_uri": redirect_uri,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "response_mode": "query",
                "state": "s",
            }
        ),
        timeout=30,
    )
    done = post_login_form(session, login_page, username, password)
    code = parse_qs(urlparse(done.headers["Location"]).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "client_id": client_id,
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    if secret is not None:
        form["client_secret"] = secret
    answer = requests.post(f"{keycloak_url}/realms/{REALM}/protocol/openid-connect/token", data=form, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def payload(jwt: str) -> dict:
    """A JWT's claims, unverified: the signature check is tests/test_portal_login.py's."""
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
