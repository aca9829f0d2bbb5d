"""« Demander à rejoindre » in Debian's Chromium against the real Keycloak and mail catcher:
from the SIRET step's button to an account an administrator accepted as « privilégié », and
another request refused with the requester told in neutral words; a
request to a structure without administrator accepted by a metropolis agent who makes the
requester its administrator (and, for a contested structure, only with a motive); the request
form with the keyboard alone; axe-core finds no serious or critical violation on any new page."""

from __future__ import annotations

import re

from devstack.demo import provision_structure
from tests.support.accounts import PASSWORD, activate_with, claims, login
from tests.support.browser_steps import keycloak_login, open_registration, serious_violations
from tests.support.join_requests import (
    activation_link,
    client_address,
    confirmation_link,
    filed_and_confirmed,
    wait_for_mail_about,
)
from tests.support.registration_http import synthetic_siret
from tests.support.session import ARTIFACTS
from tests.support.step_up import metropolis_agent
from tests.support.structures import structure_member
from tests.test_registration_accessibility import tab_to, type_into

CREATED = re.compile(r"le compte (pro\.[a-z0-9.-]+) a été créé")


def no_serious_violation(checked: dict[str, list]) -> None:
    failures = {name: found for name, found in checked.items() if found}
    assert not failures, failures


def test_from_the_siret_step_an_administrator_accepts_the_requester_as_privileged(
    page, browser, portal, mail, admin, secrets
):
    _, admin_identifier, siret = admin
    checked: dict[str, list] = {}
    email = f"lea.rejoint.{client_address().replace('.', '-')}@demandeur-test.test"
    page.set_extra_http_headers({"X-Forwarded-For": client_address()})

    open_registration(page, portal)
    page.get_by_label("SIRET").fill(siret)
    page.get_by_role("button", name="Page suivante →").click()
    page.locator("#input-error-siret").wait_for()
    assert page.locator("#input-error-siret").inner_text().startswith("Cette structure possède déjà un compte")
    checked["siret step, structure registered"] = serious_violations(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "join-siret-step.png"), full_page=True)
    page.get_by_role("link", name="Demander à rejoindre cette structure").click()

    page.get_by_role("heading", name="Demander à rejoindre une structure").wait_for()
    assert page.get_by_label("SIRET de la structure").input_value() == siret
    checked["request form"] = serious_violations(page)
    page.get_by_label("Prénom").fill("Léa")
    page.locator("#nom").fill("Rejoint")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Fonction").fill("Cheffe de chantier")
    page.get_by_label("Message aux administrateurs (facultatif)").fill("Arrivée le 1er décembre, équipe réseaux.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("heading", name="Confirmez votre adresse de courriel").wait_for()
    checked["request sent"] = serious_violations(page)

    page.goto(confirmation_link(mail, email))
    checked["confirmation"] = serious_violations(page)
    page.get_by_role("button", name="Confirmer ma demande").click()
    page.get_by_role("heading", name="Demande confirmée").wait_for()
    checked["confirmed"] = serious_violations(page)
    page.reload()  # the link works once
    page.get_by_role("heading", name="Lien non valable").wait_for()
    checked["link used"] = serious_violations(page)

    refused = f"remi.refus.{client_address().replace('.', '-')}@demandeur-test.test"
    filed_and_confirmed(portal.url, mail, siret, "Rémi", "Refus", refused)
    context = browser.new_context(locale="fr-FR")
    try:
        administrator = context.new_page()
        administrator.goto(f"{portal.url}/connexion")
        keycloak_login(administrator, admin_identifier, PASSWORD)
        administrator.goto(f"{portal.url}/structure/utilisateurs")
        request = administrator.locator("article.demande", has_text="Léa Rejoint")
        assert "Arrivée le 1er décembre, équipe réseaux." in request.inner_text()
        checked["demandes en attente"] = serious_violations(administrator)
        request.get_by_label("Profil").select_option("privileged")
        request.get_by_role("button", name="Accepter la demande de Léa Rejoint").click()
        flash = administrator.locator(".message-succes").inner_text()
        identifier = CREATED.search(flash).group(1)
        assert "Léa Rejoint" not in administrator.locator("#demandes").locator("..").inner_text()

        # another request, refused with a reason: the requester is told in neutral words
        other = administrator.locator("article.demande", has_text="Rémi Refus")
        other.get_by_label("Motif du refus (facultatif, transmis à la personne)").fill("Personne inconnue du service.")
        other.get_by_role("button", name="Refuser la demande de Rémi Refus").click()
        assert "Demande refusée" in administrator.locator(".message-succes").inner_text()
    finally:
        context.close()
    answer = wait_for_mail_about(mail, refused, "réponse à votre demande")
    assert "n'a pas été acceptée" in answer and "Motif indiqué : Personne inconnue du service." in answer
    assert admin_identifier not in answer and "Ada" not in answer

    activate_with(portal.url, activation_link(mail, email))
    token = claims(login(portal.url, identifier), secrets)
    assert token["pro_profile"] == "privileged" and token["roles"] == ["profile-privileged"]
    assert token["structure"]["siret"] == siret
    no_serious_violation(checked)


def test_the_agents_make_the_requester_administrator_of_a_structure_without_one_and_need_a_motive_otherwise(
    page, portal, mail, kc_admin, secrets
):
    checked: dict[str, list] = {}
    orphan = synthetic_siret()
    provision_structure(kc_admin, orphan, f"TEST ORPHELINE {orphan[-6:]}")
    email = f"paul.perdu.{client_address().replace('.', '-')}@demandeur-test.test"
    filed_and_confirmed(portal.url, mail, orphan, "Paul", "Perdu", email)
    contested = structure_member(kc_admin)  # a structure with an active administrator
    rival = f"rita.rivale.{client_address().replace('.', '-')}@demandeur-test.test"
    filed_and_confirmed(portal.url, mail, contested.siret, "Rita", "Rivale", rival)

    agent = metropolis_agent(kc_admin)  # the role requires a second factor: an app enrolled
    page.goto(f"{portal.url}/agents/demandes")
    keycloak_login(page, agent.username, PASSWORD)
    page.get_by_role("heading", name="Demandes pour rejoindre une structure").wait_for()
    checked["agents list"] = serious_violations(page)

    page.get_by_role("link", name="Traiter la demande de Paul Perdu").click()
    page.get_by_role("heading", name="Demande de Paul Perdu").wait_for()
    assert "Transmise à la Métropole" in page.inner_text("main")
    checked["agent's request"] = serious_violations(page)
    assert page.get_by_label("Profil").input_value() == "admin"  # no administrator: proposed first
    page.get_by_role("button", name="Accepter la demande").click()
    identifier = CREATED.search(page.locator(".message-succes").inner_text()).group(1)

    # a contested structure: making the requester administrator needs a motive, kept in the history
    page.get_by_role("link", name="Traiter la demande de Rita Rivale").click()
    page.get_by_label("Profil").select_option("admin")
    page.get_by_role("button", name="Accepter la demande").click()
    page.locator("#acceptation-erreur").wait_for()
    assert "indiquez le motif" in page.locator("#acceptation-erreur").inner_text()
    checked["agent's request, motive missing"] = serious_violations(page)
    page.get_by_label(re.compile("^Motif \\(obligatoire")).fill("Kbis présenté au guichet le 1er décembre.")
    page.get_by_role("button", name="Accepter la demande").click()
    assert CREATED.search(page.locator(".message-succes").inner_text())

    activate_with(portal.url, activation_link(mail, email))
    token = claims(login(portal.url, identifier), secrets)
    assert token["pro_profile"] == "admin" and token["structure"]["siret"] == orphan
    no_serious_violation(checked)


def test_the_request_form_with_the_keyboard_alone(page, portal, mail, admin):
    _, _, siret = admin
    checked: dict[str, list] = {}
    email = f"kim.clavier.{client_address().replace('.', '-')}@demandeur-test.test"
    page.set_extra_http_headers({"X-Forwarded-For": client_address()})
    page.goto(f"{portal.url}/rejoindre?siret={siret}")
    type_into(page, "#prenom", "Kim")
    type_into(page, "#nom", "Clavier")
    type_into(page, "#courriel", "pas-un-courriel")
    type_into(page, "#fonction", "Technicienne")
    type_into(page, "#message", "Bonjour")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#courriel-erreur").wait_for()
    assert page.locator("#prenom").input_value() == "Kim"  # what was typed is kept
    assert page.locator("#message").input_value() == "Bonjour"
    checked["request form, errors"] = serious_violations(page)
    type_into(page, "#courriel", email)
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Confirmez votre adresse de courriel").wait_for()

    page.goto(confirmation_link(mail, email))
    tab_to(page, "button[type=submit]:not(.secondary)")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Demande confirmée").wait_for()
    no_serious_violation(checked)
