"""The legal pages (« Accessibilité », « Mentions légales », « Données personnelles »): public,
reached from the footer of the portal's pages and of the login theme's, in Chromium under the
strict CSP, with no serious or critical axe-core violation."""

from __future__ import annotations

import re

import requests

from tests.support.browser_steps import serious_violations

PAGES = {
    "Accessibilité : non conforme": ("/accessibilite", "Déclaration d'accessibilité"),
    "Mentions légales": ("/mentions-legales", "Mentions légales"),
    "Données personnelles": ("/donnees-personnelles", "Données personnelles"),
}


def test_the_legal_pages_are_public_and_linked_from_the_portals_footer(page, portal):
    for link, (path, heading) in PAGES.items():
        page.goto(f"{portal.url}/")
        page.locator("footer").get_by_role("link", name=link, exact=True).click()
        page.wait_for_url(f"{portal.url}{path}")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.title() == f"{heading} – Hariane PRO"
        assert serious_violations(page) == [], path
        page.set_viewport_size({"width": 360, "height": 800})  # a phone: no sideways scrolling, tables included
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        page.set_viewport_size({"width": 1280, "height": 900})
        # every page of the portal carries the same footer, the legal pages' own included
        for other in PAGES:
            assert page.locator("footer").get_by_role("link", name=other, exact=True).count() == 1


def test_the_legal_pages_are_reached_from_the_login_pages_footer(page, portal):
    page.goto(f"{portal.url}/connexion")
    page.get_by_label("Identifiant ou courriel").wait_for()
    assert serious_violations(page) == []
    for link, (path, heading) in PAGES.items():
        page.get_by_role("link", name=link, exact=True).click()
        page.wait_for_url(f"{portal.url}{path}")
        assert page.get_by_role("heading", level=1).inner_text() == heading
        page.go_back()
        page.get_by_label("Identifiant ou courriel").wait_for()


def test_what_the_legal_pages_say():
    """The texts the RGAA, the CNIL and the retention delays require (read from the templates,
    so no server is needed)."""
    from portal_adapter.app import create_app
    from portal_adapter.config import Settings

    client = create_app(Settings(env="test")).test_client()
    accessibility = client.get("/accessibilite").get_data(as_text=True)
    assert "non conforme" in accessibility and "RGAA" in accessibility and "axe-core" in accessibility
    assert "Défenseur des droits" in accessibility and "Libre réponse 71120" in accessibility
    personal = client.get("/donnees-personnelles").get_data(as_text=True)
    for delay in ("23 mois", "24 mois", "36 mois", "90 jours"):
        assert delay in personal, delay
    assert "jamais le code" in personal and "CNIL" in personal
    notice = client.get("/mentions-legales").get_data(as_text=True)
    for text in (accessibility, personal, notice):
        assert "[À compléter par la Métropole" in text
        assert not re.search(r"<script|style=|\son[a-z]+=", text), "nothing the strict CSP refuses"


def test_the_legal_pages_need_no_login(portal):
    for path, _ in PAGES.values():
        response = requests.get(f"{portal.url}{path}", allow_redirects=False, timeout=10)
        assert response.status_code == 200, path
