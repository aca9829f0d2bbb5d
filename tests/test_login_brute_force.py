"""Keycloak's brute-force detection as the realm sets it (realm-config/README.md, « Brute force
on login »), against the real Keycloak: after the realm's number of wrong passwords the right
one is refused for the wait, with the message an unknown identifier gets; after the wait it
works. The waits are shortened for the test by a realm update, restored afterwards."""

from __future__ import annotations

import html
import json
import re
import time
import uuid
from urllib.parse import urljoin

import pytest

from devstack import paths
from devstack.stack import REALM
from tests.support.registration_http import RegistrationClient

WRONG = "Nom d'utilisateur ou mot de passe invalide."
SETTINGS = (
    "bruteForceProtected",
    "permanentLockout",
    "maxTemporaryLockouts",
    "bruteForceStrategy",
    "failureFactor",
    "waitIncrementSeconds",
    "maxFailureWaitSeconds",
    "maxDeltaTimeSeconds",
    "quickLoginCheckMilliSeconds",
    "minimumQuickLoginWaitSeconds",
)
# What realm-config/README.md says, and why there: a value changed in one place only fails here.
DECIDED = {
    "bruteForceProtected": True,
    "permanentLockout": False,
    "maxTemporaryLockouts": 0,
    "bruteForceStrategy": "LINEAR",
    "failureFactor": 5,
    "waitIncrementSeconds": 60,
    "maxFailureWaitSeconds": 900,
    "maxDeltaTimeSeconds": 86400,
    "quickLoginCheckMilliSeconds": 1000,
    "minimumQuickLoginWaitSeconds": 60,
}
SHORT_WAIT = 4  # seconds, for the test only
SPACING = 1.2  # seconds between wrong passwords: slower than the quick-login check (1 s)


def realm_file() -> dict:
    return json.loads((paths.ROOT / "realm-config" / "hariane-pro-realm.json").read_text())


class LoginForm:
    """Keycloak's login page reached from the portal's « Se connecter », over plain HTTP."""

    def __init__(self, portal_url: str) -> None:
        self.portal_url = portal_url
        self.browser = RegistrationClient(portal_url)
        page = self.browser.request("GET", f"{portal_url}/connexion")
        self.action = urljoin(
            page.url, html.unescape(re.search(r'<form id="kc-form-login"[^>]*action="([^"]+)"', page.text).group(1))
        )

    def submit(self, username: str, password: str):
        return self.browser.request("POST", self.action, {"username": username, "password": password})


def attempt(portal_url: str, username: str, password: str):
    return LoginForm(portal_url).submit(username, password)


def logged_in(response, portal_url: str) -> bool:
    return response.url == f"{portal_url}/tableau-de-bord"


def message(response) -> str:
    found = re.search(r'id="input-error-username"[^>]*>(.*?)</div>', response.text, re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())) if found else ""


def normalised(response, username: str) -> str:
    """The login page without the session's codes and the identifier typed."""
    page = response.text.replace(username, "IDENTIFIANT")
    page = re.sub(r'checkAuthSession\(\s*"[^"]*"\s*\)', 'checkAuthSession("X")', page)
    return re.sub(r"(session_code|execution|client_data|tab_id)=[^&\"']+", r"\1=X", page)


@pytest.fixture
def short_waits(kc_admin):
    """The realm's settings, with the waits shortened to SHORT_WAIT seconds; restored after."""
    before = kc_admin.get_realm(REALM)
    kc_admin.update_realm(
        REALM,
        {
            "waitIncrementSeconds": SHORT_WAIT,
            "maxFailureWaitSeconds": SHORT_WAIT,
            "minimumQuickLoginWaitSeconds": SHORT_WAIT,
        },
    )
    yield {key: before[key] for key in SETTINGS}
    kc_admin.update_realm(REALM, {key: before[key] for key in SETTINGS})
    assert {key: kc_admin.get_realm(REALM)[key] for key in SETTINGS} == {key: before[key] for key in SETTINGS}


def test_the_realm_file_sets_brute_force_detection_as_documented():
    realm = realm_file()
    assert {key: realm[key] for key in SETTINGS} == DECIDED
    readme = (paths.ROOT / "realm-config" / "README.md").read_text()
    section = readme[readme.index("## Brute force on login") :]
    for key, value in DECIDED.items():
        shown = json.dumps(value) if isinstance(value, bool) else str(value)
        assert f"`{key}` | `{shown}`" in section, key


def test_the_running_realm_has_the_files_settings(kc_admin):
    realm = kc_admin.get_realm(REALM)
    assert {key: realm[key] for key in SETTINGS} == DECIDED


def test_after_the_wrong_passwords_the_right_one_waits_then_works(portal, make_user, short_waits):
    user = make_user("standard")
    failures = short_waits["failureFactor"]
    assert logged_in(attempt(portal.url, user.username, user.password), portal.url)  # the permitted path

    # One wrong password fewer than the limit: the right one still works (and clears the count).
    for _ in range(failures - 1):
        assert message(attempt(portal.url, user.username, "pas le bon mot de passe")) == WRONG
        time.sleep(SPACING)
    assert logged_in(attempt(portal.url, user.username, user.password), portal.url)

    # The limit reached: the right password is refused, as an unknown identifier is.
    for _ in range(failures):
        time.sleep(SPACING)
        wrong = attempt(portal.url, user.username, "pas le bon mot de passe")
        assert wrong.status_code == 200 and message(wrong) == WRONG
    locked_at = time.monotonic()
    refused = attempt(portal.url, user.username, user.password)
    unknown_name = f"pro.personne.{uuid.uuid4().hex[:8]}"
    unknown = attempt(portal.url, unknown_name, user.password)
    assert time.monotonic() - locked_at < SHORT_WAIT, "the machine was too slow to see the wait"
    assert not logged_in(refused, portal.url)
    assert message(refused) == message(unknown) == WRONG
    assert refused.status_code == unknown.status_code == 200
    assert normalised(refused, user.username) == normalised(unknown, unknown_name)

    # After the wait, the right password works again.
    time.sleep(SHORT_WAIT + 1)
    assert logged_in(attempt(portal.url, user.username, user.password), portal.url)


def test_two_wrong_passwords_within_a_second_make_a_script_wait(portal, make_user, short_waits):
    """The quick-login check: a person does not type two passwords in one second; a script does."""
    user = make_user("standard")
    forms = [LoginForm(portal.url) for _ in range(3)]
    first = forms[0].submit(user.username, "pas le bon mot de passe")
    second = forms[1].submit(user.username, "toujours pas le bon")
    assert message(first) == message(second) == WRONG
    refused = forms[2].submit(user.username, user.password)
    assert not logged_in(refused, portal.url) and message(refused) == WRONG
    time.sleep(SHORT_WAIT + 1)
    assert logged_in(attempt(portal.url, user.username, user.password), portal.url)
