"""« Demander à rejoindre » over plain HTTP against the running portal, Keycloak and mail
catcher: a refusal tells the requester in neutral words; two administrators accepting at once
create one account; the limits answer the same neutral page and send nothing; the escalation
job hands unanswered requests to the metropolis; only agents open /agents/demandes."""

from __future__ import annotations

import html
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from devstack.demo import provision_structure
from devstack.stack import AGENTS_EMAIL
from tests.support.accounts import activate, add_colleague, login, management, post, with_recent_second_factor
from tests.support.join_requests import Requester, confirmation_link, filed_and_confirmed, mails_to
from tests.support.registration_http import synthetic_siret

NEUTRAL = "Si votre demande peut être transmise, un courriel vient d'être envoyé"


def fresh_email(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}@demandeur-test.test"


def request_ids(page: str) -> list[str]:
    return re.findall(r"/structure/utilisateurs/demandes/(\d+)/accepter", page)


def email_of(kc_admin, username: str) -> str:
    return kc_admin.get_user(kc_admin.get_user_id(username))["email"]


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("waited in vain")


def test_the_administrators_are_told_and_a_refusal_reaches_the_requester_in_neutral_words(
    portal, mail, admin, kc_admin
):
    browser, identifier, siret = admin
    email = fresh_email("rene.refus")
    requester = Requester(portal.url)
    filed = requester.file(siret, "René", "Refus", email, "Je suis le nouveau chef de chantier.")
    assert filed.status_code == 200 and NEUTRAL in html.unescape(filed.text)
    assert "Demandes en attente" in management(browser, portal.url)
    assert "René Refus" not in browser.page  # not before the address is confirmed

    link = confirmation_link(mail, email)
    assert "Confirmer ma demande" in html.unescape(requester.session.get(link, timeout=30).text)
    assert "Demande confirmée" in html.unescape(requester.confirm(link).text)
    again = requester.confirm(link)  # the link works once
    assert again.status_code == 410 and "Ce lien a expiré ou a déjà été utilisé" in html.unescape(again.text)

    told = wait_for(lambda: mails_to(mail, email_of(kc_admin, identifier), "demande à rejoindre"))
    assert "René Refus" in told[-1]["text"] and "Je suis le nouveau chef de chantier." in told[-1]["text"]
    page = management(browser, portal.url)
    assert "René Refus" in html.unescape(page)
    (request_id,) = request_ids(page)
    done = post(browser, f"{portal.url}/structure/utilisateurs/demandes/{request_id}/refuser", {"motif": "Inconnu."})
    assert "Demande refusée" in done and "René Refus" not in done

    refusal = wait_for(lambda: mails_to(mail, email, "réponse à votre demande"))[-1]["text"]
    assert "n'a pas été acceptée" in refusal and "Motif indiqué : Inconnu." in refusal
    assert identifier not in refusal and "Ada" not in refusal and email_of(kc_admin, identifier) not in refusal
    assert kc_admin.get_users({"email": email, "exact": "true"}) == []
    twice = post(browser, f"{portal.url}/structure/utilisateurs/demandes/{request_id}/refuser", {"motif": ""})
    assert "Cette demande a déjà été traitée." in twice


def test_two_administrators_accepting_at_once_create_one_account(portal, mail, admin, kc_admin):
    first, _, siret = admin
    second_email = fresh_email("bruno.second")
    second_id = add_colleague(first, portal.url, "Bruno", "Second", second_email, "admin")
    activate(portal.url, mail, second_email)
    second = login(portal.url, second_id)
    email = fresh_email("dora.double")
    filed_and_confirmed(portal.url, mail, siret, "Dora", "Double", email)

    (request_id,) = request_ids(management(first, portal.url))
    assert request_ids(management(second, portal.url)) == [request_id]
    start = threading.Barrier(2)

    def accept(browser) -> str:
        start.wait()
        url = f"{portal.url}/structure/utilisateurs/demandes/{request_id}/accepter"
        return post(browser, url, {"profil": "standard"})

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(accept, (first, second)))
    assert sorted("Demande acceptée" in a for a in answers) == [False, True], answers
    assert any("Cette demande a déjà été traitée." in a for a in answers)
    assert len(kc_admin.get_users({"email": email, "exact": "true"})) == 1
    wait_for(lambda: mails_to(mail, email, "Création de votre compte"))
    time.sleep(1)
    assert len(mails_to(mail, email, "Création de votre compte")) == 1


def test_the_request_over_the_limit_or_to_an_unknown_structure_gets_the_same_page_and_no_email(portal, mail, kc_admin):
    email = fresh_email("lucie.limite")
    requester = Requester(portal.url)
    sirets = [synthetic_siret() for _ in range(4)]
    for siret in sirets:
        provision_structure(kc_admin, siret, f"TEST LIMITES {siret[-6:]}")

    # the permitted requests first: each gets its confirmation e-mail
    for count, siret in enumerate(sirets[:3], start=1):
        assert NEUTRAL in html.unescape(requester.file(siret, "Lucie", "Limite", email).text)
        wait_for(lambda n=count: len(mails_to(mail, email, "confirmez")) == n)
    # a second request of the same address for the same structure, then the fourth: same page, nothing sent
    for siret in (sirets[0], sirets[3]):
        answer = requester.file(siret, "Lucie", "Limite", email)
        assert answer.status_code == 200 and NEUTRAL in html.unescape(answer.text)
    # a structure without a Hariane PRO account: the same page, nothing sent either
    unknown = fresh_email("ursule.inconnue")
    answer = Requester(portal.url).file(synthetic_siret(), "Ursule", "Inconnue", unknown)
    assert answer.status_code == 200 and NEUTRAL in html.unescape(answer.text)
    time.sleep(3)
    assert len(mails_to(mail, email, "confirmez")) == 3
    assert mails_to(mail, unknown) == []


def test_a_structure_without_administrator_goes_to_the_agents_at_once_and_the_job_escalates_then_expires(
    portal, mail, admin, kc_admin, monkeypatch
):
    orphan = synthetic_siret()
    provision_structure(kc_admin, orphan, f"TEST ORPHELINE {orphan[-6:]}")
    mail.clear()
    filed_and_confirmed(portal.url, mail, orphan, "Olga", "Orpheline", fresh_email("olga.orpheline"))
    to_agents = wait_for(lambda: mails_to(mail, AGENTS_EMAIL, "transmise"))
    assert f"Olga Orpheline pour la structure SIRET {orphan}" in to_agents[-1]["text"]

    # a structure with an administrator: nothing moves before the delay, all after it (delay 0)
    _, _, siret = admin
    filed_and_confirmed(portal.url, mail, siret, "Ulysse", "Urgent", fresh_email("ulysse.urgent"))
    mail.clear()
    done = portal.cli("join-requests", "escalate")
    assert "0 demande transmise à la Métropole" in done.stdout, done.stdout
    monkeypatch.setenv("JOIN_REQUESTS_ESCALATION_DAYS", "0")
    done = portal.cli("join-requests", "escalate")
    assert re.search(r"[1-9]\d* demandes? transmises? à la Métropole", done.stdout), done.stdout
    assert f"Ulysse Urgent pour la structure SIRET {siret}" in mails_to(mail, AGENTS_EMAIL, "transmise")[-1]["text"]
    browser = admin[0]
    assert "Ulysse Urgent" in html.unescape(management(browser, portal.url))  # its administrators still may decide

    # past the expiry, nobody can decide any more
    monkeypatch.setenv("JOIN_REQUESTS_EXPIRY_DAYS", "0")
    done = portal.cli("join-requests", "escalate")
    assert re.search(r"[1-9]\d* demandes? expirées?", done.stdout), done.stdout
    assert "Ulysse Urgent" not in html.unescape(management(browser, portal.url))


def test_only_metropolis_agents_open_the_agents_pages_where_they_can_refuse_a_request(portal, mail, admin, kc_admin):
    browser, identifier, _ = admin
    anonymous = Requester(portal.url).session.get(f"{portal.url}/agents/demandes", timeout=30)
    assert "kc-form-login" in anonymous.text  # sent to the login first
    role = kc_admin.get_realm_role("metropolis-agent")
    user_id = kc_admin.get_user_id(identifier)
    kc_admin.assign_realm_roles(user_id, [role])
    browser = with_recent_second_factor(browser)  # agents' pages want the factor given at login
    orphan = synthetic_siret()
    provision_structure(kc_admin, orphan, f"TEST ORPHELINE {orphan[-6:]}")
    email = fresh_email("igor.ignore")
    filed_and_confirmed(portal.url, mail, orphan, "Igor", "Ignoré", email)
    try:
        allowed = browser.request("GET", f"{portal.url}/agents/demandes")
        assert allowed.status_code == 200 and "Demandes pour rejoindre une structure" in html.unescape(allowed.text)
        (number,) = re.findall(
            r'href="/agents/demandes/(\d+)" aria-label="Traiter la demande de Igor Ignoré"', allowed.text
        )
        browser.page = browser.request("GET", f"{portal.url}/agents/demandes/{number}").text
        done = post(browser, f"{portal.url}/agents/demandes/{number}/refuser", {"motif-refus": "Structure dissoute."})
        assert "Demande refusée" in done
        history = html.unescape(browser.request("GET", f"{portal.url}/agents/demandes/{number}").text)
        assert "Refusée" in history and "Structure dissoute." in history and identifier in history
    finally:
        kc_admin.delete_realm_roles_of_user(user_id, [role])
    refused = browser.request("GET", f"{portal.url}/agents/demandes")
    assert refused.status_code == 403 and "Accès refusé" in refused.text
    answer = wait_for(lambda: mails_to(mail, email, "réponse à votre demande"))[-1]["text"]
    assert "n'a pas été acceptée" in answer and "Motif indiqué : Structure dissoute." in answer
