"""Part 2 of the journey in the browser (Debian's Chromium): the metropolis imports its
legacy registry; a registered administrator links an account with the right code; the menu
« Nouvelle démarche » opens the two Voirie démarches; the reference road-works app, from the
token alone, lists that concession's requests and files a new one."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from portal_adapter.concessions.linking import WRONG

from devstack.demo import DEMO_REGISTRY
from tests.support.accounts import PASSWORD, new_administrator
from tests.support.browser_steps import keycloak_login, pass_second_factor, serious_violations

LABEL, CODE, PUBLIC_ID = "EAU DU HAVRE - RESEAU NORD", "4827", "ECR-0001"  # devstack/demo_registry.csv


def test_link_then_the_voirie_demarches_open_from_the_token(page, portal, voirie, mail):
    imported = portal.cli("concessions", "import", str(DEMO_REGISTRY))
    assert "4" in imported.stdout  # created (or unchanged on a re-run)
    identifier, _siret = new_administrator(portal.url, mail, "Paul", "Raccord")

    page.goto(f"{portal.url}/connexion")
    keycloak_login(page, identifier, PASSWORD)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    block = page.locator("section.contrats")
    assert block.get_by_role("heading", name="Contrats, abonnements rattachés").is_visible()
    assert "Aucun compte n'est rattaché" in block.inner_text()
    page.locator("nav.demarches summary").click()
    assert page.get_by_role("link", name="Consulter vos demandes d'autorisation").count() == 0

    block.get_by_role("link", name="Rattacher un compte de concession voirie").click()
    page.wait_for_url(f"{portal.url}/concessions/rattacher")
    assert serious_violations(page) == []
    label_field = page.get_by_label("Intitulé du compte")
    assert label_field.bounding_box()["width"] >= 8 * len(LABEL)  # the whole label shows
    label_field.fill("Eau du Havre – réseau nord")  # as people type it (an en dash from a phone or Word)
    page.get_by_label("Code d'accès à 4 chiffres").fill("4828")
    with page.expect_navigation():
        page.get_by_role("button", name="Rattacher le compte").click()
    # Enrolling the factor at this first login did not use it: Keycloak asks its code once
    # (docs/step-up.md), then the portal carries the submission out as typed.
    pass_second_factor(page, identifier)
    assert page.locator("#code-erreur").inner_text() == WRONG
    assert page.get_by_label("Code d'accès à 4 chiffres").input_value() == ""  # the code is never written back
    assert page.get_by_label("Intitulé du compte").input_value() == "Eau du Havre – réseau nord"  # kept
    page.get_by_label("Code d'accès à 4 chiffres").fill(CODE)
    page.get_by_role("button", name="Rattacher le compte").click()

    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    assert f"Le compte « {LABEL} » a été rattaché à votre structure." in page.locator("[role=status]").inner_text()
    row = page.locator(f"tr[data-concession='{PUBLIC_ID}']")
    assert LABEL in row.inner_text() and "Eau potable" in row.inner_text()
    assert serious_violations(page) == []

    page.locator("nav.demarches summary").click()
    assert page.get_by_role("link", name="Demander une autorisation d'ouverture de voirie").is_visible()
    page.get_by_role("link", name="Consulter vos demandes d'autorisation").click()

    # The road-works app: single sign-on, then only what the token says
    page.wait_for_url(f"{voirie.url}/demandes")
    assert page.get_by_role("heading", name="Consulter vos demandes d'autorisation").is_visible()
    table = page.locator("table").inner_text()
    assert "AOV-2026-000001" in table and f"{LABEL} ({PUBLIC_ID})" in table
    assert "AOV-2026-000004" not in table  # ECR-0002's request: not linked to this structure

    page.get_by_role("link", name="Demander une autorisation d'ouverture de voirie").click()
    page.wait_for_url(f"{voirie.url}/demandes/nouvelle")
    today = datetime.datetime.now(ZoneInfo("Europe/Paris")).date()
    page.get_by_label("Adresse des travaux").fill("12 rue de Paris")
    page.get_by_label("Commune").fill("Le Havre")
    page.get_by_label("Date de début des travaux").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_label("Date de fin des travaux").fill((today + datetime.timedelta(days=3)).isoformat())
    page.get_by_label("Nature des travaux").select_option("Branchement")
    page.get_by_role("button", name="Déposer la demande").click()
    assert "postérieure ou égale" in page.locator("#date_fin-erreur").inner_text()
    assert page.get_by_label("Adresse des travaux").input_value() == "12 rue de Paris"  # kept
    page.get_by_label("Date de fin des travaux").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Déposer la demande").click()

    page.wait_for_url(f"{voirie.url}/demandes")
    filed = re.search(r"Votre demande (AOV-\d{4}-\d{6}) a été déposée\.", page.locator("[role=status]").inner_text())
    assert filed
    new_row = page.locator("tr", has_text=filed.group(1)).inner_text()
    assert "12 rue de Paris" in new_row and "Déposée" in new_row and PUBLIC_ID in new_row
