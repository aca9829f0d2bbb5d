"""A colleague's activation e-mail, from the real SMTP capture: it names the
structure, the administrator who added them and their profile, keeps the explanation of the
three profiles, and no longer tells them they are the structure's administrator; the founder's
e-mail keeps the registration's wording. The extension's endpoint that sends it refuses what
the admin REST API would refuse, and an « invitedBy » who is not an administrator of the
colleague's structure."""

from __future__ import annotations

import re

import pytest
import requests

from tests.support.accounts import add_colleague, new_administrator, user_id_of, wait_for_mail
from tests.support.registration_http import person, register, synthetic_siret

REALM = "hariane-pro"
PROFILES_EXPLAINED = [
    "Le profil utilisateur standard permet d'effectuer des démarches, d'accéder à la messagerie, aux documents "
    "en ligne et au suivi des demandes.",
    "Le profil utilisateur privilégié permet d'accéder aux mêmes fonctions que l'utilisateur standard mais aussi "
    "aux démarches sécurisées (factures et paiement de celles-ci).",
    "Le profil utilisateur administrateur permet d'accéder à toutes les fonctions ci-dessus mais aussi à la "
    "gestion des comptes utilisateurs.",
]
FOUNDER_WORDS = "valider la création du compte de votre structure et votre profil administrateur"


def structure_name(kc_admin, siret: str) -> str:
    organization = kc_admin.connection.raw_get(f"admin/realms/{REALM}/organizations?search={siret}").json()[0]
    full = kc_admin.connection.raw_get(f"admin/realms/{REALM}/organizations/{organization['id']}").json()
    return (full.get("attributes", {}).get("name") or [full["name"]])[0]


def test_the_founders_email_keeps_the_registrations_wording(portal, mail):
    who = person("Fanny", "Fondatrice")
    identifier = register(portal.url, synthetic_siret(), who).identifier()
    text = wait_for_mail(mail, who["email"])["text"]
    assert FOUNDER_WORDS in text and identifier in text
    assert all(sentence in text for sentence in PROFILES_EXPLAINED)


@pytest.mark.parametrize(("profile", "word"), [("standard", "standard"), ("privileged", "privilégié")])
def test_a_colleagues_email_names_the_structure_the_administrator_and_the_profile(
    portal,
    mail,
    admin,  # noqa: F811 - the fixture
    kc_admin,
    profile,
    word,
):
    browser, admin_identifier, siret = admin
    email = person()["email"]
    identifier = add_colleague(browser, portal.url, "Béa", "Collègue", email, profile)
    message = wait_for_mail(mail, email)
    text = " ".join(message["text"].split())
    assert message["subject"] == "Création de votre compte sur Hariane Pro"
    assert (
        f"Ada Admin, administrateur de la structure {structure_name(kc_admin, siret)}, vous a créé un compte "
        f"sur Hariane PRO avec le profil utilisateur {word}."
    ) in text
    assert f"est le suivant : {identifier}" in text
    assert FOUNDER_WORDS not in text and FOUNDER_WORDS not in " ".join(message["html"].split())
    assert all(sentence in text for sentence in PROFILES_EXPLAINED)
    assert re.search(r"https?://\S+action-token\S+", message["text"])
    assert "style=" not in message["html"]


def test_the_colleague_endpoint_refuses_strangers_and_false_inviters(
    portal, mail, admin, kc_admin, keycloak, adapter_admin
):  # noqa: F811
    browser, admin_identifier, _ = admin
    email = person()["email"]
    colleague = user_id_of(kc_admin, add_colleague(browser, portal.url, "Gaston", "Garde", email, "standard"))
    other_admin, _ = new_administrator(portal.url, mail, "Oscar", "Autre")
    adapter = adapter_admin
    path = f"realms/{REALM}/hariane/colleagues/{colleague}/activation-email"
    params = {"client_id": "portal", "redirect_uri": f"{portal.url}/"}

    def send(invited_by: str) -> int:
        return adapter.connection.raw_post(path, data="", invitedBy=invited_by, **params).status_code

    mail.clear()
    assert send(user_id_of(kc_admin, admin_identifier)) == 204  # the permitted call first
    assert wait_for_mail(mail, email)
    assert send(user_id_of(kc_admin, other_admin)) == 400  # an administrator of another structure
    assert send(colleague) == 400  # not an administrator
    assert send("no-such-user") == 400
    anonymous = requests.post(
        f"{keycloak.url}/{path}", params={"invitedBy": user_id_of(kc_admin, admin_identifier), **params}, timeout=10
    )
    assert anonymous.status_code == 401
