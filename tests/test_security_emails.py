"""The security e-mails (docs/security-emails.md) and the throttle on what sends e-mails
(docs/throttles.md), on the real stack: Keycloak with the extension's event listener, the
adapter, the mail catcher. Each e-mail is read in the mail catcher with its French subject."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests

from tests.support.accounts import PASSWORD, add_colleague, csrf, management, post, user_id_of
from tests.support.concession_http import import_registry, logged_in, submit_link, text
from tests.support.keycloak_http import (
    account_login,
    change_password,
    enrol_totp,
    forgot_password,
    page_text,
    remove_credential,
)
from tests.support.registration_http import RegistrationClient, person, register, synthetic_siret
from tests.support.structures import structure_member

SUBJECTS = {
    "password_changed": "Hariane PRO : votre mot de passe a été modifié",
    "factor_added": "Hariane PRO : un moyen de double authentification a été ajouté à votre compte",
    "factor_removed": "Hariane PRO : un moyen de double authentification a été supprimé de votre compte",
    "email_changed": "Hariane PRO : l'adresse de courriel de votre compte a été modifiée",
    "profile_changed": "Hariane PRO : votre profil a été modifié",
    "account_disabled": "Hariane PRO : votre compte a été désactivé",
    "account_enabled": "Hariane PRO : votre compte a été réactivé",
    "admin_added": "Hariane PRO : un administrateur a été ajouté à votre structure",
    "admin_removed": "Hariane PRO : un administrateur a été retiré de votre structure",
    "concession_linked": "Hariane PRO : un compte de concession voirie a été rattaché à votre structure",
    "concession_detached": "Hariane PRO : un compte de concession voirie a été détaché de votre structure",
}


def mails(mail, to: str, subject: str | None = None) -> list[dict]:
    return [
        m
        for m in mail.messages()
        if any(r["address"].lower() == to.lower() for r in m.get("to", []))
        and (subject is None or m.get("subject") == subject)
    ]


def wait_mails(mail, to: str, subject: str | None, count: int = 1, timeout: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = mails(mail, to, subject)
        if len(found) >= count:
            return found
        time.sleep(0.3)
    subjects = [m.get("subject") for m in mails(mail, to)]
    pytest.fail(f"{count} e-mail(s) « {subject} » to {to} expected; it got: {subjects}")


def assert_a_security_email(message: dict, *words: str) -> None:
    """Plain text and HTML, the time, the way out, and no link or code to act with."""
    body, page = message.get("text") or "", message.get("html") or ""
    assert body and page, "plain text and HTML"
    for word in (*words, "heure de Paris", "assistance Hariane PRO"):
        assert word in body and word in page_text(page), (word, body)
    assert "<a " not in page and "token" not in body.lower() and "code=" not in body


def email_of(kc_admin, user_id: str) -> str:
    return kc_admin.get_user(user_id)["email"]


def unique_ip() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


# -- Keycloak-side events: the extension's event listener, after the commit -----------------------


def test_a_password_change_emails_its_owner_once(keycloak, portal, mail, kc_admin):
    member = structure_member(kc_admin, profile="standard")
    address = email_of(kc_admin, member.user_id)
    done = change_password(keycloak.url, member.username, PASSWORD, "une autre phrase de passe")
    assert done.status_code == 200
    [message] = wait_mails(mail, address, SUBJECTS["password_changed"])
    assert_a_security_email(message, member.username, "Mot de passe oublié")
    time.sleep(2)  # UPDATE_PASSWORD and UPDATE_CREDENTIAL both came: still one e-mail
    assert len(mails(mail, address, SUBJECTS["password_changed"])) == 1


def test_a_second_factor_added_or_removed_emails_its_owner(keycloak, portal, mail, kc_admin):
    member = structure_member(kc_admin, profile="standard")
    address = email_of(kc_admin, member.user_id)
    enrolled, secret = enrol_totp(keycloak.url, member.username, PASSWORD)
    assert enrolled.status_code == 200
    [otp] = [c for c in kc_admin.get_credentials(member.user_id) if c["type"] == "otp"]
    [message] = wait_mails(mail, address, SUBJECTS["factor_added"])
    assert_a_security_email(message, "application d'authentification")

    removed = remove_credential(keycloak.url, member.username, PASSWORD, secret, otp["id"])
    assert removed.status_code == 200
    assert [c for c in kc_admin.get_credentials(member.user_id) if c["type"] == "otp"] == []
    [message] = wait_mails(mail, address, SUBJECTS["factor_removed"])
    assert_a_security_email(message, "application d'authentification", "supprimé")


def test_an_email_change_in_the_account_console_emails_both_addresses(keycloak, portal, mail, kc_admin, page):
    from devstack.stack import REALM
    from tests.support.browser_steps import keycloak_login

    member = structure_member(kc_admin, profile="standard")
    old = email_of(kc_admin, member.user_id)
    new = f"nouvelle.{uuid.uuid4().hex[:8]}@reseaux-test.test"
    page.goto(f"{keycloak.url}/realms/{REALM}/account/")
    keycloak_login(page, member.username, PASSWORD)
    page.get_by_role("heading", name="Informations personnelles").wait_for()
    page.get_by_label("Courriel").fill(new)
    page.get_by_role("button", name="Sauvegarder").click()
    page.get_by_text("Votre compte a été mis à jour.").wait_for()
    assert kc_admin.get_user(member.user_id)["email"] == new
    for address in (old, new):
        [message] = wait_mails(mail, address, SUBJECTS["email_changed"])
        assert_a_security_email(message, old, new)


def test_a_down_adapter_does_not_fail_a_password_change(keycloak, portal, mail, kc_admin):
    member = structure_member(kc_admin, profile="standard")
    address = email_of(kc_admin, member.user_id)
    portal.stop()
    try:
        done = change_password(keycloak.url, member.username, PASSWORD, "changée sans adaptateur")
        assert done.status_code == 200 and "password-new" not in done.text
    finally:
        portal.start()
    # the new password is the one: the change was committed though its e-mail was lost
    _, logged = account_login(keycloak.url, member.username, "changée sans adaptateur")
    assert "/account/" in logged.url and "kc-form-login" not in logged.text
    time.sleep(2)
    assert mails(mail, address, SUBJECTS["password_changed"]) == []
    assert "security e-mail lost" in keycloak.log_file.read_text(errors="replace")


# -- adapter-side events: « Gestion des utilisateurs » and the concessions -----------------------


def test_profile_and_account_changes_email_the_member_and_the_administrators(portal, mail, kc_admin):
    admin = structure_member(kc_admin)
    other = structure_member(kc_admin, admin.siret, profile="admin")
    member = structure_member(kc_admin, admin.siret, profile="standard")
    admins = [email_of(kc_admin, m.user_id) for m in (admin, other)]
    member_address = email_of(kc_admin, member.user_id)
    browser = logged_in(portal.url, admin.username, ip=unique_ip())
    url = f"{portal.url}/structure/utilisateurs/{member.user_id}"

    management(browser, portal.url)
    assert "Le profil a été modifié" in post(browser, f"{url}/profil", {"profil": "admin"})
    [changed] = wait_mails(mail, member_address, SUBJECTS["profile_changed"])
    assert_a_security_email(changed, "Standard → Administrateur", admin.username)
    for address in (*admins, member_address):  # the new administrator is one of them now
        [added] = wait_mails(mail, address, SUBJECTS["admin_added"])
        assert_a_security_email(added, member.username, "Gestion des utilisateurs")

    management(browser, portal.url)
    post(browser, f"{url}/profil", {"profil": "standard"})
    for address in admins:
        wait_mails(mail, address, SUBJECTS["admin_removed"])
    assert mails(mail, member_address, SUBJECTS["admin_removed"]) == []  # no longer one of them

    management(browser, portal.url)
    assert "Le compte a été désactivé" in post(browser, f"{url}/desactiver", {})
    [disabled] = wait_mails(mail, member_address, SUBJECTS["account_disabled"])
    assert_a_security_email(disabled, "désactivé votre compte")
    management(browser, portal.url)
    assert "Le compte a été réactivé" in post(browser, f"{url}/reactiver", {})
    wait_mails(mail, member_address, SUBJECTS["account_enabled"])
    # one e-mail per event: two profile changes, one disabling, one re-enabling
    assert len(mails(mail, member_address, SUBJECTS["profile_changed"])) == 2
    assert len(mails(mail, member_address, SUBJECTS["account_disabled"])) == 1


def test_removing_an_administrator_emails_the_others(portal, mail, kc_admin):
    admin = structure_member(kc_admin)
    leaving = structure_member(kc_admin, admin.siret, profile="admin")
    browser = logged_in(portal.url, admin.username, ip=unique_ip())
    management(browser, portal.url)
    post(browser, f"{portal.url}/structure/utilisateurs/{leaving.user_id}/retirer", {})
    [removed] = wait_mails(mail, email_of(kc_admin, admin.user_id), SUBJECTS["admin_removed"])
    assert_a_security_email(removed, leaving.username)
    wait_mails(mail, email_of(kc_admin, leaving.user_id), SUBJECTS["account_disabled"])


def test_linking_and_detaching_a_concession_emails_every_administrator(portal, mail, kc_admin, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Gaz Est", "0815"))
    admin = structure_member(kc_admin)
    other = structure_member(kc_admin, admin.siret, profile="admin")
    colleague = structure_member(kc_admin, admin.siret, profile="standard")
    browser = logged_in(portal.url, admin.username, ip=unique_ip())
    assert f"Le compte « {label} » a été rattaché" in text(submit_link(browser, portal.url, label, "0815"))
    for member in (admin, other):
        [linked] = wait_mails(mail, email_of(kc_admin, member.user_id), SUBJECTS["concession_linked"])
        assert_a_security_email(linked, label, "service Voirie")
        assert "0815" not in linked["text"] and "0815" not in linked["html"]  # never the code
    assert mails(mail, email_of(kc_admin, colleague.user_id), SUBJECTS["concession_linked"]) == []

    page = text(browser.request("GET", f"{portal.url}/tableau-de-bord"))
    confirmation = re.search(r'href="(/concessions/[^"]+/detacher)"', page).group(1)
    asked = browser.request("GET", f"{portal.url}{confirmation}")
    browser.request("POST", f"{portal.url}{confirmation}", {"csrf_token": csrf(asked.text)})
    for member in (admin, other):
        wait_mails(mail, email_of(kc_admin, member.user_id), SUBJECTS["concession_detached"])


# -- the throttle: the N+1th request gets the same page and sends nothing ------------------------


def test_the_fourth_new_activation_link_in_an_hour_gets_the_same_page_and_sends_nothing(portal, mail):
    who = person("Théo", "Relance")
    identifier = register(portal.url, synthetic_siret(), who).identifier()
    wait_mails(mail, who["email"], None)  # the activation e-mail of the registration
    first = len(mails(mail, who["email"]))
    browser = RegistrationClient(portal.url)
    browser.session.headers["X-Forwarded-For"] = unique_ip()
    token = csrf(browser.request("GET", f"{portal.url}/activation/nouveau-lien").text)

    def ask():
        answer = browser.request(
            "POST", f"{portal.url}/activation/nouveau-lien", {"csrf_token": token, "identifiant": identifier}
        )
        return answer.status_code, re.search(r"<main.*</main>", answer.text, re.S).group(0)

    answers = [ask() for _ in range(3)]
    deadline = time.monotonic() + 20
    while len(mails(mail, who["email"])) < first + 3 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert len(mails(mail, who["email"])) == first + 3  # the default: 3 an hour per address
    answers.append(ask())
    assert answers[3] == answers[0] and answers[0][0] == 200  # same status, same words
    time.sleep(3)
    assert len(mails(mail, who["email"])) == first + 3  # the fourth sent nothing


def test_the_fourth_forgotten_password_in_an_hour_gets_the_same_page_and_sends_nothing(
    keycloak, portal, mail, kc_admin
):
    member = structure_member(kc_admin, profile="standard")
    address = email_of(kc_admin, member.user_id)
    pages = [forgot_password(keycloak.url, member.username) for _ in range(3)]
    deadline = time.monotonic() + 20
    while len(mails(mail, address)) < 3 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert len(mails(mail, address)) == 3
    pages.append(forgot_password(keycloak.url, member.username))
    unknown = forgot_password(keycloak.url, f"pro.inconnu-{uuid.uuid4().hex[:6]}.personne")
    texts = [page_text(p.text) for p in (pages[0], pages[3], unknown)]
    assert (
        "Vous devriez recevoir rapidement un courriel" in texts[0]
        and pages[3].status_code == pages[0].status_code == 200
    )
    assert texts[0] == texts[1] == texts[2]  # the same page, throttled or not, known or not
    time.sleep(3)
    assert len(mails(mail, address)) == 3


def test_the_notices_api_answers_only_the_extension_and_checks_what_it_gets(portal, mail, secrets):
    url = f"{portal.url}/api/notices"
    extension = {"Authorization": f"Bearer {secrets['PORTAL_API_SECRET']}"}
    address = f"api.{uuid.uuid4().hex[:8]}@reseaux-test.test"
    event = {"kind": "password_changed", "email": address, "username": "pro.api.test", "client": "192.0.2.10"}
    accepted = requests.post(f"{url}/events", json=event, headers=extension, timeout=10)
    assert accepted.status_code == 202
    wait_mails(mail, address, SUBJECTS["password_changed"])
    asked = {"action": "password_reset", "address": address, "client": "192.0.2.10"}
    assert requests.post(f"{url}/allowance", json=asked, headers=extension, timeout=10).json() == {"allowed": True}

    for headers in ({}, {"Authorization": "Bearer pas-le-secret"}):
        for path, body in (("events", event), ("allowance", asked)):
            refused = requests.post(f"{url}/{path}", json=body, headers=headers, timeout=10)
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"
    for body in (
        {**event, "kind": "account_disabled"},  # the adapter's own events are not the extension's to post
        {**event, "email": "pas-une-adresse"},
        {**event, "email": 3},
        {**event, "username": "x" * 400},
        [event],
    ):
        wrong = requests.post(f"{url}/events", json=body, headers=extension, timeout=10)
        assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_event", body
    for body in ({**asked, "action": "activation_link"}, {**asked, "address": ""}, "password_reset"):
        wrong = requests.post(f"{url}/allowance", json=body, headers=extension, timeout=10)
        assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_request", body
    time.sleep(1)
    assert len(mails(mail, address)) == 1  # the refused calls sent nothing


def test_an_administrator_resends_an_activation_three_times_an_hour_then_is_told_to_wait(portal, mail, kc_admin):
    admin = structure_member(kc_admin)
    browser = logged_in(portal.url, admin.username, ip=unique_ip())
    address = f"paul.relance.{uuid.uuid4().hex[:8]}@reseaux-test.test"
    identifier = add_colleague(browser, portal.url, "Paul", "Relance", address, "standard")
    wait_mails(mail, address, None)  # the first activation e-mail
    resend = f"{portal.url}/structure/utilisateurs/{user_id_of(kc_admin, identifier)}/renvoyer-activation"
    for sent in (2, 3, 4):
        management(browser, portal.url)
        assert "Un nouveau courriel d'activation a été envoyé." in post(browser, resend, {})
        wait_mails(mail, address, None, sent)
    management(browser, portal.url)
    page = post(browser, resend, {})
    assert "Plusieurs courriels d'activation ont déjà été envoyés à cette adresse" in page
    assert "Un nouveau courriel d'activation a été envoyé." not in page
    time.sleep(2)
    assert len(mails(mail, address)) == 4
