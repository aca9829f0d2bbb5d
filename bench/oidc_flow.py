"""A password login the way a browser and a confidential relying party do it, over real HTTP:
authorization code flow with PKCE S256 against Keycloak's login page, then the token endpoint;
and the refresh_token grant."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests

LOGIN_FORM = re.compile(r'<form\b[^>]*\bid="kc-form-login"[^>]*>', re.S)
ACTION = re.compile(r'\baction="([^"]+)"')


class FlowError(RuntimeError):
    """A step of the flow did not answer as a successful login would."""


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)  # 64 characters, within RFC 7636's 43-128
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")
    return verifier, challenge


def claims(jwt: str) -> dict:
    """The payload of a JWT, unverified (only to check what the mappers put in it)."""
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@dataclass(frozen=True)
class OidcClient:
    server_url: str
    realm: str
    client_id: str
    client_secret: str
    redirect_uri: str

    @property
    def _endpoints(self) -> str:
        return f"{self.server_url}/realms/{self.realm}/protocol/openid-connect"

    def login(
        self,
        session: requests.Session,
        username: str,
        password: str,
        after_password: Callable[[requests.Response], requests.Response] | None = None,
    ) -> dict:
        """A fresh browser login (the session's cookies are cleared first); returns the token response.
        ``after_password`` answers the pages Keycloak may show after the password (the second factor)."""
        session.cookies.clear()
        verifier, challenge = pkce_pair()
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        page = session.get(
            f"{self._endpoints}/auth",
            params={
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "response_type": "code",
                "scope": "openid",
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
            timeout=60,
        )
        form = LOGIN_FORM.search(page.text) if page.status_code == 200 else None
        if form is None:
            raise FlowError(f"login page: HTTP {page.status_code}, no kc-form-login: {page.text[:200]!r}")
        action = html.unescape(ACTION.search(form.group(0)).group(1))
        for cookie in session.cookies:
            cookie.secure = False  # browsers send Keycloak's Secure cookies to http://127.0.0.1; requests does not
        posted = session.post(
            action,
            data={"username": username, "password": password, "credentialId": ""},
            allow_redirects=False,
            timeout=60,
        )
        if after_password is not None:
            posted = after_password(posted)
        location = posted.headers.get("Location", "")
        if posted.status_code != 302 or not location.startswith(self.redirect_uri):
            raise FlowError(
                f"login POST: HTTP {posted.status_code}, Location {location[:120]!r}: {posted.text[:200]!r}"
            )
        query = parse_qs(urlsplit(location).query)
        if query.get("state") != [state] or "code" not in query:
            raise FlowError(f"redirect without code or with another state: {location[:200]!r}")
        return self._token(
            session,
            {
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": self.redirect_uri,
                "code_verifier": verifier,
            },
        )

    def refresh(self, session: requests.Session, refresh_token: str) -> dict:
        return self._token(session, {"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token(self, session: requests.Session, form: dict) -> dict:
        answer = session.post(
            f"{self._endpoints}/token",
            timeout=60,
            data=form | {"client_id": self.client_id, "client_secret": self.client_secret},
        )
        if answer.status_code != 200:
            raise FlowError(f"token endpoint ({form['grant_type']}): HTTP {answer.status_code}: {answer.text[:200]!r}")
        tokens = answer.json()
        if "access_token" not in tokens or "refresh_token" not in tokens:
            raise FlowError(f"token endpoint ({form['grant_type']}): incomplete answer {sorted(tokens)}")
        return tokens
