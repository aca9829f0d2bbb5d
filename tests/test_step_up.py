"""Step-up on the running portal, Keycloak (the realm's LoA flow), mail catcher and Chromium:
linking or detaching a concession, changing a profile and resetting a member's second factor
need the second factor within the last 15 minutes; past that, the portal sends the browser
through Keycloak, which asks for the factor only, and the submission resumes with nothing
typed lost; an abandoned or refused step-up stores nothing. « Réinitialiser le second
facteur »: the member re-enrols at the next login, both get the e-mail, and nobody outside
the structure is reset."""

from __future__ import annotations

import html
import re
import time
from urllib.parse import parse_qs, urlparse

import pyotp
import sqlalchemy as sa
from portal_adapter.db import login_sessions, second_factor_resets, step_up_pending
from portal_adapter.notices.messages import KINDS, SUBJECT_PREFIX
from portal_adapter.web.step_up import ABANDONED, REFUSED

from tests.support.accounts import PASSWORD, csrf, login, management, post, wait_for_mail
from tests.support.browser_steps import keycloak_login, portal_session
from tests.support.concession_http import database, import_registry
from tests.support.second_factor import SECRETS, pass_second_factor
from tests.support.step_up import (
    age_last_authentication,
    enter_totp,
    login_with_factor,
    member_with_totp,
    realm_loa_mfa_max_age,
)

FIFTEEN_MINUTES_AND_MORE = 1000  # seconds the tests age a login's second factor by


def organization_concessions(kc_admin, organization_id: str) -> list[str]:
    return sorted(kc_admin.get_organization(organization_id).get("attributes", {}).get("concessions", []))


def fill_link_form(page, portal_url: str, label: str, code: str) -> None:
    page.goto(f"{portal_url}/concessions/rattacher")
    page.get_by_label("Intitulé du compte").fill(label)
    page.get_by_label("Code d'accès à 4 chiffres").fill(code)
    page.get_by_role("button", name="Rattacher le compte").click()


def last_authentication(portal, user_id: str) -> tuple[str, float]:
    engine = database(portal)
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(login_sessions.c.acr, login_sessions.c.auth_time).where(login_sessions.c.sub == user_id)
        ).one()
    engine.dispose()
    return row.acr, row.auth_time


def pending_forms(portal) -> int:
    engine = database(portal)
    with engine.connect() as connection:
        count = connection.execute(sa.select(sa.func.count()).select_from(step_up_pending)).scalar_one()
    engine.dispose()
    return count


def test_the_link_form_asks_for_the_second_factor_after_15_minutes_and_keeps_what_was_typed(
    portal, kc_admin, page, secrets, tmp_path
):
    first, second = import_registry(portal, tmp_path, ("Eau Etape", "0427"), ("Gaz Etape", "0815"))
    admin = member_with_totp(kc_admin)
    login_with_factor(page, portal.url, admin)
    acr, auth_time = last_authentication(portal, admin.user_id)
    assert acr == "mfa" and time.time() - auth_time < 120  # the portal kept the ID token's acr and auth_time

    # Within 15 minutes of the login's second factor: the link happens at once, no detour.
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    fill_link_form(page, portal.url, first, "0427")
    page.wait_for_url("**/tableau-de-bord")
    assert f"Le compte « {first} » a été rattaché à votre structure." in page.locator("main").inner_text()
    assert not any("/realms/" in url for url in visited)

    # Older than 15 minutes (the portal's record and the realm's clock both say so).
    age_last_authentication(portal, admin.user_id, FIFTEEN_MINUTES_AND_MORE)
    with realm_loa_mfa_max_age(kc_admin, 1):
        time.sleep(2)
        visited.clear()
        fill_link_form(page, portal.url, second.lower(), "0815")
        page.locator("#otp").wait_for()  # Keycloak asks for the second factor...
        assert page.locator("input[type=password]").count() == 0  # ...and not for the password again
        assert parse_qs(urlparse(next(u for u in visited if "/protocol/openid-connect/auth" in u)).query)[
            "acr_values"
        ] == ["mfa"]
        assert portal_session(page.context, secrets["PORTAL_SECRET_KEY"])["step_up"]["pending"]
        assert "0815" not in str(portal_session(page.context, secrets["PORTAL_SECRET_KEY"]))  # never in the cookie
        enter_totp(page, admin)
        page.wait_for_url("**/tableau-de-bord")
    # The submission resumed as typed: the second account is linked, nothing typed again.
    assert f"Le compte « {second} » a été rattaché à votre structure." in page.locator("main").inner_text()
    assert len(organization_concessions(kc_admin, admin.organization_id)) == 2
    assert not any("0815" in url for url in visited)  # the code never went into a URL
    acr, auth_time = last_authentication(portal, admin.user_id)
    assert acr == "mfa" and time.time() - auth_time < 60  # Keycloak's auth_time: the step-up's
    assert pending_forms(portal) == 0  # one-time: nothing left behind


def test_an_abandoned_or_refused_step_up_goes_back_to_the_form_and_stores_nothing(portal, kc_admin, page, tmp_path):
    label, other = import_registry(portal, tmp_path, ("Chaleur Etape", "2468"), ("Froid Etape", "1357"))
    admin = member_with_totp(kc_admin)
    login_with_factor(page, portal.url, admin)
    fill_link_form(page, portal.url, label, "2468")
    page.wait_for_url("**/tableau-de-bord")
    public_id = organization_concessions(kc_admin, admin.organization_id)[0].split("|")[0]

    age_last_authentication(portal, admin.user_id, FIFTEEN_MINUTES_AND_MORE)
    with realm_loa_mfa_max_age(kc_admin, 1):
        time.sleep(2)
        # Permitted: « Détacher » past 15 minutes goes through the factor, then detaches.
        page.goto(f"{portal.url}/concessions/{public_id}/detacher")
        page.get_by_role("button", name="Détacher le compte").click()
        enter_totp(page, admin)
        page.wait_for_url("**/tableau-de-bord")
        assert "Le compte a été détaché de votre structure." in page.locator("main").inner_text()
        assert organization_concessions(kc_admin, admin.organization_id) == []

        # Abandoned: back to the form from Keycloak's page without the factor.
        age_last_authentication(portal, admin.user_id, FIFTEEN_MINUTES_AND_MORE)
        time.sleep(2)
        fill_link_form(page, portal.url, other, "1357")
        page.locator("#otp").wait_for()
        page.goto(f"{portal.url}/concessions/rattacher")
        assert ABANDONED in page.locator("main").inner_text()
        assert page.get_by_label("Intitulé du compte").input_value() == other  # the label is kept
        assert page.get_by_label("Code d'accès à 4 chiffres").input_value() == ""  # never the code
        assert pending_forms(portal) == 0

        # Refused: Keycloak answers with an error (as when the person cancels).
        fill_link_form(page, portal.url, other, "1357")
        page.locator("#otp").wait_for()
        state = parse_qs(urlparse(page.url).query).get("state") or re.findall(r"state=([^&\"']+)", page.content())
        page.goto(f"{portal.url}/auth/callback?error=access_denied&state={state[0]}")
        page.wait_for_url("**/concessions/rattacher")
        assert REFUSED in page.locator("main").inner_text()
        assert page.get_by_label("Intitulé du compte").input_value() == other
        assert pending_forms(portal) == 0
    assert organization_concessions(kc_admin, admin.organization_id) == []  # nothing linked


def test_an_admin_resets_a_members_second_factor_both_are_told_and_the_member_re_enrols(
    portal, kc_admin, mail, page, browser
):
    admin = member_with_totp(kc_admin, first="Adele")
    member = member_with_totp(kc_admin, admin.siret, profile="privileged", first="Marc")
    outsider = member_with_totp(kc_admin, profile="privileged", first="Oscar")
    login_with_factor(page, portal.url, admin)
    mail.clear()

    page.goto(f"{portal.url}/structure/utilisateurs")
    page.get_by_role("link", name=f"Réinitialiser le second facteur : {member.username}").click()
    assert page.get_by_role("heading", name="Réinitialiser le second facteur").is_visible()
    page.get_by_role("button", name="Réinitialiser le second facteur").click()
    page.wait_for_url("**/structure/utilisateurs")
    assert (
        f"Le second facteur de {member.first_name} {member.last_name} a été réinitialisé"
        in page.locator("main").inner_text()
    )
    credentials = {c["type"] for c in kc_admin.get_credentials(member.user_id)}
    assert credentials == {"password"}
    engine = database(portal)
    with engine.connect() as connection:
        audit = connection.execute(
            sa.select(second_factor_resets).where(second_factor_resets.c.member_id == member.user_id)
        ).one()
    engine.dispose()
    assert audit.actor_id == admin.user_id and audit.actor.startswith(admin.username) and audit.removed == "otp"
    assert time.time() - audit.at < 120 and audit.siret == admin.siret

    # Both are told, in French, with nothing that signs anyone in.
    to_member = wait_for_mail(mail, member.email, subject=SUBJECT_PREFIX + KINDS["factor_reset"].subject)
    to_admin = wait_for_mail(mail, admin.email, subject=SUBJECT_PREFIX + KINDS["factor_reset_by_you"].subject)
    assert "enregistrer un nouveau second facteur" in to_member["text"]
    assert member.username in to_admin["text"] and "Adele" in to_member["text"]
    for message in (to_member, to_admin):
        links = message["text"].replace(portal.env.get("HARIANE_HELP_URL", "§"), "").replace(portal.url, "")
        assert "http://" not in links  # the portal's address and the help, never a link that signs in
        totp = pyotp.TOTP(SECRETS[member.username])
        assert not any(totp.at(time.time() + 30 * k) in message["text"] for k in range(-20, 2))  # no code

    # The member's next login: password, then the enrolment of a new factor (no code asked).
    member_page = browser.new_context(locale="fr-FR").new_page()
    member_page.goto(f"{portal.url}/connexion")
    keycloak_login(member_page, member.username, PASSWORD, factor=False)
    member_page.locator("#ha-second-factor").wait_for()  # « Protéger votre compte »: enrol a new factor
    assert member_page.locator("#otp").count() == 0 and "/tableau-de-bord" not in member_page.url
    member_page.context.close()

    # Not a member of another structure: a French 403, and the outsider's factor stays.
    token = page_csrf(page, portal.url)
    confirmation = page.goto(
        f"{portal.url}/structure/utilisateurs/{outsider.user_id}/reinitialiser-second-facteur/confirmer"
    )
    assert confirmation.status == 403 and "Accès refusé" in page.locator("main").inner_text()
    posted = page.request.post(
        f"{portal.url}/structure/utilisateurs/{outsider.user_id}/reinitialiser-second-facteur",
        form={"csrf_token": token},
    )
    assert posted.status == 403 and "Accès refusé" in posted.text()
    assert {c["type"] for c in kc_admin.get_credentials(outsider.user_id)} == {"password", "otp"}


def page_csrf(page, portal_url: str) -> str:
    page.goto(f"{portal_url}/structure/utilisateurs")
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def test_a_profile_change_past_15_minutes_goes_through_the_factor_then_applies(portal, kc_admin):
    admin = member_with_totp(kc_admin, first="Paule")
    colleague = member_with_totp(kc_admin, admin.siret, profile="standard", first="Remi")
    browser = login(portal.url, admin.username)  # password, then the app's code
    url = f"{portal.url}/structure/utilisateurs/{colleague.user_id}/profil"

    management(browser, portal.url)
    assert "Le profil a été modifié" in post(browser, url, {"profil": "privileged"})  # at once
    assert [g["name"] for g in kc_admin.get_user_groups(colleague.user_id)] == ["privileged"]

    age_last_authentication(portal, admin.user_id, FIFTEEN_MINUTES_AND_MORE)
    with realm_loa_mfa_max_age(kc_admin, 1):
        time.sleep(2)
        management(browser, portal.url)
        asked = browser.request("POST", url, {"csrf_token": csrf(browser.page), "profil": "standard"})
        assert 'id="kc-otp-login-form"' in asked.text and 'name="password"' not in asked.text
        assert [g["name"] for g in kc_admin.get_user_groups(colleague.user_id)] == ["privileged"]  # not yet
        done = pass_second_factor(asked, admin.username, lambda to, data: browser.request("POST", to, data))
    assert done.url.endswith("/structure/utilisateurs") and "Le profil a été modifié" in html.unescape(done.text)
    assert [g["name"] for g in kc_admin.get_user_groups(colleague.user_id)] == ["standard"]
