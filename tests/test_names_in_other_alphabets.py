"""Names in other alphabets: the registration and « Ajouter un collègue »
transliterate them into the identifier (ICU, the same on both sides: the shared vectors), keep
them as typed for display, and a name with no letter ICU can write in Latin gets a French
message next to the field with everything typed kept."""

from __future__ import annotations

import html
import re

import pytest

from tests.support.accounts import csrf, management, post
from tests.support.browser_steps import open_registration
from tests.support.registration_http import STRUCTURE, RegistrationClient, person, synthetic_siret

UNMAPPABLE = "ꆈꌠ"  # Yi (Nuosu) letters: ICU has no Latin transliteration for them


def fill_structure(page) -> None:
    page.get_by_label("Téléphone").fill("02 35 19 45 45")
    page.get_by_label("Courriel de la structure ou du dirigeant").fill("contact@entreprise-test.test")
    page.get_by_label("Type de structure").select_option("societe_commerciale")
    page.get_by_label("Code postal").fill("76600")
    page.get_by_label("Ville").fill("LE HAVRE")
    page.get_by_label("Identification du destinataire").fill("ENTREPRISE DE TEST")
    page.get_by_role("button", name="Page suivante →").click()


def test_a_cyrillic_name_registers_in_the_browser_with_a_transliterated_identifier(page, portal, kc_admin):
    open_registration(page, portal)
    page.get_by_label("SIRET").fill(synthetic_siret())
    page.get_by_role("button", name="Page suivante →").click()
    page.get_by_role("heading", name="Les informations sur votre structure (2/3)").wait_for()
    fill_structure(page)
    page.get_by_role("heading", name="Les informations vous concernant (3/3)").wait_for()
    page.get_by_label("Prénom").fill("Сергей")
    page.locator("#lastName").fill("Иванов")
    page.locator("#email").fill(person()["email"])
    page.get_by_label("Fonction").fill("Conducteur de travaux")
    page.get_by_role("button", name="Valider →").click()
    page.get_by_role("heading", name="Création de compte terminée").wait_for()
    identifier = page.locator("#ha-identifier").inner_text()
    assert re.fullmatch(r"pro\.sergej\.ivanov\d*", identifier)
    user = kc_admin.get_user(kc_admin.get_user_id(identifier))
    assert (user["firstName"], user["lastName"]) == ("Сергей", "Иванов")  # kept as typed for display


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("محمد", "pro.fatima.mhmd"),
        ("Παπαδόπουλος", "pro.fatima.papadopoulos"),
        ("王", "pro.fatima.wang"),
    ],
)
def test_other_alphabets_register_over_http(portal, kc_admin, last, expected):
    client = RegistrationClient(portal.url).start()
    client.submit(siret=synthetic_siret())
    client.submit(**STRUCTURE)
    client.submit(**person("Fatima", last, email=person()["email"]))
    assert client.title == "Création de compte terminée"
    assert re.fullmatch(re.escape(expected) + r"\d*", client.identifier())
    assert kc_admin.get_user(kc_admin.get_user_id(client.identifier()))["lastName"] == last


def test_a_name_without_latin_letters_gets_a_french_message_and_keeps_everything(portal):
    client = RegistrationClient(portal.url).start()
    client.submit(siret=synthetic_siret())
    client.submit(**STRUCTURE)
    who = person("Ana", UNMAPPABLE, email=person()["email"])
    client.submit(**who)
    assert client.title == "Les informations vous concernant (3/3)"
    assert client.error("lastName").startswith("Ce nom ne permet pas de former votre identifiant de connexion")
    assert 'aria-describedby="input-error-lastName' in client.page
    assert client.error("firstName") is None
    for field in ("firstName", "lastName", "email", "jobTitle"):
        assert client.value(field) == who[field]
    # Adding the Latin spelling after it is enough.
    client.submit(**{**who, "lastName": f"{UNMAPPABLE} Nuosu"})
    assert client.title == "Création de compte terminée"
    assert re.fullmatch(r"pro\.ana\.nuosu\d*", client.identifier())


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Сергей", "Иванов", "pro.sergej.ivanov"),
        ("Fatima", "محمد", "pro.fatima.mhmd"),
        ("Νίκος", "Παπαδόπουλος", "pro.nikos.papadopoulos"),
        ("Lei", "王", "pro.lei.wang"),
    ],
)
def test_add_a_colleague_with_a_name_in_another_alphabet(portal, admin, kc_admin, first, last, expected):  # noqa: F811
    browser, _, _ = admin
    management(browser, portal.url)
    email = person()["email"]
    page = post(
        browser,
        f"{portal.url}/structure/utilisateurs/ajouter",
        {"prenom": first, "nom": last, "courriel": email, "fonction": "Agent", "profil": "standard"},
    )
    identifier = re.search(r"Le compte (pro\.[a-z0-9.-]+) a été créé", page).group(1)
    assert re.fullmatch(re.escape(expected) + r"\d*", identifier)
    user = kc_admin.get_user(kc_admin.get_user_id(identifier))
    assert (user["firstName"], user["lastName"]) == (first, last)
    assert f"{first} {last}" in html.unescape(management(browser, portal.url))


def test_add_a_colleague_whose_name_has_no_latin_letters_gets_a_french_message(portal, admin):  # noqa: F811
    browser, _, _ = admin
    management(browser, portal.url)
    email = person()["email"]
    response = browser.request(
        "POST",
        f"{portal.url}/structure/utilisateurs/ajouter",
        {
            "csrf_token": csrf(browser.page),
            "prenom": "Ana",
            "nom": UNMAPPABLE,
            "courriel": email,
            "fonction": "Agent",
            "profil": "standard",
        },
    )
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert re.search(r'id="nom-erreur"[^>]*>Ce nom ne permet pas de former l\'identifiant de connexion', text)
    for value in ("Ana", UNMAPPABLE, email, "Agent"):
        assert f'value="{value}"' in text
