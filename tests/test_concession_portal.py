"""« Rattacher un compte de concession voirie » on the running portal, Keycloak and mail
catcher: the link becomes identity data every member's token carries; brute force from many
accounts and addresses is stopped; nobody writes the link but the adapter; two structures
racing for one concession get exactly one link."""

from __future__ import annotations

import re
import threading
import time
from urllib.parse import urljoin

import pytest
import requests
import sqlalchemy as sa
from portal_adapter.concessions.legacy_rows import label_key
from portal_adapter.concessions.linking import WRONG, Linker
from portal_adapter.db import concession_accounts, concession_links, link_attempts

from devstack.stack import REALM, VOIRIE_ALERT_EMAIL, VOIRIE_CONTACT
from tests.support.accounts import claims, login
from tests.support.concession_http import database, field_error, import_registry, logged_in, submit_link, text
from tests.support.oidc_http import code_flow_tokens
from tests.support.registration_http import person, register, synthetic_siret
from tests.support.structures import structure_member


def organization_concessions(kc_admin, organization_id: str) -> list[str]:
    return sorted(kc_admin.get_organization(organization_id).get("attributes", {}).get("concessions", []))


def fresh_claims(portal, username: str, secrets) -> dict:
    """The claims of a token issued now (a new login), as a relying app would get them."""
    return claims(login(portal.url, username), secrets)


def test_an_admin_links_with_the_right_code_and_every_member_gets_the_claim(portal, kc_admin, secrets, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Eau Nord", "0427"))
    admin = structure_member(kc_admin)
    colleague = structure_member(kc_admin, admin.siret, profile="standard")
    browser = logged_in(portal.url, admin.username)
    assert "Aucun compte n'est rattaché" in text(browser.request("GET", f"{portal.url}/tableau-de-bord"))

    dashboard = submit_link(browser, portal.url, label.lower(), "0427")  # case does not matter
    assert dashboard.url.endswith("/tableau-de-bord")
    page = text(dashboard)
    assert f"Le compte « {label} » a été rattaché à votre structure." in page
    assert "Consulter vos demandes d'autorisation" in page and "Demander une autorisation d'ouverture de voirie" in page

    [value] = organization_concessions(kc_admin, admin.organization_id)
    public_id = value.split("|")[0]
    assert value == f"{public_id}|{label}" and public_id.startswith("ECR-")
    for username in (admin.username, colleague.username):
        linked = fresh_claims(portal, username, secrets)
        assert linked["concessions"] == [{"id": public_id, "label": label}]
        assert linked["concession_ids"] == [public_id]
    # the colleague (standard profile) sees the démarches, but cannot link or detach
    member = logged_in(portal.url, colleague.username)
    assert "Consulter vos demandes d'autorisation" in text(member.request("GET", f"{portal.url}/tableau-de-bord"))
    assert member.request("GET", f"{portal.url}/concessions/rattacher").status_code == 403

    # the administrator detaches it: « Détacher » asks first, then the menu closes, the identity forgets it
    page = text(browser.request("GET", f"{portal.url}/tableau-de-bord"))
    confirmation = re.search(
        r'<a class="button secondary" href="([^"]+)"\s+aria-label="Détacher le compte', page
    ).group(1)
    asked = browser.request("GET", urljoin(portal.url, confirmation))
    assert asked.status_code == 200 and f"Détacher le compte « {label} » ?" in text(asked)
    assert organization_concessions(kc_admin, admin.organization_id) == [value]  # the first click changed nothing
    token = re.search(r'name="csrf_token" value="([^"]+)"', asked.text).group(1)
    assert browser.request("POST", f"{portal.url}/concessions/{public_id}/detacher", {}).status_code == 400  # CSRF
    after = browser.request("POST", f"{portal.url}/concessions/{public_id}/detacher", {"csrf_token": token})
    assert "Le compte a été détaché de votre structure." in text(after)
    assert "Consulter vos demandes d'autorisation" not in text(after)
    assert organization_concessions(kc_admin, admin.organization_id) == []
    detached = fresh_claims(portal, colleague.username, secrets)
    assert "concessions" not in detached and "concession_ids" not in detached


def test_bad_input_is_refused_next_to_the_field_and_kept(portal, kc_admin, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Gaz Sud", "1111"))
    browser = logged_in(portal.url, structure_member(kc_admin).username)
    for typed, message in (
        ("", "Le code d'accès comporte 4 chiffres, par exemple : 0427."),
        ("12a4", "Le code d'accès comporte 4 chiffres, par exemple : 0427."),
        ("12345", "Le code d'accès comporte 4 chiffres, par exemple : 0427."),
    ):
        response = submit_link(browser, portal.url, label, typed)
        assert response.status_code == 400
        assert field_error(response.text, "code") == message
        assert f'value="{label}"' in text(response)  # what was typed is kept
        if typed:
            assert typed not in text(response)  # but never the code
        assert 'class="champ-long"' in response.text  # the label's field is as wide as labels
    response = submit_link(browser, portal.url, "   ", "1111")
    assert (
        field_error(response.text, "intitule")
        == "Indiquez l'intitulé du compte utilisé sur l'Espace Concessionnaires Réseaux."
    )
    wrong_label = submit_link(browser, portal.url, label + " X", "1111")
    wrong_code = submit_link(browser, portal.url, label, "1112")
    assert field_error(wrong_label.text, "code") == field_error(wrong_code.text, "code") == WRONG  # one message
    assert "Traceback" not in wrong_code.text
    assert VOIRIE_CONTACT in text(wrong_code)  # the way out, with the service's contact


def test_a_brute_force_campaign_from_many_accounts_and_addresses_gets_three_tries(portal, kc_admin, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Telecom Campagne", "5821"))
    attackers = [structure_member(kc_admin) for _ in range(12)]
    statuses = []
    guesses = iter(f"{n:04d}" for n in range(10000) if n != 5821)
    for n, attacker in enumerate(attackers):
        browser = logged_in(portal.url, attacker.username)
        for k in range(4):  # each account from several addresses
            browser.session.headers["X-Forwarded-For"] = f"198.51.100.{n * 4 + k + 1}"
            response = submit_link(browser, portal.url, label, next(guesses))
            statuses.append(response.status_code)
            assert not response.url.endswith("/tableau-de-bord")
            assert field_error(response.text, "code") == WRONG and "Retry-After" not in response.headers
    assert statuses == [400] * 48  # a blocked concession is answered like a wrong code: no label oracle
    # even the right code waits for the block to end
    owner = logged_in(portal.url, structure_member(kc_admin).username, ip="203.0.113.7")
    assert field_error(submit_link(owner, portal.url, label, "5821").text, "code") == WRONG

    engine = database(portal)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(link_attempts).where(link_attempts.c.label == label.lower())).fetchall()
        assert len(rows) == 49  # every attempt audited
        assert sorted(r.result for r in rows) == ["blocked"] * 46 + ["failure"] * 3  # staff see what happened
        assert {r.ip for r in rows} >= {f"198.51.100.{i}" for i in range(1, 49)} | {"203.0.113.7"}
        assert {r.siret for r in rows} >= {a.siret for a in attackers}
        assert all("5821" not in str(tuple(r)) for r in rows)  # never the code
        assert (
            connection.execute(
                sa.select(sa.func.count())
                .select_from(concession_links)
                .where(concession_links.c.account_id == rows[0].account_id)
            ).scalar_one()
            == 0
        )
    engine.dispose()


def test_two_structures_racing_for_one_concession_get_exactly_one_link(portal, kc_admin, mail, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Chauffage Course", "2468"))
    first, second = structure_member(kc_admin), structure_member(kc_admin)
    browsers = [logged_in(portal.url, m.username) for m in (first, second)]
    forms = [b.request("GET", f"{portal.url}/concessions/rattacher").text for b in browsers]
    barrier = threading.Barrier(2)
    results: dict[int, requests.Response] = {}

    def race(i: int) -> None:
        token = re.search(r'name="csrf_token" value="([^"]+)"', forms[i]).group(1)
        barrier.wait()
        results[i] = browsers[i].request(
            "POST", f"{portal.url}/concessions/rattacher", {"csrf_token": token, "intitule": label, "code": "2468"}
        )

    threads = [threading.Thread(target=race, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [i for i, r in results.items() if r.url.endswith("/tableau-de-bord")]
    assert len(winners) == 1
    loser = 1 - winners[0]
    assert results[loser].status_code == 409
    assert "déjà rattaché à une autre structure" in field_error(results[loser].text, "intitule")
    members = (first, second)
    assert len(organization_concessions(kc_admin, members[winners[0]].organization_id)) == 1
    assert organization_concessions(kc_admin, members[loser].organization_id) == []
    # the metropolis's road-works service is told
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        alerts = [
            m
            for m in mail.messages()
            if any(t["address"] == VOIRIE_ALERT_EMAIL for t in m["to"]) and label in m["subject"]
        ]
        if alerts:
            break
        time.sleep(0.3)
    assert alerts and members[loser].siret in alerts[0]["text"]
    assert members[loser].username in alerts[0]["text"]  # who, as people read it
    assert members[loser].user_id not in alerts[0]["text"]  # not a UUID


def test_two_administrators_of_one_structure_linking_at_once_keep_both_links(portal, kc_admin, secrets, tmp_path):
    labels = import_registry(portal, tmp_path, ("Eau Est", "1357"), ("Gaz Est", "2468"))
    first = structure_member(kc_admin)
    second = structure_member(kc_admin, first.siret)
    browsers = [logged_in(portal.url, m.username) for m in (first, second)]
    barrier = threading.Barrier(2)

    def link(i: int, code: str) -> None:
        form = browsers[i].request("GET", f"{portal.url}/concessions/rattacher").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        barrier.wait()
        browsers[i].request(
            "POST", f"{portal.url}/concessions/rattacher", {"csrf_token": token, "intitule": labels[i], "code": code}
        )

    threads = [threading.Thread(target=link, args=(i, code)) for i, code in enumerate(("1357", "2468"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    values = organization_concessions(kc_admin, first.organization_id)
    assert sorted(v.split("|", 1)[1] for v in values) == sorted(labels)
    assert len(fresh_claims(portal, first.username, secrets)["concessions"]) == 2


def _account_api_token(keycloak_url: str, username: str) -> str:
    """A token of the account console (public client, PKCE), obtained as the console does."""
    return code_flow_tokens(keycloak_url, "account-console", f"{keycloak_url}/realms/{REALM}/account/", username)[
        "access_token"
    ]


@pytest.fixture
def linked_member(portal, kc_admin, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Eclairage Garde", "8080"))
    admin = structure_member(kc_admin)
    assert submit_link(logged_in(portal.url, admin.username), portal.url, label, "8080").url.endswith(
        "/tableau-de-bord"
    )
    return admin, organization_concessions(kc_admin, admin.organization_id)


def test_the_account_rest_api_cannot_write_the_link(portal, keycloak, kc_admin, secrets, linked_member):
    member, before = linked_member
    token_before = fresh_claims(portal, member.username, secrets)["concessions"]
    headers = {
        "Authorization": f"Bearer {_account_api_token(keycloak.url, member.username)}",
        "Accept": "application/json",
    }
    account = f"{keycloak.url}/realms/{REALM}/account/"
    # the permitted path works: the account console's API reads the profile and changes the first name
    read = requests.get(account, params={"userProfileMetadata": "true"}, headers=headers, timeout=10)
    assert read.status_code == 200, read.text
    me = read.json()
    assert me["username"] == member.username
    editable = {a["name"] for a in me["userProfileMetadata"]["attributes"] if not a["readOnly"]}
    assert {"firstName", "lastName", "email"} <= editable
    assert not editable & {"structureSiret", "cguVersion", "cguTextSha256", "cguAcceptedAt", "username"}
    me.pop("userProfileMetadata")
    renamed = requests.post(account, json={**me, "firstName": "Renommée"}, headers=headers, timeout=10)
    assert renamed.status_code == 204, renamed.text
    assert kc_admin.get_user(member.user_id)["firstName"] == "Renommée"

    # the forbidden one: the same API, the same token, with the protected attributes forged
    forged = {
        **me,
        "firstName": "Forgée",
        "attributes": {
            **me.get("attributes", {}),
            "concessions": ["ECR-9999|FORGED"],
            "concessionLinks": ["ECR-9999|FORGED"],
            "structureSiret": ["99999999999999"],
            "cguVersion": ["0"],
            "cguAcceptedAt": ["2000-01-01T00:00:00Z"],
            "harianeAdmin": ["true"],
        },
    }
    answer = requests.post(account, json=forged, headers=headers, timeout=10)
    assert answer.status_code == 400, answer.text
    refused = {error["field"] for error in answer.json()["errors"]}
    assert {"structureSiret", "cguVersion", "cguAcceptedAt"} <= refused, answer.text
    user = kc_admin.get_user(member.user_id)
    assert user["firstName"] == "Renommée"  # the whole forged update was refused
    stored = user["attributes"]
    assert stored.get("structureSiret") == [member.siret]
    assert stored.get("cguVersion") != ["0"] and stored.get("cguAcceptedAt") != ["2000-01-01T00:00:00Z"]
    forgeable = (n for n in stored if n != "harianeLastLoginDate")  # that one the login itself writes
    assert not any(name.startswith(("concession", "hariane")) for name in forgeable)
    attributes = requests.get(account, headers=headers, timeout=10).json().get("attributes", {})
    assert "concessions" not in attributes and "concessionLinks" not in attributes
    assert organization_concessions(kc_admin, member.organization_id) == before
    assert fresh_claims(portal, member.username, secrets)["concessions"] == token_before
    # the organization itself is out of the user's reach
    organization = f"{keycloak.url}/admin/realms/{REALM}/organizations/{member.organization_id}"
    assert (
        requests.put(
            organization, json={"attributes": {"concessions": ["X|Y"]}}, headers=headers, timeout=10
        ).status_code
        == 403
    )


def test_the_registration_form_cannot_write_the_link(portal, kc_admin, mail):
    siret = synthetic_siret()
    forged = {
        "concessions": "ECR-0001|FORGED",
        "user.attributes.concessions": "ECR-0001|FORGED",
        "concessionLinks": "ECR-0001|FORGED",
        "attributes.concessions": "ECR-0001|FORGED",
    }
    client = register(portal.url, siret, person("Eve", "Forge") | forged, extra=forged)  # every step
    assert client.identifier()
    organization = next(o for o in kc_admin.get_organizations({"search": siret}) if o["alias"] == siret)
    assert "concessions" not in kc_admin.get_organization(organization["id"]).get("attributes", {})
    user = kc_admin.get_user(kc_admin.get_user_id(client.identifier()))
    assert not any(name.startswith("concession") for name in user.get("attributes", {}))


def test_a_hard_lock_tells_the_service_and_the_holding_structures_administrators(kc_admin, adapter_admin, mail):
    from portal_adapter.concessions import alerts
    from portal_adapter.config import Settings

    holder = structure_member(kc_admin)
    email = kc_admin.get_user(holder.user_id)["email"]
    settings = Settings(
        env="test", smtp_host="127.0.0.1", smtp_port=mail.smtp_port, voirie_alert_email=VOIRIE_ALERT_EMAIL
    )
    label = f"Compte verrouille {holder.siret}"
    alerts.hard_locked(settings, adapter_admin, label=label, holder_siret=holder.siret)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        sent = {t["address"]: m for m in mail.messages() if label in m["text"] for t in m["to"]}
        if VOIRIE_ALERT_EMAIL in sent and email in sent:
            break
        time.sleep(0.3)
    assert "concessions unlock" in sent[VOIRIE_ALERT_EMAIL]["text"]
    assert sent[email]["subject"] == "Hariane PRO : votre compte de concession voirie a été bloqué"


def _answer(response) -> tuple:
    """What an answer tells: status, the error region's text, the header names."""
    return (
        response.status_code,
        field_error(response.text, "code"),
        field_error(response.text, "intitule"),
        sorted(name.lower() for name in response.headers),
    )


def _sent_to(mail, address: str, needle: str, seconds: float = 15) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in mail.messages() if any(t["address"] == address for t in m["to"]) and needle in m["subject"]]
        if found:
            return found
        time.sleep(0.3)
    return []


def test_the_answer_to_a_blocked_real_label_equals_the_answer_to_an_unknown_label(portal, kc_admin, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Eclairage Bloque", "6543"))
    unknown = label.replace("Bloque", "Bloqeu")
    visitor = logged_in(portal.url, structure_member(kc_admin).username, ip="203.0.113.40")
    first = submit_link(visitor, portal.url, label, "6543")
    assert first.url.endswith("/tableau-de-bord")  # the permitted path: the right code links
    engine = database(portal)
    with engine.begin() as connection:  # detached again, for the test
        connection.execute(
            sa.delete(concession_links).where(
                concession_links.c.account_id.in_(
                    sa.select(concession_accounts.c.id).where(concession_accounts.c.key == label_key(label))
                )
            )
        )
    engine.dispose()
    for n in range(3):  # three wrong codes from three people: the concession is blocked for 15 minutes
        attacker = logged_in(portal.url, structure_member(kc_admin).username, ip=f"203.0.113.{41 + n}")
        submit_link(attacker, portal.url, label, f"{n:04d}")
    visitor = logged_in(portal.url, structure_member(kc_admin).username, ip="203.0.113.45")
    blocked = submit_link(visitor, portal.url, label, "6543")
    never_existed = submit_link(visitor, portal.url, unknown, "6543")
    assert _answer(blocked) == _answer(never_existed)
    assert _answer(blocked)[:3] == (400, WRONG, None)
    assert VOIRIE_CONTACT in text(blocked)  # the way out for the real owner


def test_a_hard_lock_quotes_the_registrys_label_and_is_answered_like_an_unknown_label(portal, kc_admin, mail, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("L'Eclairage Verrou", "6543"))
    holder = structure_member(kc_admin)
    assert submit_link(logged_in(portal.url, holder.username), portal.url, label, "6543").url.endswith(
        "/tableau-de-bord"
    )
    engine = database(portal)
    pepper = portal.env["CONCESSION_CODE_PEPPER"].encode()
    for n in range(9):  # nine failures over the last hours, never three within 15 minutes
        Linker(engine, pepper, clock=lambda n=n: time.time() - 20 * 60 * (n + 1)).attempt(
            user_id=f"old{n}", siret=f"9990000{n:07d}", ip=f"198.51.100.{200 + n}", label=label, code=f"{n + 10:04d}"
        )
    engine.dispose()
    typed = label.lower().replace("'", "’")  # as a phone types it: the same concession
    attacker = logged_in(portal.url, structure_member(kc_admin).username, ip="203.0.113.60")
    assert field_error(submit_link(attacker, portal.url, typed, "0999").text, "code") == WRONG  # the 10th failure

    [to_service] = _sent_to(mail, VOIRIE_ALERT_EMAIL, f"« {label} » bloqué")  # the registry's label, not the typed one
    assert typed not in to_service["text"]
    [to_holder] = _sent_to(mail, kc_admin.get_user(holder.user_id)["email"], "bloqué")
    assert f"« {label} »" in to_holder["text"] and VOIRIE_CONTACT in to_holder["text"]

    visitor = logged_in(portal.url, structure_member(kc_admin).username, ip="203.0.113.61")
    locked = submit_link(visitor, portal.url, label, "6543")  # even the right code
    never_existed = submit_link(visitor, portal.url, label + " X", "6543")
    assert _answer(locked) == _answer(never_existed)
    assert _answer(locked)[:3] == (400, WRONG, None)
