"""« Gestion des utilisateurs » on the running portal and Keycloak: an administrator adds a
colleague who activates and logs in with the chosen profile; profile changes reach the next
token; the rules hold whatever the page posts."""

from __future__ import annotations

import html
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin

from tests.support.accounts import (
    PASSWORD,
    activate,
    activate_with,
    add_colleague,
    claims,
    csrf,
    login,
    management,
    new_administrator,
    post,
    user_id_of,
)
from tests.support.registration_http import STRUCTURE, RegistrationClient, person, synthetic_siret
from tests.support.second_factor import pass_second_factor


def test_an_admin_adds_a_colleague_who_activates_and_logs_in_with_that_profile(portal, mail, admin, secrets, kc_admin):
    browser, admin_id, siret = admin
    identifier = add_colleague(
        browser, portal.url, "Béa", "Collègue", "bea.collegue@entreprise-test.test", "privileged"
    )
    assert identifier.startswith("pro.bea.collegue")
    assert "Activation en attente" in management(browser, portal.url)
    activate(portal.url, mail, "bea.collegue@entreprise-test.test")
    colleague = claims(login(portal.url, identifier), secrets)
    assert colleague["pro_profile"] == "privileged"
    assert colleague["structure"]["siret"] == siret

    # A profile change shows in the colleague's next token.
    management(browser, portal.url)
    page = post(
        browser,
        f"{portal.url}/structure/utilisateurs/{user_id_of(kc_admin, identifier)}/profil",
        {"profil": "standard"},
    )
    assert "Le profil a été modifié" in page
    assert claims(login(portal.url, identifier), secrets)["pro_profile"] == "standard"
    assert [g["name"] for g in kc_admin.get_user_groups(user_id_of(kc_admin, identifier))] == ["standard"]


def test_the_last_active_administrator_cannot_be_demoted_disabled_or_removed(portal, admin, kc_admin):
    browser, admin_id, _ = admin
    me = user_id_of(kc_admin, admin_id)
    for action, data in (("profil", {"profil": "standard"}), ("desactiver", {}), ("retirer", {})):
        management(browser, portal.url)
        page = post(browser, f"{portal.url}/structure/utilisateurs/{me}/{action}", data)
        assert "au moins un administrateur actif" in page, action
    assert kc_admin.get_user(me)["enabled"] is True
    assert [g["name"] for g in kc_admin.get_user_groups(me)] == ["admin"]


def test_an_admin_cannot_act_on_another_structures_user(portal, mail, admin, kc_admin):
    browser, _, _ = admin
    other_admin, _ = new_administrator(portal.url, mail, "Oscar", "Autre")
    victim = user_id_of(kc_admin, other_admin)
    management(browser, portal.url)
    for action, data in (("profil", {"profil": "standard"}), ("desactiver", {}), ("retirer", {})):
        response = browser.request(
            "POST", f"{portal.url}/structure/utilisateurs/{victim}/{action}", {"csrf_token": csrf(browser.page), **data}
        )
        assert response.status_code == 404, action
    assert kc_admin.get_user(victim)["enabled"] is True
    assert [g["name"] for g in kc_admin.get_user_groups(victim)] == ["admin"]


def test_forms_without_csrf_token_are_refused(portal, admin, kc_admin):
    browser, admin_id, _ = admin
    response = browser.request(
        "POST",
        f"{portal.url}/structure/utilisateurs/ajouter",
        {"prenom": "Sans", "nom": "Jeton", "courriel": "sans.jeton@exemple.test", "fonction": "X", "profil": "admin"},
    )
    assert response.status_code == 400
    assert "Formulaire expiré" in response.text
    assert kc_admin.get_users({"email": "sans.jeton@exemple.test"}) == []


def test_standard_and_privileged_users_get_a_french_403(portal, mail, admin, kc_admin):
    browser, _, _ = admin
    identifier = add_colleague(browser, portal.url, "Sam", "Standard", "sam.standard@entreprise-test.test", "standard")
    activate(portal.url, mail, "sam.standard@entreprise-test.test")
    standard = login(portal.url, identifier)
    response = standard.request("GET", f"{portal.url}/structure/utilisateurs")
    assert response.status_code == 403
    assert "Accès refusé" in response.text and '<html lang="fr">' in response.text


def test_bad_colleague_input_is_refused_field_by_field_and_kept(portal, admin):
    browser, _, _ = admin
    management(browser, portal.url)
    response = browser.request(
        "POST",
        f"{portal.url}/structure/utilisateurs/ajouter",
        {
            "csrf_token": csrf(browser.page),
            "prenom": "<script>x</script>",
            "nom": "",
            "courriel": "pas-un-courriel",
            "fonction": "Agent",
            "profil": "root",
        },
    )
    assert response.status_code == 400
    text = response.text
    assert "<script>x</script>" not in text and "&lt;script&gt;x&lt;/script&gt;" in text
    for message in ("Indiquez son nom.", "Indiquez une adresse de courriel valide", "Choisissez un profil."):
        assert message in html.unescape(text)


def test_the_reference_app_opens_invoices_to_privileged_and_admin_profiles_only(portal, voirie, mail, admin, kc_admin):
    browser, admin_id, _ = admin
    colleague = add_colleague(
        browser, portal.url, "Fanny", "Factures", "fanny.factures@entreprise-test.test", "standard"
    )
    activate(portal.url, mail, "fanny.factures@entreprise-test.test")

    def invoices_status(username: str) -> tuple[int, str]:
        app = RegistrationClient(voirie.url)
        login_page = app.request("GET", f"{voirie.url}/connexion")
        action = html.unescape(re.search(r'<form id="kc-form-login"[^>]*action="([^"]+)"', login_page.text).group(1))
        post = lambda url, data: app.request("POST", url, data)  # noqa: E731
        answer = app.request("POST", urljoin(login_page.url, action), {"username": username, "password": PASSWORD})
        home = pass_second_factor(answer, username, post)  # privileged and admin: the second factor
        assert "Démarches Voirie" in home.text
        # « Factures » demands acr mfa: a login that only enrolled the factor is asked its code
        response = pass_second_factor(app.request("GET", f"{voirie.url}/factures"), username, post)
        return response.status_code, html.unescape(response.text)

    status, text = invoices_status(colleague)
    assert status == 403 and "réservés aux profils « privilégié » et « administrateur »" in text
    assert invoices_status(admin_id)[0] == 200
    management(browser, portal.url)
    post(
        browser,
        f"{portal.url}/structure/utilisateurs/{user_id_of(kc_admin, colleague)}/profil",
        {"profil": "privileged"},
    )
    assert invoices_status(colleague)[0] == 200


def test_the_page_names_the_structure_as_the_dashboard_does(portal, admin, secrets):
    browser, _, siret = admin
    name = claims(browser, secrets)["structure"]["name"]
    assert name.startswith("ENTREPRISE DE TEST") and siret not in name
    page = html.unescape(management(browser, portal.url))
    assert f'Structure : <strong id="structure">{name}</strong> (SIRET {siret})' in page
    assert page.count(siret) == 1


def latest_activation_link(mail, email: str, after: int) -> str:
    """The activation link of the newest message to ``email`` once more than ``after`` were sent to it."""
    for _ in range(60):
        messages = [
            m for m in mail.messages() if any(r["address"] == email for r in m["to"]) and "action-token" in m["text"]
        ]
        if len(messages) > after:
            return re.search(r"https?://\S+action-token\S+", messages[-1]["text"]).group(0)
        time.sleep(0.3)
    raise AssertionError(f"no new activation mail to {email}")


def test_a_removed_colleague_is_taken_back_with_the_same_address(portal, mail, admin, secrets, kc_admin):
    browser, _, siret = admin
    email = f"rene.retour.{time.time_ns()}@entreprise-test.test"
    identifier = add_colleague(browser, portal.url, "René", "Retour", email, "standard")
    activate(portal.url, mail, email)
    colleague = user_id_of(kc_admin, identifier)
    # While a member, the address is named as one of the structure's own (the page lists it anyway).
    management(browser, portal.url)
    page = post(
        browser,
        f"{portal.url}/structure/utilisateurs/ajouter",
        {"prenom": "René", "nom": "Retour", "courriel": email, "fonction": "Agent", "profil": "admin"},
    )
    assert "déjà celle d'un utilisateur de votre structure" in page
    assert [g["name"] for g in kc_admin.get_user_groups(colleague)] == ["standard"]
    management(browser, portal.url)
    assert "retiré de la structure" in post(browser, f"{portal.url}/structure/utilisateurs/{colleague}/retirer", {})
    assert kc_admin.get_user(colleague)["enabled"] is False
    assert kc_admin.get_user_organizations(colleague) == []
    assert f'data-user="{identifier}"' not in management(browser, portal.url)

    # The same structure adds the same address again: the same account comes back.
    again = add_colleague(browser, portal.url, "René", "Retour", email, "privileged")
    assert again == identifier
    account = kc_admin.get_user(colleague)
    assert account["enabled"] is True and account["email"] == email
    assert [o["alias"] for o in kc_admin.get_user_organizations(colleague)] == [siret]
    assert [g["name"] for g in kc_admin.get_user_groups(colleague)] == ["privileged"]
    assert "Activation en attente" in management(browser, portal.url)
    activate_with(portal.url, latest_activation_link(mail, email, after=1))
    token = claims(login(portal.url, identifier), secrets)
    assert token["pro_profile"] == "privileged" and token["structure"]["siret"] == siret


def owner_notices(mail, email: str) -> list[dict]:
    return [
        m
        for m in mail.messages()
        if any(r["address"] == email for r in m["to"]) and "tentative d'ajout" in m["subject"]
    ]


def test_an_address_used_elsewhere_gets_a_success_answer_and_its_owner_an_email(portal, mail, admin, kc_admin):
    browser, _, _ = admin
    flash = re.compile(r"Le compte (pro\.[a-z0-9.-]+) a été créé ; un courriel d'activation a été envoyé à (\S+)\.")

    # A new address: an account is created and the page says so.
    fresh = f"nina.nouvelle.{time.time_ns()}@entreprise-test.test"
    management(browser, portal.url)
    created = post(
        browser,
        f"{portal.url}/structure/utilisateurs/ajouter",
        {"prenom": "Nina", "nom": "Nouvelle", "courriel": fresh, "fonction": "Agent", "profil": "standard"},
    )
    assert flash.search(created).group(2) == fresh
    assert kc_admin.get_users({"email": fresh, "exact": "true"})

    # The address of another structure's member: the same page, nothing changes, its owner is told.
    other_admin, _ = new_administrator(portal.url, mail, "Olga", "Ailleurs")
    other = kc_admin.get_user(user_id_of(kc_admin, other_admin))
    before = (other, kc_admin.get_user_groups(other["id"]), kc_admin.get_user_organizations(other["id"]))
    management(browser, portal.url)
    response = browser.request(
        "POST",
        f"{portal.url}/structure/utilisateurs/ajouter",
        {
            "csrf_token": csrf(browser.page),
            "prenom": "Olga",
            "nom": "Ailleurs",
            "courriel": other["email"],
            "fonction": "Agent",
            "profil": "admin",
        },
    )
    answer = html.unescape(response.text)
    assert (
        response.status_code == 200 and response.url == f"{portal.url}/structure/utilisateurs"
    )  # redirected, as a success
    assert flash.search(answer).group(2) == other["email"]
    assert "déjà utilisée" not in answer
    after = kc_admin.get_user(other["id"])
    assert (after, kc_admin.get_user_groups(other["id"]), kc_admin.get_user_organizations(other["id"])) == before
    assert len(kc_admin.get_users({"email": other["email"], "exact": "true"})) == 1
    for _ in range(50):
        if owner_notices(mail, other["email"]):
            break
        time.sleep(0.2)
    notice = owner_notices(mail, other["email"])
    assert len(notice) == 1
    assert "Ada Admin" in notice[0]["text"] and "votre compte n'a pas été modifié" in notice[0]["text"]


def active_administrators(kc_admin, organization_id: str) -> list[str]:
    members = kc_admin.get_organization_members(organization_id, {"max": 100})
    return [
        m["username"]
        for m in members
        if kc_admin.get_user(m["id"])["enabled"] and "admin" in {g["name"] for g in kc_admin.get_user_groups(m["id"])}
    ]


def restore_administrator(kc_admin, user_id: str, organization_id: str) -> None:
    """Back to an active administrator of the structure, whatever the last round did."""
    user = kc_admin.get_user(user_id)
    if not user["enabled"]:
        kc_admin.update_user(user_id, {**user, "enabled": True})
    if not kc_admin.get_user_organizations(user_id):
        kc_admin.organization_user_add(user_id, organization_id)
    groups = {g["name"]: g["id"] for g in kc_admin.get_groups({"briefRepresentation": "true"})}
    for group in kc_admin.get_user_groups(user_id):
        if group["name"] != "admin":
            kc_admin.group_user_remove(user_id, group["id"])
    kc_admin.group_user_add(user_id, groups["admin"])


def test_two_administrators_acting_on_each_other_at_once_leave_one(portal, mail, admin, kc_admin):
    """Each round, both administrators demote, disable or remove the other at the same instant
    (two threads past a barrier, the portal's several workers); the structure always keeps
    an active administrator, and exactly one of the two changes goes through."""
    browser, first_admin, _ = admin
    email = f"bob.second.{time.time_ns()}@entreprise-test.test"
    second_admin = add_colleague(browser, portal.url, "Bob", "Second", email, "admin")
    activate(portal.url, mail, email)
    ids = {first_admin: user_id_of(kc_admin, first_admin), second_admin: user_id_of(kc_admin, second_admin)}
    organization = kc_admin.get_user_organizations(ids[first_admin])[0]["id"]
    actions = [("profil", {"profil": "standard"}), ("desactiver", {}), ("retirer", {})]
    rounds = [(a, b) for a in actions for b in actions]  # every pair once: each re-login waits for a fresh code

    # logged in twice: the first login of an administrator enrols the factor and ends at acr
    # « pwd », and a profile change asks the factor given within 15 minutes (docs/step-up.md)
    browsers = {who: login(portal.url, who) for who in ids}
    browsers = {who: login(portal.url, who) for who in ids}
    for number, (first_action, second_action) in enumerate(rounds):
        for who in ids:  # a disabled or removed administrator's sessions were ended: log in again
            page = browsers[who].request("GET", f"{portal.url}/structure/utilisateurs")
            if page.status_code != 200 or not page.url.endswith("/structure/utilisateurs"):
                browsers[who] = login(portal.url, who)
            management(browsers[who], portal.url)
        barrier = threading.Barrier(2)

        def act(client: RegistrationClient, victim: str, action: tuple[str, dict], barrier: threading.Barrier) -> int:
            data = {"csrf_token": csrf(client.page), **action[1]}
            barrier.wait()
            return client.request(
                "POST", f"{portal.url}/structure/utilisateurs/{ids[victim]}/{action[0]}", data
            ).status_code

        with ThreadPoolExecutor(2) as pool:
            one = pool.submit(act, browsers[first_admin], second_admin, first_action, barrier)
            two = pool.submit(act, browsers[second_admin], first_admin, second_action, barrier)
            assert one.result() < 500 and two.result() < 500
        survivors = active_administrators(kc_admin, organization)
        assert len(survivors) == 1, f"round {number} ({first_action[0]} / {second_action[0]}): {survivors}"
        for user_id in ids.values():
            restore_administrator(kc_admin, user_id, organization)
        assert len(active_administrators(kc_admin, organization)) == 2


def test_an_address_keycloak_would_refuse_gets_a_french_message_not_an_error_page(portal, admin):
    browser, _, _ = admin
    for address in ("jean..double@entreprise-test.test", ".point@entreprise-test.test"):
        management(browser, portal.url)
        response = browser.request(
            "POST",
            f"{portal.url}/structure/utilisateurs/ajouter",
            {
                "csrf_token": csrf(browser.page),
                "prenom": "Jean",
                "nom": "Double",
                "courriel": address,
                "fonction": "Agent",
                "profil": "standard",
            },
        )
        assert response.status_code == 400, address
        text = html.unescape(response.text)
        assert 'id="courriel-erreur"' in text and "Indiquez une adresse de courriel valide" in text
        assert f'value="{address}"' in text


def test_a_name_with_a_digit_gets_the_registrations_answer_in_add_a_colleague(portal, admin):
    """« Jean2 »: the one person-name rule (contract/person-name-vectors.json) on both pages."""
    registration = RegistrationClient(portal.url).start()
    registration.submit(siret=synthetic_siret())
    registration.submit(**STRUCTURE)
    registration.submit(**person(first="Jean2"))
    refused = registration.error("firstName")
    assert refused == "Ce champ ne peut contenir que des lettres, des espaces, des apostrophes et des traits d'union."
    browser, _, _ = admin
    management(browser, portal.url)
    colleague = {"prenom": "Jean2", "nom": "Martin", "courriel": "jean.martin@exemple.fr", "fonction": "Agent"}
    response = browser.request(
        "POST",
        f"{portal.url}/structure/utilisateurs/ajouter",
        {"csrf_token": csrf(browser.page), **colleague, "profil": "standard"},
    )
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert refused in text and 'value="Jean2"' in text
