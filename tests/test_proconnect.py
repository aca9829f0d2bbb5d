"""« S'identifier avec ProConnect » (docs/proconnect.md), in Chromium through the login page's
button, against the local federation: the realm ``proconnect-local`` of the session's Keycloak,
speaking ProConnect's dialect (signed userinfo, ``siret``, ``usual_name``, ``acr``). The session
imports the provider off; these tests switch it on and back off."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest

from devstack import proconnect
from devstack.demo import master_admin
from tests.support.accounts import management, new_administrator, post, user_id_of
from tests.support.browser_steps import pass_second_factor, portal_session, serious_violations, verified_id_token
from tests.support.join_requests import wait_for_mail_about
from tests.support.registration_http import synthetic_siret

BUTTON = "S'identifier avec ProConnect"
ACCEPTED = "eidas1"
SELF_ASSERTED = "https://proconnect.gouv.fr/assurance/self-asserted"
MULTI_FACTOR = "eidas2"


@dataclass(frozen=True)
class FederationUser:
    id: str
    username: str
    password: str
    email: str
    first_name: str
    last_name: str


@pytest.fixture(scope="module")
def federation(keycloak, secrets):
    """python-keycloak on the local federation's realm."""
    return master_admin(keycloak.url, "admin", secrets["KEYCLOAK_ADMIN_PASSWORD"], proconnect.LOCAL_REALM)


def _switch(kc_admin, enabled: bool) -> None:
    provider = kc_admin.get_idp(proconnect.ALIAS)
    provider["enabled"] = enabled
    kc_admin.update_idp(proconnect.ALIAS, provider)


@pytest.fixture
def proconnect_on(kc_admin):
    _switch(kc_admin, True)
    yield
    _switch(kc_admin, False)


@pytest.fixture
def federated(federation):
    """People of the local federation (ProConnect's identity providers), deleted afterwards."""
    made: list[str] = []

    def make(siret: str | None, acr: str | None = ACCEPTED, email: str | None = None) -> FederationUser:
        suffix = uuid.uuid4().hex[:8]
        letters = "".join(chr(ord("a") + int(c, 16)) for c in suffix)  # a name has no digit
        attributes = {"amr": ["pwd"]}
        if siret is not None:
            attributes["siret"] = [siret]
        if acr is not None:
            attributes["acr"] = [acr]
        user = FederationUser(
            id="",
            username=f"agent-{suffix}",
            password=f"Phrase de passe {uuid.uuid4().hex}",
            email=email or f"lou.{suffix}@entreprise-federee.test",
            first_name="Lou",
            last_name=f"Bernard-{letters}",
        )
        user_id = federation.create_user(
            {
                "username": user.username,
                "email": user.email,
                "emailVerified": True,
                "firstName": user.first_name,
                "lastName": user.last_name,
                "enabled": True,
                "attributes": attributes,
                "credentials": [{"type": "password", "value": user.password, "temporary": False}],
            }
        )
        made.append(user_id)
        return FederationUser(user_id, user.username, user.password, user.email, user.first_name, user.last_name)

    yield make
    for user_id in made:
        federation.delete_user(user_id)


def through_proconnect(page, portal, person: FederationUser) -> None:
    """The portal's « Se connecter », the login page's ProConnect button, the federation's login."""
    page.goto(f"{portal.url}/connexion")
    with page.expect_navigation():
        page.get_by_role("link", name=BUTTON).click()
    page.locator("#username").fill(person.username)
    page.locator("#password").fill(person.password)
    with page.expect_navigation():
        page.locator("#kc-login").click()


def next_page(page) -> None:
    with page.expect_navigation():
        page.locator("button[name=nav][value=next]").click()


def accounts_with(kc_admin, email: str) -> list[dict]:
    return [u for u in kc_admin.get_users({"email": email, "exact": True}) if u.get("email") == email]


def test_button_absent_while_the_provider_is_not_configured_then_present(page, portal, kc_admin):
    page.goto(f"{portal.url}/connexion")
    page.locator("#kc-form-login").wait_for()
    assert page.get_by_role("link", name=BUTTON).count() == 0
    assert page.locator("#social-proconnect").count() == 0

    _switch(kc_admin, True)
    try:
        page.goto(f"{portal.url}/connexion")
        button = page.get_by_role("link", name=BUTTON)
        assert button.count() == 1
        assert "/broker/proconnect/login" in button.get_attribute("href")
        what = page.get_by_role("link", name="Qu'est-ce que ProConnect ?")
        assert what.get_attribute("href") == "https://www.proconnect.gouv.fr/"
        assert what.get_attribute("target") == "_blank"
        # the logo white on the blue button (keycloak.v2 would tint it blue through a CSS filter)
        logo = button.locator("svg")
        assert logo.evaluate("e => getComputedStyle(e).filter") == "none"
        assert logo.locator("path").evaluate("e => getComputedStyle(e).fill") == "rgb(255, 255, 255)"
        assert serious_violations(page) == []
    finally:
        _switch(kc_admin, False)


def create_structure_through_proconnect(page, portal, person: FederationUser) -> None:
    """An unknown SIRET: « Créer un compte Pro » from step 2/3, step 3 prefilled, the CGU accepted."""
    through_proconnect(page, portal, person)
    page.locator("#structureType").wait_for()
    page.locator("#phone").fill("02 35 19 45 45")
    page.locator("#structureEmail").fill("contact@entreprise-federee.test")
    next_page(page)
    page.locator("#jobTitle").fill("Conductrice de travaux")
    page.locator("#acceptCgu").check()
    next_page(page)


def signed_in_again(browser, portal, person: FederationUser, secrets, keycloak) -> dict:
    """Through ProConnect in a fresh browser, straight into the portal: the ID token's claims."""
    again = browser.new_context(locale="fr-FR")
    try:
        page = again.new_page()
        through_proconnect(page, portal, person)
        page.wait_for_url(f"{portal.url}/**")
        return verified_id_token(again, secrets, keycloak)
    finally:
        again.close()


def test_unknown_siret_creates_the_structure_with_the_person_as_administrator(
    page, browser, portal, keycloak, kc_admin, secrets, federation, federated, proconnect_on
):
    siret = synthetic_siret()
    person = federated(siret)  # ProConnect asserts eidas1: a password, no second factor
    through_proconnect(page, portal, person)

    # « Les informations sur votre structure (2/3) », the register's data, no SIRET step
    page.locator("#structureType").wait_for()
    assert page.locator("#postalCode").input_value() != ""
    assert page.get_by_role("button", name="← Retour").count() == 0
    assert serious_violations(page) == []
    page.locator("#phone").fill("02 35 19 45 45")
    page.locator("#structureEmail").fill("contact@entreprise-federee.test")
    next_page(page)

    # step 3 prefilled from ProConnect: prénom, nom (usual_name), the verified address shown
    assert page.locator("#firstName").input_value() == person.first_name
    assert page.locator("#lastName").input_value() == person.last_name
    assert page.locator("#ha-proconnect-email").inner_text() == person.email
    assert serious_violations(page) == []
    page.locator("#jobTitle").fill("Conductrice de travaux")
    next_page(page)  # the CGU not accepted: refused in French, what was typed kept
    assert "accepter les Conditions Générales" in page.locator("#input-error-acceptCgu").inner_text()
    assert page.locator("#jobTitle").input_value() == "Conductrice de travaux"
    page.locator("#acceptCgu").check()
    next_page(page)

    # an administrator: « Protéger votre compte » at this first login, as after an activation
    page.locator("#ha-second-factor").wait_for()
    pass_second_factor(page, person.username)
    page.wait_for_url(f"{portal.url}/**")
    claims = verified_id_token(page.context, secrets, keycloak)
    assert claims["structure"]["siret"] == siret
    assert claims["pro_profile"] == "admin"
    assert claims["identity_provider"] == "proconnect"
    assert claims["idp_acr"] == ACCEPTED
    # one factor (ProConnect's password): the level pwd, the method ProConnect's; the factor just
    # enrolled is asked from the next login on, as after an activation
    assert claims["acr"] == "pwd"
    assert claims["amr"] == ["pwd"]
    assert claims["email"] == person.email

    user_id = user_id_of(kc_admin, claims["preferred_username"])
    account = kc_admin.get_user(user_id)
    assert account["username"].startswith("pro.lou.bernard")
    assert account["emailVerified"] is True
    assert "hariane-activation" not in account.get("requiredActions", [])
    assert account["attributes"]["cguVersion"] and account["attributes"]["cguAcceptedAt"]
    # no password (they sign in with ProConnect): the authenticator application and its recovery codes
    assert sorted(c["type"] for c in kc_admin.get_credentials(user_id)) == ["otp", "recovery-authn-codes"]
    links = kc_admin.get_user_social_logins(user_id)
    assert [(link["identityProvider"], link["userId"]) for link in links] == [("proconnect", person.id)]

    # within the session, an app asking mfa: the factor only, never a password (they have none)
    page.goto(f"{portal.url}/connexion?niveau=mfa")
    page.locator("#kc-otp-login-form").wait_for()
    assert page.locator("#password").count() == 0
    pass_second_factor(page, person.username)
    page.wait_for_url(f"{portal.url}/**")
    assert verified_id_token(page.context, secrets, keycloak)["acr"] == "mfa"

    # the same person again: straight in after ProConnect, then Hariane PRO's factor: mfa
    again = browser.new_context(locale="fr-FR")
    try:
        second = again.new_page()
        through_proconnect(second, portal, person)
        second.locator("#kc-otp-login-form").wait_for()
        assert second.locator("#ha-second-factor").count() == 0  # enrolled once, not again
        pass_second_factor(second, person.username)
        second.wait_for_url(f"{portal.url}/**")
        token = verified_id_token(again, secrets, keycloak)
        assert token["sub"] == user_id
        assert token["acr"] == "mfa"
        assert token["amr"] == ["pwd", "otp"]
        assert token["idp_acr"] == ACCEPTED
    finally:
        again.close()
    assert len(accounts_with(kc_admin, person.email)) == 1

    # a later login whose level ProConnect asserts below the accepted ones is refused too
    lowered = federation.get_user(person.id)
    lowered["attributes"] = {"siret": [siret], "acr": [SELF_ASSERTED], "amr": ["pwd"]}
    federation.update_user(person.id, lowered)
    lower = browser.new_context(locale="fr-FR")
    try:
        third = lower.new_page()
        through_proconnect(third, portal, person)
        refused = third.locator("#ha-proconnect-refused")
        refused.wait_for()
        assert "niveau de vérification de votre identité" in refused.inner_text()
        assert "id_token" not in portal_session(lower, secrets["PORTAL_SECRET_KEY"])  # not signed in
    finally:
        lower.close()


def test_a_multi_factor_acr_from_proconnect_counts_as_mfa(
    page, browser, portal, keycloak, kc_admin, secrets, federated, proconnect_on
):
    """ProConnect asserted a second factor (eidas2): an administrator is neither asked Hariane
    PRO's factor nor sent to enrol one, and the tokens say mfa."""
    person = federated(synthetic_siret(), acr=MULTI_FACTOR)
    create_structure_through_proconnect(page, portal, person)
    page.wait_for_url(f"{portal.url}/**")
    claims = verified_id_token(page.context, secrets, keycloak)
    assert claims["pro_profile"] == "admin"
    assert claims["acr"] == "mfa"
    assert claims["idp_acr"] == MULTI_FACTOR
    user_id = user_id_of(kc_admin, claims["preferred_username"])
    assert kc_admin.get_credentials(user_id) == []  # no Hariane PRO factor enrolled nor asked

    token = signed_in_again(browser, portal, person, secrets, keycloak)
    assert (token["sub"], token["acr"]) == (user_id, "mfa")


def test_existing_structure_files_a_join_request_for_its_administrators(
    page, portal, mail, kc_admin, federated, proconnect_on
):
    identifier, siret = new_administrator(portal.url, mail)
    administrator = kc_admin.get_user(user_id_of(kc_admin, identifier))
    person = federated(siret)
    through_proconnect(page, portal, person)

    page.locator("#ha-proconnect-join").wait_for()
    assert siret in page.locator("#ha-join-intro").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Demander à rejoindre cette structure").click()
    assert "Indiquez" in page.locator("#input-error-jobTitle").inner_text()
    page.locator("#jobTitle").fill("Technicienne réseaux")
    page.locator("#acceptCgu").check()
    page.get_by_role("button", name="Demander à rejoindre cette structure").click()
    state = page.locator("#ha-join-state")
    state.wait_for()
    assert "en attente de la décision des administrateurs" in state.inner_text()
    assert serious_violations(page) == []

    letter = wait_for_mail_about(mail, administrator["email"], "demande à rejoindre votre structure")
    assert person.last_name in letter
    assert accounts_with(kc_admin, person.email) == []


def test_a_person_accepted_through_a_join_request_filed_from_proconnect_signs_in_straight(
    page, browser, portal, keycloak, mail, admin, kc_admin, secrets, federated, proconnect_on
):
    """The request keeps ProConnect's sub; the account made at « Accepter » is linked to it, so the
    person's next ProConnect login signs them in (no « adresse déjà utilisée »), a standard member
    at the password level."""
    administrator, _identifier, siret = admin
    person = federated(siret)
    through_proconnect(page, portal, person)
    page.locator("#ha-proconnect-join").wait_for()
    page.locator("#jobTitle").fill("Technicienne réseaux")
    join = page.get_by_role("button", name="Demander à rejoindre cette structure")
    join.click()  # the CGU not accepted: refused in French, the fonction kept
    assert "accepter les Conditions Générales" in page.locator("#input-error-acceptCgu").inner_text()
    assert page.locator("#jobTitle").input_value() == "Technicienne réseaux"
    assert serious_violations(page) == []
    page.locator("#acceptCgu").check()
    join.click()
    page.locator("#ha-join-state").wait_for()

    pending = management(administrator, portal.url)
    (request_id,) = re.findall(r"/structure/utilisateurs/demandes/(\d+)/accepter", pending)
    done = post(
        administrator, f"{portal.url}/structure/utilisateurs/demandes/{request_id}/accepter", {"profil": "standard"}
    )
    assert "Demande acceptée" in done
    (account,) = accounts_with(kc_admin, person.email)
    links = kc_admin.get_user_social_logins(account["id"])
    assert [(link["identityProvider"], link["userId"]) for link in links] == [("proconnect", person.id)]
    account = kc_admin.get_user(account["id"])
    assert account["emailVerified"] is True and not account.get("requiredActions")  # no activation
    assert account["attributes"]["cguVersion"] and account["attributes"]["cguAcceptedAt"]  # accepted on the join page
    told = wait_for_mail_about(mail, person.email, "est acceptée")
    assert "S'identifier avec ProConnect" in told

    token = signed_in_again(browser, portal, person, secrets, keycloak)
    assert token["sub"] == account["id"]
    assert token["structure"]["siret"] == siret
    assert token["pro_profile"] == "standard"
    assert (token["acr"], token["amr"]) == ("pwd", ["pwd"])  # a standard member: no factor asked


@pytest.mark.parametrize(
    ("siret", "acr", "message"),
    [
        (None, ACCEPTED, "n'a pas transmis le numéro SIRET"),
        ("fresh", SELF_ASSERTED, "niveau de vérification de votre identité"),
        ("fresh", None, "niveau de vérification de votre identité"),
        ("88087814500015", ACCEPTED, "Cet établissement est fermé"),
    ],
    ids=["missing-siret", "self-asserted-acr", "no-acr", "closed-siret"],
)
def test_refused_in_french_and_no_account_created(
    page, portal, kc_admin, federated, proconnect_on, siret, acr, message
):
    person = federated(synthetic_siret() if siret == "fresh" else siret, acr=acr)
    through_proconnect(page, portal, person)
    refused = page.locator("#ha-proconnect-refused")
    refused.wait_for()
    assert message in refused.inner_text()
    assert "Aucun compte Hariane PRO n'a été créé" in refused.inner_text()
    assert serious_violations(page) == []
    assert accounts_with(kc_admin, person.email) == []


def test_an_existing_member_with_the_same_email_is_not_taken_over(
    page, portal, kc_admin, make_user, federated, proconnect_on
):
    member = make_user("admin")
    email = kc_admin.get_user(member.id)["email"]
    person = federated(synthetic_siret(), email=email)
    # no link by e-mail: the person goes through « Créer un compte Pro », which then refuses the address
    create_structure_through_proconnect(page, portal, person)
    refused = page.locator("#ha-proconnect-refused")
    refused.wait_for()
    assert "utilise déjà l'adresse de courriel" in refused.inner_text()

    assert kc_admin.get_user_social_logins(member.id) == []
    assert [u["id"] for u in accounts_with(kc_admin, email)] == [member.id]


def test_the_provider_is_off_unless_asked_and_every_placeholder_is_given():
    """devstack gives Keycloak every ``${PROCONNECT_*}`` of both realm files; off by default."""
    import re

    from devstack import paths

    off = proconnect.chosen("", "http://127.0.0.1:8080", "s")
    assert off["PROCONNECT_ENABLED"] == "false"
    # inert but valid: Keycloak refuses to import a provider with an empty JWKS URL, even disabled
    assert all(off[f"PROCONNECT_{name}"].startswith("https://proconnect.invalid") for name in proconnect.URL_NAMES)
    local = proconnect.chosen("local", "http://127.0.0.1:8080", "s")
    assert local["PROCONNECT_ENABLED"] == "true"
    assert local["PROCONNECT_ISSUER"] == "http://127.0.0.1:8080/realms/proconnect-local"
    assert proconnect.chosen("local-off", "http://127.0.0.1:8080", "s")["PROCONNECT_ENABLED"] == "false"
    for realm_file in (paths.REALM_FILE, proconnect.LOCAL_REALM_FILE):
        wanted = set(re.findall(r"\$\{(PROCONNECT_[A-Z_]+)\}", realm_file.read_text()))
        assert wanted and wanted <= set(local), realm_file
    assert set(re.findall(r"\$\{(PROCONNECT_[A-Z_]+)\}", paths.REALM_FILE.read_text())) <= set(off)


def test_make_runs_switch_sets_the_provider_and_the_demo_person(keycloak, kc_admin, federation, secrets):
    """What ``HARIANE_PROCONNECT=local make run`` does after Keycloak started (devstack/run.py)."""
    env = proconnect.local_env(keycloak.url, secrets["PROCONNECT_LOCAL_CLIENT_SECRET"])
    proconnect.apply(kc_admin, env)
    try:
        provider = kc_admin.get_idp(proconnect.ALIAS)
        assert provider["enabled"] is True
        assert provider["config"]["tokenUrl"] == env["PROCONNECT_TOKEN_URL"]
        login = proconnect.ensure_demo_user(federation, f"Phrase de passe {uuid.uuid4().hex}")
        assert proconnect.ensure_demo_user(federation, f"Phrase de passe {uuid.uuid4().hex}") == login
        (person,) = federation.get_users({"username": login, "exact": True})
        assert person["attributes"]["siret"] == ["51234567900017"]
    finally:
        proconnect.apply(kc_admin, env | {"PROCONNECT_ENABLED": "false"})
        for person in federation.get_users({"username": proconnect.DEMO_USER["username"], "exact": True}):
            federation.delete_user(person["id"])


def test_the_verified_join_request_api_answers_the_extension_only(portal, secrets):
    """POST /api/join-requests/verified (the extension's call; filing through it: the join test above)."""
    import requests

    url = f"{portal.url}/api/join-requests/verified"
    body = {
        "siret": synthetic_siret(),
        "first_name": "Lou",
        "last_name": "Bernard",
        "email": f"lou.{uuid.uuid4().hex[:8]}@entreprise-federee.test",
        "job_title": "Technicienne réseaux",
    }
    auth = {"Authorization": f"Bearer {secrets['PORTAL_API_SECRET']}"}
    unknown = requests.post(url, json=body, headers=auth, timeout=20)
    assert unknown.status_code == 409 and unknown.json()["error"]["code"] == "not_filed"  # no such structure
    assert requests.post(url, json=body, timeout=20).status_code == 401
    bad = requests.post(url, json=body | {"siret": "123", "job_title": ""}, headers=auth, timeout=20)
    assert bad.status_code == 400
    too_long = requests.post(url, json=body | {"idp_user_id": "x" * 256}, headers=auth, timeout=20)
    assert too_long.status_code == 400  # longer than its column: refused, never a 500
