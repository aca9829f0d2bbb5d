"""The portal's sessions: back to the page asked for after login (a portal path only), the
back-channel logout token's validation (joserfc, locally generated keys) and the server-side
session rows it ends."""

from __future__ import annotations

import html
import re
import time
from urllib.parse import urljoin

import pytest
import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from portal_adapter.web import logout_token
from portal_adapter.web.auth import local_destination
from portal_adapter.web.login_sessions import close_session, end_sessions, is_live, open_session

from portal_adapter import db
from tests.support.accounts import PASSWORD, login
from tests.support.registration_http import RegistrationClient
from tests.support.second_factor import pass_second_factor
from tests.support.structures import structure_member

ISSUER = "http://keycloak.test/realms/hariane-pro"
NOW = 1_800_000_000
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})
JWKS = KeySet([KEY]).as_dict(private=False)


# --- after login, the page asked for ---------------------------------------------------------


@pytest.mark.parametrize("path", ["/concessions/rattacher", "/structure/utilisateurs", "/tableau-de-bord?x=1"])
def test_portal_paths_are_kept(path):
    assert local_destination(path) == path


@pytest.mark.parametrize(
    "value",
    [
        "//evil.test",
        "//evil.test/tableau-de-bord",
        "/\\evil.test",
        "/\\/evil.test",
        "https://evil.test/",
        "http:/evil.test",
        "javascript:alert(1)",
        "evil.test",
        "",
        None,
        42,
        "/tab\nleau",
        "/\x00",
    ],
)
def test_anything_else_is_dropped(value):
    assert local_destination(value) is None


def test_an_anonymous_visit_lands_on_the_page_asked_for_after_login(portal, kc_admin):
    member = structure_member(kc_admin)
    browser = RegistrationClient(portal.url)
    login_page = browser.request("GET", f"{portal.url}/concessions/rattacher")
    assert "kc-form-login" in login_page.text  # anonymous: sent to the login first
    action = html.unescape(re.search(r'<form id="kc-form-login"[^>]*action="([^"]+)"', login_page.text).group(1))
    answer = browser.request(
        "POST", urljoin(login_page.url, action), {"username": member.username, "password": PASSWORD}
    )
    landed = pass_second_factor(answer, member.username, lambda url, data: browser.request("POST", url, data))
    assert landed.url == f"{portal.url}/concessions/rattacher"
    assert landed.status_code == 200 and "Rattacher le compte" in html.unescape(landed.text)


def test_a_stale_session_grants_nothing_the_member_lost(portal, kc_admin):
    """Should a logout never arrive, the pages that grant something read the member's structure
    and profile from Keycloak, not from the session's claims."""
    member = structure_member(kc_admin)
    browser = login(portal.url, member.username)
    assert f"(SIRET {member.siret})" in browser.page
    assert browser.request("GET", f"{portal.url}/structure/utilisateurs").status_code == 200
    assert browser.request("GET", f"{portal.url}/concessions/rattacher").status_code == 200

    admin_group = kc_admin.get_group_by_path("/admin")["id"]
    kc_admin.group_user_remove(member.user_id, admin_group)  # straight in Keycloak: no logout sent
    kc_admin.group_user_add(member.user_id, kc_admin.get_group_by_path("/standard")["id"])
    assert browser.request("GET", f"{portal.url}/structure/utilisateurs").status_code == 403
    assert browser.request("GET", f"{portal.url}/concessions/rattacher").status_code == 403

    kc_admin.organization_user_remove(member.user_id, member.organization_id)
    dashboard = browser.request("GET", f"{portal.url}/tableau-de-bord")
    assert dashboard.status_code == 200 and member.siret not in dashboard.text  # the session still says it


# --- back-channel logout tokens --------------------------------------------------------------


def logout_claims(**changes) -> dict:
    base = {
        "iss": ISSUER,
        "aud": "portal",
        "iat": NOW,
        "exp": NOW + 120,
        "jti": "j",
        "typ": "Logout",
        "sub": "user-1",
        "sid": "sid-1",
        "events": {logout_token.BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    return {k: v for k, v in (base | changes).items() if v is not None}


def token(payload: dict, key: RSAKey = KEY) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, payload, key)


def validate(raw: str) -> logout_token.LogoutSubject:
    return logout_token.validate(raw, JWKS, issuer=ISSUER, audience="portal", now=NOW)


def test_a_valid_logout_token_names_the_session_and_the_user():
    assert validate(token(logout_claims())) == logout_token.LogoutSubject("sid-1", "user-1")
    assert validate(token(logout_claims(sid=None))) == logout_token.LogoutSubject(None, "user-1")


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "http://evil.test/realms/hariane-pro"},
        {"aud": "voirie"},
        {"iat": None},
        {"exp": NOW - 3600},
        {"events": None},
        {"events": {"http://schemas.openid.net/event/other": {}}},
        {"nonce": "n"},
        {"sid": None, "sub": None},
    ],
)
def test_invalid_logout_tokens_are_refused(changes):
    with pytest.raises(logout_token.InvalidLogoutToken):
        validate(token(logout_claims(**changes)))


def test_other_keys_and_malformed_tokens_are_refused():
    other = RSAKey.generate_key(2048, parameters={"kid": "k2", "alg": "RS256"})
    with pytest.raises(logout_token.UnknownSigningKey):
        validate(token(logout_claims(), other))  # the caller fetches the keys again, once
    impostor = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256"})
    for raw in (token(logout_claims(), impostor), "a.b.c", "", "eyJhbGciOiJub25lIn0.e30."):
        with pytest.raises(logout_token.InvalidLogoutToken):
            validate(raw)


# --- server-side session rows ----------------------------------------------------------------


def test_sessions_end_by_sid_or_by_user(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'portal.db'}")
    db.metadata.create_all(engine, tables=[db.login_sessions])
    first, second = open_session(engine, "user-1", "sid-1"), open_session(engine, "user-1", "sid-2")
    other = open_session(engine, "user-2", "sid-3")
    assert all(is_live(engine, key) for key in (first, second, other))
    assert end_sessions(engine, "sid-1", "user-2") == 0  # that sid is not user-2's
    sidless = open_session(engine, "user-1", None)
    assert end_sessions(engine, "sid-1", "user-1") == 2 and not is_live(engine, first) and is_live(engine, second)
    assert not is_live(engine, sidless)  # no sid to tell it apart: it ends with that user's logout
    assert end_sessions(engine, None, "user-1") == 1 and not is_live(engine, second)
    assert end_sessions(engine, None, None) == 0 and is_live(engine, other)
    close_session(engine, other)
    assert not is_live(engine, other)
    assert not is_live(
        engine, open_session(engine, "user-3", None, now=time.time() - 13 * 3600)
    )  # past its maximum age
