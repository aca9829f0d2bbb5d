"""« Supprimer mon compte » and « Télécharger mes données » on the running portal, Keycloak, the
mail catcher and Chromium (docs/account-deletion.md, docs/personal-data-export.md): a member
confirms with their password and is gone (login refused, administrators e-mailed, the adapter's
records erased); the last administrator of a structure with other members is told to name
another one first, and may delete once there is one (confirmed by the second factor); the data
export carries the expected fields and never a code, a hash, a secret or a token; axe-core
finds no serious or critical violation on the new pages."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import sqlalchemy as sa
from portal_adapter.db import concession_accounts, link_attempts, login_sessions
from portal_adapter.notices.messages import KINDS, SUBJECT_PREFIX
from portal_adapter.personal_data import DELETED_ID, DELETED_LABEL
from portal_adapter.web.step_up import PASSWORD_ABANDONED

from tests.support.accounts import PASSWORD, wait_for_mail
from tests.support.browser_steps import KEYCLOAK_LOGIN_BUTTON, serious_violations
from tests.support.concession_http import database, import_registry
from tests.support.step_up import login_with_factor, member_with_totp
from tests.support.structures import structure_member

MEMBER_DELETED = SUBJECT_PREFIX + KINDS["member_deleted"].subject
ACCOUNT_DELETED = SUBJECT_PREFIX + KINDS["account_deleted"].subject


def password_login(page, portal_url: str, username: str) -> None:
    page.goto(f"{portal_url}/connexion")
    page.get_by_label("Identifiant ou courriel").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=KEYCLOAK_LOGIN_BUTTON).click()


def link_concession(page, portal_url: str, label: str, code: str) -> None:
    page.goto(f"{portal_url}/concessions/rattacher")
    page.get_by_label("Intitulé du compte").fill(label)
    page.get_by_label("Code d'accès à 4 chiffres").fill(code)
    page.get_by_role("button", name="Rattacher le compte").click()
    page.wait_for_url("**/tableau-de-bord")


def sessions_of(portal, user_id: str) -> int:
    engine = database(portal)
    with engine.connect() as connection:
        count = connection.execute(
            sa.select(sa.func.count()).select_from(login_sessions).where(login_sessions.c.sub == user_id)
        ).scalar_one()
    engine.dispose()
    return count


def users_named(kc_admin, username: str) -> list[dict]:
    return [u for u in kc_admin.get_users({"username": username, "exact": "true"}) if u["username"] == username]


def test_a_member_deletes_their_account_with_their_password_and_can_no_longer_log_in(portal, kc_admin, mail, page):
    admin = member_with_totp(kc_admin)
    member = structure_member(kc_admin, admin.siret, profile="standard")
    password_login(page, portal.url, member.username)
    page.wait_for_url("**/tableau-de-bord")
    assert sessions_of(portal, member.user_id) == 1

    page.get_by_role("link", name="Supprimer mon compte").click()
    page.wait_for_url("**/mon-compte/supprimer")
    assert "définitive" in page.locator("main").inner_text()
    assert serious_violations(page) == []
    # back on the form without giving the password: nothing is deleted
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    page.get_by_label("Mot de passe", exact=True).wait_for()
    page.goto(f"{portal.url}/mon-compte/supprimer")
    assert PASSWORD_ABANDONED in page.locator("main").inner_text()
    assert users_named(kc_admin, member.username)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()

    # Keycloak asks for the password again (prompt=login), the identifier given
    password = page.get_by_label("Mot de passe", exact=True)
    password.wait_for()
    assert "prompt=login" in page.url
    assert "Merci de vous authentifier à nouveau" in page.locator("body").inner_text()
    password.fill(PASSWORD)
    page.get_by_role("button", name=KEYCLOAK_LOGIN_BUTTON, exact=True).click()
    page.wait_for_url("**/compte-supprime")
    assert "Votre compte a été supprimé" in page.locator("h1").inner_text()
    assert serious_violations(page) == []

    assert users_named(kc_admin, member.username) == []
    assert sessions_of(portal, member.user_id) == 0
    notice = wait_for_mail(mail, admin.email, subject=MEMBER_DELETED)
    assert member.username in notice["text"] and "supprimé son compte" in notice["text"]
    # logged out: the dashboard asks for a login again, and the login is refused
    page.goto(f"{portal.url}/tableau-de-bord")
    page.get_by_label("Identifiant ou courriel").wait_for()
    page.get_by_label("Identifiant ou courriel").fill(member.username)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=KEYCLOAK_LOGIN_BUTTON).click()
    page.locator("#input-error, .kc-feedback-text, [role=alert]").first.wait_for()
    assert "/tableau-de-bord" not in page.url


def test_the_last_administrator_is_told_to_name_another_one_then_may_delete_with_the_second_factor(
    portal, kc_admin, mail, page
):
    admin = member_with_totp(kc_admin)
    colleague = structure_member(kc_admin, admin.siret, profile="standard")
    login_with_factor(page, portal.url, admin)

    page.goto(f"{portal.url}/mon-compte/supprimer")
    refusal = page.locator("#refus-suppression").inner_text()
    assert "seul administrateur" in refusal and "nommez d'abord un autre administrateur" in refusal
    assert page.get_by_role("button", name="Supprimer définitivement mon compte").count() == 0
    assert (
        page.get_by_role("link", name="Gestion des utilisateurs")
        .last.get_attribute("href")
        .endswith("/structure/utilisateurs")
    )
    assert serious_violations(page) == []
    # a forged submission is refused too, and nothing is deleted
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    forged = page.request.post(f"{portal.url}/mon-compte/supprimer", form={"csrf_token": token})
    assert forged.status == 409 and "nommez d'abord un autre administrateur" in html.unescape(forged.text())
    assert users_named(kc_admin, admin.username)

    # Another administrator named: the deletion goes, confirmed by the login's recent factor.
    kc_admin.group_user_add(colleague.user_id, kc_admin.get_group_by_path("/admin")["id"])
    page.goto(f"{portal.url}/mon-compte/supprimer")
    assert "votre second facteur" in page.locator("main").inner_text()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    page.wait_for_url("**/compte-supprime")
    assert users_named(kc_admin, admin.username) == []
    assert wait_for_mail(mail, admin.email, subject=ACCOUNT_DELETED)
    colleague_email = kc_admin.get_user(colleague.user_id)["email"]
    assert admin.username in wait_for_mail(mail, colleague_email, subject=MEMBER_DELETED)["text"]
    assert kc_admin.get_organization(admin.organization_id)["alias"] == admin.siret  # the structure stays


def test_the_data_export_has_the_expected_fields_and_no_code_hash_or_token(portal, kc_admin, page, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Eau Export", "0427"))
    admin = member_with_totp(kc_admin)
    login_with_factor(page, portal.url, admin)
    link_concession(page, portal.url, label, "0427")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger mes données").click()
    download = download_info.value
    assert re.fullmatch(r"hariane-pro-mes-donnees-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    raw = Path(download.path()).read_text(encoding="utf-8")
    data = json.loads(raw)

    account = data["compte"]
    assert account["identifiant"] == admin.username and account["courriel"] == admin.email
    assert account["prenom"] == admin.first_name and account["nom"] == admin.last_name
    assert account["fonction"] == "Responsable des travaux" and account["lettre_d_information"] is False
    assert account["profil"] == "admin" and {c["type"] for c in account["moyens_de_connexion"]} >= {"password", "otp"}
    assert set(data["conditions_generales"]) == {"version", "empreinte_sha256_du_texte", "acceptees_le"}
    assert data["structure"]["siret"] == admin.siret
    journal = data["journal"]
    assert [a["resultat"] for a in journal["essais_de_rattachement"]] == ["success"]
    assert journal["essais_de_rattachement"][0]["intitule_saisi"].lower() == label.lower()
    assert journal["rattachements_faits"][0]["intitule"] == label
    assert journal["connexions_au_portail"][0]["niveau"] == "mfa"
    administration = data["administration"]
    assert [m["identifiant"] for m in administration["utilisateurs"]] == [admin.username]
    assert [a["intitule"] for a in administration["comptes_de_concession_rattaches"]] == [label]

    # never a code, a hash, a secret, a token or a session key
    engine = database(portal)
    with engine.connect() as connection:
        digest = connection.execute(
            sa.select(concession_accounts.c.code_digest).where(concession_accounts.c.label == label)
        ).scalar_one()
        session_key = connection.execute(
            sa.select(login_sessions.c.key).where(login_sessions.c.sub == admin.user_id)
        ).scalar_one()
    engine.dispose()
    assert "0427" not in raw and digest not in raw and session_key not in raw
    for forbidden in ("$argon2", "pbkdf2", "eyJ", "secretData", "code_digest", "token", "hashedSaltedValue"):
        assert forbidden.lower() not in raw.lower(), forbidden


def test_the_adapter_records_of_a_deleted_person_are_anonymous(portal, kc_admin, page, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Gaz Efface", "0815"))
    admin = member_with_totp(kc_admin)
    login_with_factor(page, portal.url, admin)
    link_concession(page, portal.url, label, "0815")

    page.goto(f"{portal.url}/mon-compte/supprimer")  # alone in the structure: permitted
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    page.wait_for_url("**/compte-supprime")
    engine = database(portal)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(link_attempts).where(link_attempts.c.label.ilike(label))).all()
    engine.dispose()
    assert rows and all(r.user_id == DELETED_ID and r.actor == DELETED_LABEL for r in rows)
    assert kc_admin.get_organization(admin.organization_id)["alias"] == admin.siret  # the structure stays
