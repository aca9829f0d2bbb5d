"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0) in the portal and in the
reference road-works app, against the real Keycloak: a colleague signed in to both (real
Chromium) is refused by both within seconds of the administrator's « Désactiver » or
« Retirer de la structure »; forged logout tokens end nothing."""

from __future__ import annotations

import time

import pytest
import requests

from tests.support.accounts import PASSWORD, activate, add_colleague, management, post, user_id_of
from tests.support.browser_steps import keycloak_login, pass_second_factor

REFUSED_WITHIN_SECONDS = 5.0


def _signed_in_to_both(page, portal, voirie, username: str) -> None:
    page.goto(f"{portal.url}/connexion")
    keycloak_login(page, username, PASSWORD)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    assert page.get_by_text("Bonjour Colette").is_visible()
    page.goto(f"{voirie.url}/factures")  # single sign-on: no password asked again
    pass_second_factor(page, username)  # « Factures » demands acr mfa: the code, once more after the enrolment
    assert page.url == f"{voirie.url}/factures"
    assert page.get_by_role("heading", name="Factures").is_visible()


def _refused(page, url: str) -> bool:
    """Whether ``url`` sends this browser to the login (its session is gone) instead of answering."""
    page.goto(url)
    return page.url != url and "/protocol/openid-connect/auth" in page.url


@pytest.mark.parametrize("action", ["desactiver", "retirer"])
def test_a_disabled_or_removed_colleague_is_refused_by_the_portal_and_the_reference_app(
    page,
    portal,
    voirie,
    mail,
    admin,  # noqa: F811 - the fixture
    kc_admin,
    action,
):
    browser, _admin_id, _siret = admin
    email = f"colette.{action}@entreprise-test.test"
    colleague = add_colleague(browser, portal.url, "Colette", "Session", email, "privileged")
    activate(portal.url, mail, email)
    _signed_in_to_both(page, portal, voirie, colleague)
    # both sessions hold: reloading still answers
    assert not _refused(page, f"{portal.url}/tableau-de-bord")
    assert not _refused(page, f"{voirie.url}/factures")

    management(browser, portal.url)
    post(browser, f"{portal.url}/structure/utilisateurs/{user_id_of(kc_admin, colleague)}/{action}", {})
    acted_at = time.monotonic()
    assert _refused(page, f"{portal.url}/tableau-de-bord")
    assert _refused(page, f"{voirie.url}/factures")
    elapsed = time.monotonic() - acted_at
    print(f"« {action} »: refused by the portal and the reference app {elapsed:.2f} s after the action")
    assert elapsed < REFUSED_WITHIN_SECONDS


@pytest.mark.parametrize("app_name", ["portal", "voirie"])
def test_a_forged_logout_token_is_refused(request, app_name, portal, voirie):
    app = request.getfixturevalue(app_name)
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    payload = (
        "eyJpc3MiOiJ4Iiwic3ViIjoieCIsImV2ZW50cyI6eyJodHRwOi8vc2NoZW1hcy5vcGVuaWQubmV0L2V2ZW50L2JhY2tj"
        "aGFubmVsLWxvZ291dCI6e319fQ"
    )
    for token in (f"{header}.{payload}.", "not-a-token", ""):
        response = requests.post(f"{app.url}/auth/backchannel-logout", data={"logout_token": token}, timeout=10)
        assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_the_realm_sends_logouts_to_each_apps_own_address(kc_admin, portal, voirie):
    """The realm's placeholders follow the stack's base URLs (here the test session's ports)."""
    for client_id, app in (("portal", portal), ("voirie", voirie)):
        client = kc_admin.get_client(kc_admin.get_client_id(client_id))
        assert client["attributes"]["backchannel.logout.url"] == f"{app.url}/auth/backchannel-logout"
        assert client["attributes"]["backchannel.logout.session.required"] == "true"
        assert client["frontchannelLogout"] is False
