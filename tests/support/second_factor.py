"""The second factor over plain HTTP, for the tests that log administrators in: the pages
Keycloak shows once the password is given (« Protéger votre compte », the TOTP enrolment, the
recovery codes, the one-time code) answered the way a person with an authenticator application
would, codes computed with pyotp. Test code only: the product has no way around the factor.

The TOTP secret each account enrolled is kept here, in the test process, by identifier."""

from __future__ import annotations

import base64
import html
import re
import time
from collections.abc import Callable
from urllib.parse import urljoin

import pyotp
import requests

# identifier -> TOTP secret, base32 (Keycloak's enrolment form carries the raw secret; its
# page shows the same base32-encoded, as a person types it into their application)
SECRETS: dict[str, str] = {}
# identifier -> time steps whose code was already used (Keycloak refuses a code twice)
_USED: dict[str, set[int]] = {}
PERIOD = 30

Post = Callable[[str, dict], requests.Response]


def form_action(page: str, form_id: str) -> str | None:
    match = re.search(rf'<form[^>]*id="{form_id}"[^>]*>', page)
    if match is None:
        return None
    return html.unescape(re.search(r'action="([^"]+)"', match.group(0)).group(1))


def hidden(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    return html.unescape(re.search(r'value="([^"]*)"', tag).group(1))


def remember(identifier: str, raw_secret: str) -> None:
    """Keep the secret of the TOTP enrolment page's form (``totpSecret``) for ``identifier``."""
    SECRETS[identifier] = base64.b32encode(raw_secret.encode()).decode()
    _USED.pop(identifier, None)


def _steps_now() -> tuple[int, ...]:
    """The time steps whose codes Keycloak accepts now (its look-around window: one step either
    side); the previous one only while it stays accepted for a few seconds more."""
    now = time.time()
    step = int(now) // PERIOD
    return (step, step + 1, step - 1) if now % PERIOD < PERIOD - 5 else (step, step + 1)


def wait_for_code(identifier: str) -> None:
    """Wait (without taking it) until a code of ``identifier`` not used before is accepted."""
    while set(_steps_now()) <= _USED.get(identifier, set()):
        time.sleep(PERIOD - time.time() % PERIOD + 0.5)


def totp_code(identifier: str) -> str:
    """A code for ``identifier`` not used before: this time step's, the next one's or the previous
    one's (Keycloak accepts one step either side), else wait for a fresh step."""
    totp = pyotp.TOTP(SECRETS[identifier])
    used = _USED.setdefault(identifier, set())
    wait_for_code(identifier)
    candidate = next(step for step in _steps_now() if step not in used)
    used.add(candidate)
    return totp.at(candidate * PERIOD)


def keycloak_post(session: requests.Session) -> Post:
    """POST with ``session``, following Keycloak's own redirects between its pages (required
    actions) but not the final one to the client, which the caller reads."""

    def post(url: str, data: dict) -> requests.Response:
        for cookie in session.cookies:
            cookie.secure = False
        return follow_keycloak(session, session.post(url, data=data, allow_redirects=False, timeout=30))

    return post


def follow_keycloak(session: requests.Session, response: requests.Response) -> requests.Response:
    """Follow Keycloak's redirects between its own pages (``/login-actions/``), not the others."""
    while response.is_redirect and "/login-actions/" in response.headers["Location"]:
        response = session.get(urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=30)
    return response


def pass_second_factor(response: requests.Response, identifier: str, post: Post, factor: str = "application"):
    """From the page after the password, answer the second-factor pages until Keycloak lets the
    login through; returns the first response that is none of them (a redirect or another page)."""
    for _ in range(6):
        page = response.text if response.status_code == 200 else ""
        if action := form_action(page, "ha-second-factor"):
            response = post(urljoin(response.url, action), {"factor": factor})
        elif action := form_action(page, "kc-totp-settings-form"):
            raw = hidden(page, "totpSecret")
            remember(identifier, raw)
            form = {"totpSecret": raw, "totp": totp_code(identifier), "userLabel": "Téléphone"}
            response = post(urljoin(response.url, action), form)
        elif action := form_action(page, "kc-recovery-codes-settings-form"):
            form = {name: hidden(page, name) for name in ("generatedRecoveryAuthnCodes", "generatedAt", "userLabel")}
            response = post(urljoin(response.url, action), form)
        elif action := form_action(page, "kc-otp-login-form"):
            response = post(urljoin(response.url, action), {"otp": totp_code(identifier)})
        else:
            return response
    raise AssertionError("still on a second-factor page: " + response.text[:500])
