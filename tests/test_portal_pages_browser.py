"""The portal's own pages in the browser (Debian's Chromium): « Gestion des utilisateurs »
asks before disabling or removing someone (without JavaScript), never offers the last active
administrator what the rules refuse, and every page keeps the login theme's visual language
on a desktop and on a 360 px phone, screenshots kept in test-artifacts/."""

from __future__ import annotations

import re
import time

import pytest

from tests.support.accounts import PASSWORD, new_administrator
from tests.support.browser_steps import keycloak_login, serious_violations
from tests.support.join_requests import filed_and_confirmed
from tests.support.session import ARTIFACTS, BANNER

PHONE, DESKTOP = 360, 1280


@pytest.fixture
def context(browser, request):
    """A browser context of its own (the test chooses JavaScript and the viewport)."""
    contexts = []

    def make(**options):
        context = browser.new_context(locale="fr-FR", bypass_csp=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def log_in(page, portal_url: str, identifier: str) -> None:
    page.goto(f"{portal_url}/connexion")
    keycloak_login(page, identifier, PASSWORD)
    page.wait_for_url(f"{portal_url}/tableau-de-bord")


def add_colleague(page, first: str, last: str, email: str) -> str:
    form = page.locator("form", has=page.get_by_role("button", name="Ajouter le collègue"))
    form.get_by_label("Prénom").fill(first)
    form.locator("#nom").fill(last)
    form.get_by_label("Courriel").fill(email)
    form.get_by_label("Fonction").fill("Agent")
    page.get_by_role("button", name="Ajouter le collègue").click()
    return re.search(r"Le compte (pro\.[a-z0-9.-]+) a été créé", page.locator("main").inner_text()).group(1)


def row(page, identifier: str):
    return page.locator(f'tr[data-user="{identifier}"]')


def test_disable_and_remove_ask_first_and_the_last_administrator_is_not_offered_them(context, portal, mail, kc_admin):
    identifier, _ = new_administrator(portal.url, mail, "Lea", "Confirme")
    page = context(java_script_enabled=False).new_page()
    log_in(page, portal.url, identifier)
    page.goto(f"{portal.url}/structure/utilisateurs")
    colleague = add_colleague(page, "Marc", "Prudent", f"marc.prudent.{time.time_ns()}@entreprise-test.test")
    colleague_id = kc_admin.get_user_id(colleague)

    # « Désactiver »: a page says what will happen; « Annuler » changes nothing.
    row(page, colleague).get_by_role("link", name=f"Désactiver : {colleague}").click()
    assert page.get_by_role("heading", name="Désactiver le compte").is_visible()
    text = page.locator("main").inner_text()
    assert colleague in text and "ne pourra plus se connecter" in text
    page.get_by_role("link", name="Annuler").click()
    page.wait_for_url(f"{portal.url}/structure/utilisateurs")
    assert kc_admin.get_user(colleague_id)["enabled"] is True

    row(page, colleague).get_by_role("link", name=f"Désactiver : {colleague}").click()
    page.get_by_role("button", name="Désactiver le compte").click()
    page.wait_for_url(f"{portal.url}/structure/utilisateurs")
    assert "Le compte a été désactivé." in page.locator("main").inner_text()
    assert row(page, colleague).locator(".etat").inner_text() == "Désactivé"
    assert kc_admin.get_user(colleague_id)["enabled"] is False

    # « Retirer de la structure »: the same, then the row is gone.
    row(page, colleague).get_by_role("link", name=f"Retirer de la structure : {colleague}").click()
    assert page.get_by_role("heading", name="Retirer de la structure").is_visible()
    assert "quittera votre structure" in page.locator("main").inner_text()
    page.get_by_role("button", name="Retirer de la structure").click()
    page.wait_for_url(f"{portal.url}/structure/utilisateurs")
    assert "L'utilisateur a été retiré de la structure." in page.locator("main").inner_text()
    assert row(page, colleague).count() == 0
    assert kc_admin.get_user_organizations(colleague_id) == []

    # The only active administrator's own row offers neither, nor a profile change.
    mine = row(page, identifier)
    assert mine.get_by_role("link").count() == 0 and mine.get_by_role("button").count() == 0
    assert mine.locator("select").count() == 0
    assert "seul administrateur actif" in mine.inner_text()
    # ...and its confirmation page, typed in, explains and offers no button.
    me = kc_admin.get_user_id(identifier)
    page.goto(f"{portal.url}/structure/utilisateurs/{me}/retirer/confirmer")
    assert "au moins un administrateur actif" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Retirer de la structure").count() == 0
    assert kc_admin.get_user(me)["enabled"] is True


def test_every_portal_page_fits_a_phone_and_a_desktop(context, portal, mail):
    """Each page at 1280 px and 360 px: the banner shown, no horizontal scrolling, inputs wide
    enough for an e-mail address, no serious accessibility violation (contrast included)."""
    identifier, siret = new_administrator(portal.url, mail, "Sophie", "Ecran")
    filed_and_confirmed(
        portal.url, mail, siret, "Marie-Christine", "Demandeuse-Longuenom", f"mc.{time.time_ns()}@x.test"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page = context(viewport={"width": DESKTOP, "height": 900}).new_page()

    def check(name: str) -> None:
        for width in (DESKTOP, PHONE):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(ARTIFACTS / f"portal-{name}-{width}.png"), full_page=True)
            assert page.locator(".environment-banner").inner_text() == BANNER, name
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{name} at {width} px scrolls sideways: {scroll} px wide"
            for field in page.locator("main input[type=email], main input[type=text], main input:not([type])").all():
                minimum = 300 if width == DESKTOP else width - 80
                assert field.bounding_box()["width"] >= minimum, (name, width, field.get_attribute("id"))
        page.set_viewport_size({"width": DESKTOP, "height": 900})
        assert serious_violations(page) == [], name

    page.goto(f"{portal.url}/")
    check("accueil")
    page.goto(f"{portal.url}/activation/nouveau-lien")
    check("nouveau-lien")
    page.get_by_role("button", name="Recevoir un nouveau lien").click()
    check("nouveau-lien-erreur")
    page.goto(f"{portal.url}/rejoindre?siret={siret}")
    check("rejoindre")
    page.get_by_role("button", name="Envoyer ma demande").click()
    check("rejoindre-erreurs")
    page.goto(f"{portal.url}/rejoindre/confirmation/lien-inconnu")
    check("rejoindre-lien-non-valable")
    page.goto(f"{portal.url}/page-absente")
    check("erreur-404")
    page.goto(f"{portal.url}/connexion")  # the login theme, to compare with
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"keycloak-connexion-{width}.png"), full_page=True)
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    log_in(page, portal.url, identifier)
    check("tableau-de-bord")
    page.goto(f"{portal.url}/concessions/rattacher")
    check("rattacher-concession")
    page.goto(f"{portal.url}/structure/utilisateurs")
    add_colleague(
        page,
        "Jean-Baptiste",
        "De La Fontaine-Martin",
        f"jean-baptiste.delafontaine.{time.time_ns()}@entreprise-tres-longue.test",
    )
    check("gestion-utilisateurs")
    page.get_by_role("button", name="Ajouter le collègue").click()
    check("gestion-utilisateurs-erreurs")
    page.locator("tr[data-user] a", has_text="Retirer de la structure").first.click()
    check("confirmation-retrait")
