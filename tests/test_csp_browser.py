"""The policy in Debian's Chromium: the pages work under it without a single violation (every
browser test's ``page`` fails on one, see tests/support/csp_watch.py; here the pages the journey tests
do not open), the watch does catch violations, and no other origin can frame the portal or
the reference app (clickjacking)."""

from __future__ import annotations

import html
import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.support.accounts import PASSWORD, new_administrator
from tests.support.browser_steps import keycloak_login
from tests.support.csp_watch import watch_csp


class LoopbackSite:
    """Another origin on loopback (its own port) serving fixed HTML pages."""

    def __init__(self, pages: dict[str, tuple[str, dict[str, str]]]) -> None:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                body, headers = site.pages.get(self.path, ("", {}))
                self.send_response(200 if body else 404)
                for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.pages = pages
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def framing_page(*targets: str) -> str:
    frames = "".join(
        f'<iframe name="cadre-{i}" src="{html.escape(url)}" width="800" height="400"></iframe>'
        for i, url in enumerate(targets)
    )
    return f'<!doctype html><html lang="fr"><title>Site tiers</title><h1>Site tiers</h1>{frames}</html>'


@pytest.fixture
def other_origin() -> Iterator[LoopbackSite]:
    site = LoopbackSite({})
    yield site
    site.stop()


@pytest.fixture
def watched_context(browser):
    """A browser context whose CSP violations the test itself judges."""
    context = browser.new_context(locale="fr-FR")
    violations = watch_csp(context)
    yield context, violations
    context.close()


def test_the_watch_reports_what_a_strict_policy_refuses(watched_context, other_origin):
    context, violations = watched_context
    other_origin.pages["/permis"] = (
        '<!doctype html><html lang="fr"><title>Permis</title><p>Rien en ligne</p>',
        {"Content-Security-Policy": "default-src 'self'"},
    )
    other_origin.pages["/en-ligne"] = (
        '<!doctype html><html lang="fr"><title>En ligne</title><style>p{color:red}</style>'
        '<p style="color:blue">x</p><script>document.title = "exécuté"</script>',
        {"Content-Security-Policy": "default-src 'self'"},
    )
    page = context.new_page()
    page.goto(f"{other_origin.url}/permis")
    assert page.locator("p").inner_text() == "Rien en ligne" and not violations.any

    page.goto(f"{other_origin.url}/en-ligne")
    page.wait_for_load_state("load")
    assert page.title() == "En ligne"  # the inline script did not run
    assert {event["directive"] for event in violations.events} == {
        "style-src-elem",
        "style-src-attr",
        "script-src-elem",
    }
    assert len(violations.console) == 3


def test_another_origin_cannot_frame_the_portal_or_the_voirie_app(watched_context, other_origin, portal, voirie, mail):
    identifier, _siret = new_administrator(portal.url, mail, "Cadre", "Interdit")
    context, violations = watched_context
    page = context.new_page()
    page.goto(f"{portal.url}/connexion")
    keycloak_login(page, identifier, PASSWORD)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    page.goto(f"{voirie.url}/connexion")
    page.wait_for_url(f"{voirie.url}/")

    # the permitted path first: a frame of a page that allows it renders
    other_origin.pages["/autorise"] = ('<!doctype html><html lang="fr"><title>Cadre</title><h1>Cadre autorisé</h1>', {})
    other_origin.pages["/temoin"] = (framing_page(f"{other_origin.url}/autorise"), {})
    page.goto(f"{other_origin.url}/temoin")
    assert page.frame(name="cadre-0").locator("h1").inner_text() == "Cadre autorisé"

    targets = [
        f"{portal.url}/structure/utilisateurs",
        f"{portal.url}/concessions/rattacher",
        f"{portal.url}/tableau-de-bord",
        f"{portal.url}/",
        f"{voirie.url}/demandes/nouvelle",
    ]
    other_origin.pages["/piege"] = (framing_page(*targets), {})
    page.goto(f"{other_origin.url}/piege")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    for index, target in enumerate(targets):
        frame = page.frame(name=f"cadre-{index}")
        assert frame.url.startswith("chrome-error://"), (target, frame.url)
        assert "Hariane" not in frame.content() and "Voirie" not in frame.content(), target  # Chromium's error page
    refused = [message for message in violations.console if "frame-ancestors 'none'" in message]
    assert len(refused) == len(targets), violations.report()


def test_the_pages_the_journey_tests_skip_work_under_the_policy(page, portal, voirie, mail):
    """Gestion des utilisateurs, nouveau lien, error pages, Factures, both logouts (forms whose
    redirects go to Keycloak): the ``page`` fixture fails the test on any violation."""
    identifier, _siret = new_administrator(portal.url, mail, "Politique", "Stricte")
    page.goto(f"{portal.url}/activation/nouveau-lien")
    page.get_by_label("Identifiant ou adresse de courriel").fill(identifier)
    page.get_by_role("button", name="Recevoir un nouveau lien").click()
    page.get_by_role("status").wait_for()
    page.goto(f"{portal.url}/page-qui-n-existe-pas")
    assert page.get_by_role("heading", name="Page introuvable").is_visible()
    # the style sheet applied: the skip link is moved off screen by hariane.css alone
    assert page.locator(".skip-link").bounding_box()["x"] < 0

    page.goto(f"{portal.url}/connexion")
    keycloak_login(page, identifier, PASSWORD)
    page.wait_for_url(f"{portal.url}/tableau-de-bord")
    page.get_by_role("link", name="Gestion des utilisateurs").click()
    page.wait_for_url(f"{portal.url}/structure/utilisateurs")
    assert page.locator(f"tr[data-user='{identifier}']").is_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{portal.url}/")
    assert page.get_by_role("link", name="Se connecter").is_visible()

    page.goto(f"{voirie.url}/connexion")
    keycloak_login(page, identifier, PASSWORD)
    page.wait_for_url(f"{voirie.url}/")
    page.goto(f"{voirie.url}/factures")
    assert page.locator(".lien-evitement").bounding_box()["x"] < 0  # voirie.css applied
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_text("Vous êtes déconnecté(e) des démarches Voirie.").wait_for()


def test_keycloak_account_console_runs_under_the_realm_policy(page, keycloak, make_user):
    """Keycloak's React account console (its scripts, styles and its own same-origin frames)
    and its login page run under the realm's policy without a violation (the ``page`` fixture)."""
    user = make_user("standard")
    page.goto(f"{keycloak.url}/realms/hariane-pro/account/")
    keycloak_login(page, user.username, user.password)
    page.wait_for_url(f"{keycloak.url}/realms/hariane-pro/account/**")
    page.get_by_role("heading").first.wait_for()  # rendered by the console's scripts
    page.wait_for_timeout(2000)  # its checks and frames, whose violations the fixture collects
