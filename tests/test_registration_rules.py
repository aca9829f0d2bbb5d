"""The registration's rules, through the real Keycloak pages over HTTP: every bad input gets
its French message next to the field and keeps what was typed; identifiers stay unique."""

from __future__ import annotations

import concurrent.futures
import html
import re
from urllib.parse import urljoin

import pytest
import requests

from devstack.fake_sirene import Scenario
from tests.support import contract
from tests.support.accounts import activation_form, expired_activation_link, mail_link
from tests.support.registration_http import STRUCTURE, RegistrationClient, person, register, synthetic_siret


@pytest.fixture
def client(portal) -> RegistrationClient:
    return RegistrationClient(portal.url).start()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2000849520001A", "Le numéro SIRET doit comporter 14 chiffres."),
        ("1234567890123", "Le numéro SIRET doit comporter 14 chiffres."),
        ("200 084 952 00016", "Ce numéro SIRET n'est pas valide : vérifiez les chiffres saisis."),
        ("21920023500022", "Aucun établissement ne correspond à ce numéro SIRET dans le répertoire SIRENE."),
        ("88087814500015", "Cet établissement est fermé dans le répertoire SIRENE"),
    ],
)
def test_bad_sirets_get_a_french_message_and_keep_what_was_typed(client, typed, message):
    assert client.title == "Créer un compte Pro (1/3)"
    client.submit(siret=typed)
    assert client.title == "Créer un compte Pro (1/3)"
    assert client.error("siret").startswith(message)
    assert client.value("siret") == typed
    assert 'aria-describedby="input-error-siret' in client.page


def test_register_down_then_retry_keeps_the_siret(client, fake_sirene):
    siret = synthetic_siret()
    fake_sirene.scenarios[("recherche", siret)] = Scenario(status=503)
    fake_sirene.scenarios[("insee", siret)] = Scenario(status=503)
    client.submit(siret=siret)
    assert "momentanément indisponible" in client.error("siret")
    assert client.value("siret") == siret
    fake_sirene.scenarios.pop(("recherche", siret))
    fake_sirene.scenarios.pop(("insee", siret))
    client.submit(siret=client.value("siret"))
    assert client.title == "Les informations sur votre structure (2/3)"


def test_invalid_phone_and_email_are_refused_field_by_field(client):
    client.submit(siret=synthetic_siret())
    client.submit(**{**STRUCTURE, "phone": "12 34", "structureEmail": "contact@"})
    assert client.title == "Les informations sur votre structure (2/3)"
    assert client.error("phone").startswith("Ce numéro de téléphone n'est pas valide")
    assert client.error("structureEmail").startswith("Cette adresse de courriel n'est pas valide")
    assert client.value("phone") == "12 34"
    assert client.value("city") == "LE HAVRE"


def test_the_registration_page_reads_phones_as_the_contract_vectors_say(client):
    """contract/phone-vectors.json (JUnit's PhoneNumbersTest checks the normalised values)."""
    client.submit(siret=synthetic_siret())
    for vector in contract.vectors("phone-vectors"):
        client.submit(**{**STRUCTURE, "phone": vector["typed"]})
        if vector["normalised"] is None:
            assert client.title == "Les informations sur votre structure (2/3)", vector
            assert client.error("phone") and client.value("phone") == vector["typed"], vector
        else:
            assert client.title != "Les informations sur votre structure (2/3)", vector
            client.submit(nav="back", **person())
            assert client.title == "Les informations sur votre structure (2/3)"


def test_markup_and_script_in_fields_are_rendered_inert(client):
    script = '<script>alert("x")</script>'
    client.submit(siret=synthetic_siret())
    client.submit(**{**STRUCTURE, "sigle": script, "street": '"><img src=x onerror=alert(1)>', "phone": "bad"})
    assert script not in client.page and "<img src=x" not in client.page
    assert client.value("sigle") == script  # kept, escaped in the page
    client.submit(**STRUCTURE, sigle="OK")
    client.submit(**{**person(), "firstName": script, "jobTitle": script})
    assert script not in client.page
    assert client.error("firstName").startswith("Ce champ ne peut contenir que des lettres")
    assert client.value("jobTitle") == script


def test_back_and_forth_keeps_every_step(client):
    siret = synthetic_siret()
    client.submit(siret=siret)
    client.submit(**{**STRUCTURE, "sigle": "ET"})
    client.submit(nav="back", **person(first="Zoé"))
    assert client.title == "Les informations sur votre structure (2/3)"
    assert client.value("sigle") == "ET"
    client.submit(nav="back", **STRUCTURE, sigle="ET")  # the browser posts every field of the page
    assert client.title == "Créer un compte Pro (1/3)" and client.value("siret") == siret
    client.submit(siret=siret)
    assert client.value("sigle") == "ET"  # the same SIRET again: what was typed stays
    client.submit(**STRUCTURE, sigle="ET")
    assert client.value("firstName") == "Zoé"


def test_a_siret_already_registered_stops_without_naming_anyone(portal):
    siret = synthetic_siret()
    assert register(portal.url, siret, person()).identifier()
    again = RegistrationClient(portal.url).start()
    again.submit(siret=siret)
    message = again.error("siret")
    assert message.startswith("Cette structure possède déjà un compte Hariane PRO.")
    assert "administrateur de votre structure" in message
    assert "pro." not in message and "@" not in message


def test_two_john_doe_get_distinct_identifiers_also_concurrently(portal):
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        clients = list(pool.map(lambda _: register(portal.url, synthetic_siret(), person("John", "Doe")), range(3)))
    identifiers = [c.identifier() for c in clients]
    assert all(i and re.fullmatch(r"pro\.john\.doe\d*", i) for i in identifiers), identifiers
    assert len(set(identifiers)) == 3
    later = register(portal.url, synthetic_siret(), person("John", "Doe")).identifier()
    assert later not in identifiers and later.startswith("pro.john.doe")


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Jean-Éric", "Le Gall", "pro.jean-eric.le-gall"),
        ("Françoise", "D'Œillet", "pro.francoise.d-oeillet"),
    ],
)
def test_accented_and_compound_names(portal, kc_admin, first, last, expected):
    identifier = register(portal.url, synthetic_siret(), person(first, last)).identifier()
    assert re.fullmatch(re.escape(expected) + r"\d*", identifier)
    assert kc_admin.get_user(kc_admin.get_user_id(identifier))["firstName"] == first


def test_activation_refuses_unticked_cgu_and_weak_passwords(portal, mail):
    who = person("Alice", "Martin")
    register(portal.url, synthetic_siret(), who)
    browser = RegistrationClient(portal.url)
    page, url = activation_form(browser, mail_link(mail, who["email"]))
    assert "Votre mot de passe doit comporter au moins 12 caractères" in page  # rules shown before typing

    def post(page: str, **data: str) -> str:
        action = html.unescape(re.search(r'<form id="ha-activate" action="([^"]+)"', page).group(1))
        return browser.request("POST", urljoin(url, action), data).text

    page = post(
        page, **{"password-new": "une phrase de passe solide", "password-confirm": "une phrase de passe solide"}
    )
    assert (
        "Vous devez accepter les Conditions Générales d&#39;Utilisation" in page
        or "Vous devez accepter les Conditions Générales d'Utilisation" in page
    )
    page = post(page, **{"password-new": "court", "password-confirm": "court", "acceptCgu": "on"})
    assert 'id="input-error-password-new"' in page
    assert "checked" in page  # the tick is kept
    page = post(page, **{"password-new": "azertyuiop123", "password-confirm": "azertyuiop123", "acceptCgu": "on"})
    assert 'id="input-error-password-new"' in page
    page = post(
        page, **{"password-new": "une phrase de passe", "password-confirm": "une autre phrase", "acceptCgu": "on"}
    )
    assert "Les deux mots de passe ne sont pas identiques." in html.unescape(page)
    page = post(
        page,
        **{
            "password-new": "une phrase de passe solide",
            "password-confirm": "une phrase de passe solide",
            "acceptCgu": "on",
        },
    )
    assert "Compte mis à jour" in html.unescape(page)


def test_an_expired_activation_link_leads_to_a_clear_page(portal, mail, kc_admin, keycloak):
    link = expired_activation_link(portal.url, mail, kc_admin, person("Bruno", "Petit"))
    page = html.unescape(RegistrationClient(portal.url).request("GET", link).text)
    assert "expiré" in page
    assert "Recevoir un nouveau lien d'activation" in page


def test_a_new_activation_link_is_sent_without_revealing_who_exists(portal, mail):
    who = person("Claire", "Durand")
    identifier = register(portal.url, synthetic_siret(), who).identifier()
    mail.clear()
    browser = RegistrationClient(portal.url)
    form = browser.request("GET", f"{portal.url}/activation/nouveau-lien").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answers = [
        browser.request("POST", f"{portal.url}/activation/nouveau-lien", {"csrf_token": token, "identifiant": value})
        for value in (identifier, "pro.personne.inconnue", "inconnu@exemple.test")
    ]
    texts = [re.search(r"<main.*</main>", a.text, re.S).group(0) for a in answers]
    assert all(a.status_code == 200 for a in answers)
    assert texts[0] == texts[1] == texts[2]  # the same answer whoever asks
    assert mail_link(mail, who["email"])
    refused = requests.post(f"{portal.url}/activation/nouveau-lien", data={"identifiant": identifier}, timeout=10)
    assert refused.status_code == 400  # no CSRF token


def test_a_non_diffusible_establishment_continues_with_the_masked_fields_to_fill(client, kc_admin):
    client.submit(siret="91234567500017")
    assert client.title == "Les informations sur votre structure (2/3)"
    assert "Non diffusée par le répertoire SIRENE" in client.page
    assert "NON-DIFFUSIBLE" not in client.page and "[ND]" not in client.page
    assert client.value("postalCode") == "" and client.value("street") == ""
    client.submit(**{**STRUCTURE, "postalCode": "", "city": ""})
    assert client.error("postalCode") == "Indiquez le code postal."
    assert client.error("city") == "Indiquez la ville."
    client.submit(**{**STRUCTURE, "recipient": "JEANNE MARTIN"})
    client.submit(**person("Jeanne", "Martin"))
    assert client.identifier().startswith("pro.jeanne.martin")


def test_the_structure_keeps_the_register_values_and_the_declared_ones(portal, kc_admin):
    siret = synthetic_siret()
    client = RegistrationClient(portal.url).start()
    client.submit(siret=siret)
    client.submit(**{**STRUCTURE, "city": "LE HAVRE CEDEX", "phone": "+33 2 35 00 00 01"})
    client.submit(**person("Paul", "Registre"))
    organization = kc_admin.connection.raw_get(f"admin/realms/hariane-pro/organizations?search={siret}").json()[0]
    attributes = kc_admin.connection.raw_get(f"admin/realms/hariane-pro/organizations/{organization['id']}").json()[
        "attributes"
    ]
    assert attributes["city"] == ["LE HAVRE CEDEX"] and attributes["register.city"] == ["LE HAVRE"]
    assert attributes["postalCode"] == ["76600"] and "register.postalCode" not in attributes
    assert attributes["phone"] == ["+33235000001"]
    assert attributes["source"] == ["recherche-entreprises"] and attributes["fetchedAt"][0].endswith("Z")
