"""No account oracle at « Créer un compte Pro » (docs/registration-oracle.md): an address that
already has an account gets exactly the page a new address gets — same text, same status, an
identifier a new account would get — while nothing is created and the address's owner is told
by e-mail, with their own identifier. Real Keycloak, real mail catcher, Debian's Chromium."""

from __future__ import annotations

import concurrent.futures
import html
import re
import statistics
import time

from tests.support.accounts import new_administrator, wait_for_mail
from tests.support.browser_steps import open_registration
from tests.support.registration_http import STRUCTURE, RegistrationClient, person, register, synthetic_siret

ATTEMPT_SUBJECT = "Hariane PRO : tentative de création d'un compte avec votre adresse"
ACTIVATION_SUBJECT = "Création de votre compte sur Hariane Pro"
IDENTIFIER = re.compile(r"pro\.[a-z0-9-]+\.[a-z0-9-]+")


def register_in_chromium(page, portal, siret: str, who: dict[str, str]) -> dict:
    """The three steps in the browser; the recap page as the person gets it."""
    open_registration(page, portal)
    page.get_by_label("SIRET").fill(siret)
    page.get_by_role("button", name="Page suivante →").click()
    page.get_by_role("heading", name="Les informations sur votre structure (2/3)").wait_for()
    page.get_by_label("Téléphone").fill(STRUCTURE["phone"])
    page.get_by_label("Courriel de la structure ou du dirigeant").fill(STRUCTURE["structureEmail"])
    page.get_by_role("button", name="Page suivante →").click()
    page.get_by_role("heading", name="Les informations vous concernant (3/3)").wait_for()
    page.get_by_label("Prénom").fill(who["firstName"])
    page.locator("#lastName").fill(who["lastName"])
    page.locator("#email").fill(who["email"])
    page.get_by_label("Fonction").fill(who["jobTitle"])
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Valider →").click()
    page.get_by_role("heading", name="Création de compte terminée").wait_for()
    identifier = page.locator("#ha-identifier").inner_text()
    return {
        "status": answer.value.status,
        "identifier": identifier,
        "text": page.locator("body").inner_text().replace(identifier, "IDENTIFIANT").replace(who["email"], "ADRESSE"),
        "html": normalised(page.content(), identifier, who["email"]),
    }


def normalised(page_html: str, identifier: str, email: str) -> str:
    """The page without what differs from one visit to the next: the identifier, the address
    typed, and the session's codes in Keycloak's URLs."""
    page_html = page_html.replace(identifier, "IDENTIFIANT").replace(email, "ADRESSE")
    return re.sub(r"(session_code|execution|client_data|tab_id|auth_session_id)=[^&\"']+", r"\1=X", page_html)


def first_free_identifier(kc_admin, base: str) -> str:
    candidates = (base if n == 1 else f"{base}{n}" for n in range(1, 100))
    return next(c for c in candidates if kc_admin.get_user_id(c) is None)


def accounts_with(kc_admin, email: str) -> list[dict]:
    return [u for u in kc_admin.get_users({"email": email, "exact": True}) if u.get("email") == email.lower()]


def organizations_of(kc_admin, siret: str) -> list[dict]:
    found = kc_admin.connection.raw_get(f"admin/realms/hariane-pro/organizations?search={siret}").json()
    return [organization for organization in found if organization["alias"] == siret]


def test_an_address_with_an_account_gets_the_very_page_a_new_address_gets(page, portal, mail, kc_admin):
    owner_identifier, owner_siret = new_administrator(portal.url, mail, "Odile", "Proprietaire")
    owner = kc_admin.get_user(kc_admin.get_user_id(owner_identifier))
    owner_email = owner["email"]

    # A new address: the structure and its administrator are created, the activation e-mail sent.
    fresh_siret, fresh_person = synthetic_siret(), person("Lou", "Veilleur")
    fresh = register_in_chromium(page, portal, fresh_siret, fresh_person)
    assert fresh["status"] == 200
    assert IDENTIFIER.fullmatch(fresh["identifier"]) and fresh["identifier"].startswith("pro.lou.veilleur")
    assert len(organizations_of(kc_admin, fresh_siret)) == 1
    activation = wait_for_mail(mail, fresh_person["email"])
    assert activation["subject"] == ACTIVATION_SUBJECT and fresh["identifier"] in activation["text"]

    # The owner's address (typed with capitals): the same page, nothing created.
    mail.clear()
    taken_siret = synthetic_siret()
    typed = owner_email.replace("odile", "Odile", 1)
    taken_person = {**person("Lou", "Veilleur"), "email": typed}
    taken = register_in_chromium(page, portal, taken_siret, taken_person)
    assert taken["status"] == fresh["status"] == 200
    assert taken["text"] == fresh["text"]
    assert taken["html"] == fresh["html"]

    # The identifier shown is the one a new account with these names would get now, not the owner's.
    assert taken["identifier"] != owner_identifier
    assert IDENTIFIER.fullmatch(taken["identifier"]) and taken["identifier"].startswith("pro.lou.veilleur")
    assert taken["identifier"] == first_free_identifier(kc_admin, "pro.lou.veilleur")

    # No second account, the owner's account unchanged, no structure for the SIRET.
    assert [u["id"] for u in accounts_with(kc_admin, owner_email)] == [owner["id"]]
    after = kc_admin.get_user(owner["id"])
    assert {k: after.get(k) for k in ("username", "enabled", "attributes", "requiredActions")} == {
        k: owner.get(k) for k in ("username", "enabled", "attributes", "requiredActions")
    }
    assert organizations_of(kc_admin, taken_siret) == []
    assert len(organizations_of(kc_admin, owner_siret)) == 1

    # The owner is told, in French, with their own identifier and « Mot de passe oublié ».
    told = wait_for_mail(mail, owner_email, subject=ATTEMPT_SUBJECT)
    text = told["text"]
    assert f"Votre identifiant de connexion est : {owner_identifier}" in text
    assert f"(SIRET {taken_siret})" in text and "peut-être vous" in text
    assert "aucun nouveau compte n'a été créé" in text
    assert "Si vous n'êtes pas à l'origine de cette demande, vous n'avez rien à faire." in text
    assert "Veilleur" not in text  # nothing the visitor typed reaches the owner's mailbox
    assert owner_identifier in told["html"] and "Mot de passe oublié" in told["html"]
    assert not any(m["subject"] == ACTIVATION_SUBJECT for m in mail.messages())
    page.goto(re.search(r"« Mot de passe oublié »\) : (\S+)", text).group(1))
    page.get_by_role("heading", name="Mot de passe oublié ?").wait_for()


def test_an_owner_who_never_activated_is_told_how_to_get_a_new_link(portal, mail, kc_admin):
    owner = person("Paul", "Enattente")
    owner_identifier = register(portal.url, synthetic_siret(), owner).identifier()
    wait_for_mail(mail, owner["email"])
    mail.clear()
    client = register(portal.url, synthetic_siret(), person("Rose", "Essai", email=owner["email"]))
    assert client.title == "Création de compte terminée"
    assert client.identifier().startswith("pro.rose.essai") and client.identifier() != owner_identifier
    told = wait_for_mail(mail, owner["email"])
    assert told["subject"] == ATTEMPT_SUBJECT
    assert f"Votre identifiant de connexion est : {owner_identifier}" in told["text"]
    assert f"{portal.url}/activation/nouveau-lien" in told["text"]
    assert "${" not in told["text"] + told["html"]  # every theme property resolved
    assert "écrivez à l'assistance Hariane PRO (" in told["text"]
    assert len(accounts_with(kc_admin, owner["email"])) == 1


def test_both_answers_take_about_as_long(portal, mail, kc_admin):
    """The person step's answer, timed over HTTP for new and taken addresses in turn."""
    owner = person("Tim", "Chrono")
    register(portal.url, synthetic_siret(), owner)
    durations: dict[str, list[float]] = {"new": [], "taken": []}
    for round_ in range(10):
        for kind in ("new", "taken"):
            who = person("Tim", "Mesure", email=owner["email"] if kind == "taken" else None)
            client = RegistrationClient(portal.url).start()
            client.submit(siret=synthetic_siret())
            client.submit(**STRUCTURE)
            started = time.perf_counter()
            client.submit(**who)
            elapsed = time.perf_counter() - started
            assert client.title == "Création de compte terminée", client.errors()
            if round_ > 1:  # the first rounds warm both paths up
                durations[kind].append(elapsed)
    new, taken = statistics.median(durations["new"]), statistics.median(durations["taken"])
    print(f"person step: new address median {new * 1000:.0f} ms, taken address median {taken * 1000:.0f} ms")
    print({kind: [round(d * 1000) for d in values] for kind, values in durations.items()})
    assert abs(new - taken) < max(0.12, 0.35 * new), (new, taken)
    assert len(accounts_with(kc_admin, owner["email"])) == 1


def test_two_registrations_with_one_new_address_at_once_make_one_account(portal, mail, kc_admin):
    email = person()["email"]
    sirets = [synthetic_siret(), synthetic_siret()]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        clients = list(pool.map(lambda siret: register(portal.url, siret, person("Max", "Course", email)), sirets))
    assert [c.title for c in clients] == ["Création de compte terminée"] * 2, [c.errors() for c in clients]
    accounts = accounts_with(kc_admin, email)
    assert len(accounts) == 1
    assert sorted(len(organizations_of(kc_admin, s)) for s in sirets) == [0, 1]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        subjects = sorted(m["subject"] for m in mail.messages() if any(r["address"] == email for r in m.get("to", [])))
        if len(subjects) == 2:
            break
        time.sleep(0.3)
    assert subjects == sorted([ACTIVATION_SUBJECT, ATTEMPT_SUBJECT])
    assert html.unescape(accounts[0]["username"]) in {c.identifier() for c in clients}
