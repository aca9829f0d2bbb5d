"""« Gestion des utilisateurs » on the running portal and Keycloak: an administrator adds a
colleague who activates and logs in with the chosen profile; profile changes reach the next
token; the rules hold whatever the page posts."""

from __future__ import annotations

import base64
import html
import json
import re
from urllib.parse import urljoin

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from tests.registration_http import RegistrationClient, person, register, synthetic_siret
from tests.test_registration_rules import _activation_form, _mail_link

PASSWORD = "une phrase de passe solide"


def activate(portal_url: str, mail, email: str) -> None:
    browser = RegistrationClient(portal_url)
    page, url = _activation_form(browser, _mail_link(mail, email))
    action = html.unescape(re.search(r'<form id="ha-activate" action="([^"]+)"', page).group(1))
    done = browser.request("POST", urljoin(url, action), {"password-new": PASSWORD, "password-confirm": PASSWORD, "acceptCgu": "on"})
    assert "Compte mis à jour" in html.unescape(done.text)


def login(portal_url: str, username: str) -> RegistrationClient:
    browser = RegistrationClient(portal_url)
    page = browser.request("GET", f"{portal_url}/connexion")
    action = html.unescape(re.search(r'<form id="kc-form-login"[^>]*action="([^"]+)"', page.text).group(1))
    dashboard = browser.request("POST", urljoin(page.url, action), {"username": username, "password": PASSWORD})
    assert dashboard.url.endswith("/tableau-de-bord"), dashboard.text[:500]
    browser.page, browser.url = dashboard.text, dashboard.url
    return browser


def claims(browser: RegistrationClient, secrets: dict) -> dict:
    """The claims of the ID token the portal received (and validated) for this session; the
    signature check itself is tests/test_portal_login.py's."""
    cookie = next(c for c in browser.session.cookies if c.name == "hariane_portal")
    app = Flask("reader")
    app.secret_key = secrets["PORTAL_SECRET_KEY"]
    id_token = SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie.value)["id_token"]
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def new_administrator(portal_url: str, mail, first: str = "Ada", last: str = "Admin") -> tuple[str, str]:
    siret = synthetic_siret()
    who = person(first, last)
    identifier = register(portal_url, siret, who).identifier()
    activate(portal_url, mail, who["email"])
    return identifier, siret


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def management(browser: RegistrationClient, portal_url: str) -> str:
    response = browser.request("GET", f"{portal_url}/structure/utilisateurs")
    assert response.status_code == 200, response.text[:300]
    browser.page = response.text
    return response.text


def add_colleague(browser: RegistrationClient, portal_url: str, first: str, last: str, email: str, profile: str) -> str:
    """Through « Ajouter un collègue »; returns the identifier the page announces."""
    management(browser, portal_url)
    page = post(browser, f"{portal_url}/structure/utilisateurs/ajouter",
                {"prenom": first, "nom": last, "courriel": email, "fonction": "Agent", "profil": profile})
    return re.search(r"Le compte (pro\.[a-z0-9.-]+) a été créé", page).group(1)


def user_id_of(kc_admin, username: str) -> str:
    return kc_admin.get_user_id(username)


def post(browser: RegistrationClient, url: str, data: dict) -> str:
    return html.unescape(browser.request("POST", url, {"csrf_token": csrf(browser.page), **data}).text)


@pytest.fixture
def admin(portal, mail):
    identifier, siret = new_administrator(portal.url, mail)
    return login(portal.url, identifier), identifier, siret


def test_an_admin_adds_a_colleague_who_activates_and_logs_in_with_that_profile(portal, mail, admin, secrets, kc_admin):
    browser, admin_id, siret = admin
    identifier = add_colleague(browser, portal.url, "Béa", "Collègue", "bea.collegue@entreprise-test.test", "privileged")
    assert identifier.startswith("pro.bea.collegue")
    assert "Activation en attente" in management(browser, portal.url)
    activate(portal.url, mail, "bea.collegue@entreprise-test.test")
    colleague = claims(login(portal.url, identifier), secrets)
    assert colleague["pro_profile"] == "privileged"
    assert colleague["structure"]["siret"] == siret

    # A profile change shows in the colleague's next token.
    management(browser, portal.url)
    page = post(browser, f"{portal.url}/structure/utilisateurs/{user_id_of(kc_admin, identifier)}/profil", {"profil": "standard"})
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
        response = browser.request("POST", f"{portal.url}/structure/utilisateurs/{victim}/{action}",
                                   {"csrf_token": csrf(browser.page), **data})
        assert response.status_code == 404, action
    assert kc_admin.get_user(victim)["enabled"] is True
    assert [g["name"] for g in kc_admin.get_user_groups(victim)] == ["admin"]


def test_forms_without_csrf_token_are_refused(portal, admin, kc_admin):
    browser, admin_id, _ = admin
    response = browser.request("POST", f"{portal.url}/structure/utilisateurs/ajouter",
                                {"prenom": "Sans", "nom": "Jeton", "courriel": "sans.jeton@exemple.test",
                                 "fonction": "X", "profil": "admin"})
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
    response = browser.request("POST", f"{portal.url}/structure/utilisateurs/ajouter",
                               {"csrf_token": csrf(browser.page), "prenom": "<script>x</script>", "nom": "",
                                "courriel": "pas-un-courriel", "fonction": "Agent", "profil": "root"})
    assert response.status_code == 400
    text = response.text
    assert "<script>x</script>" not in text and "&lt;script&gt;x&lt;/script&gt;" in text
    for message in ("Indiquez son nom.", "Indiquez une adresse de courriel valide", "Choisissez un profil."):
        assert message in html.unescape(text)


def test_the_reference_app_opens_invoices_to_privileged_and_admin_profiles_only(portal, voirie, mail, admin, kc_admin):
    browser, admin_id, _ = admin
    colleague = add_colleague(browser, portal.url, "Fanny", "Factures", "fanny.factures@entreprise-test.test", "standard")
    activate(portal.url, mail, "fanny.factures@entreprise-test.test")

    def invoices_status(username: str) -> tuple[int, str]:
        app = RegistrationClient(voirie.url)
        login_page = app.request("GET", f"{voirie.url}/connexion")
        action = html.unescape(re.search(r'<form id="kc-form-login"[^>]*action="([^"]+)"', login_page.text).group(1))
        home = app.request("POST", urljoin(login_page.url, action), {"username": username, "password": PASSWORD})
        assert "Démarches Voirie" in home.text
        response = app.request("GET", f"{voirie.url}/factures")
        return response.status_code, html.unescape(response.text)

    status, text = invoices_status(colleague)
    assert status == 403 and "réservés aux profils « privilégié » et « administrateur »" in text
    assert invoices_status(admin_id)[0] == 200
    management(browser, portal.url)
    post(browser, f"{portal.url}/structure/utilisateurs/{user_id_of(kc_admin, colleague)}/profil", {"profil": "privileged"})
    assert invoices_status(colleague)[0] == 200
