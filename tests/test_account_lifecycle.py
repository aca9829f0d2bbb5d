"""``portal-adapter accounts lifecycle`` against the real Keycloak (the extension's login listener
loaded) and the mail catcher, with a moved clock (``--now``): an account is warned at 23 months,
disabled at 24 (its login refused), deleted at 36; a re-run does nothing more; a structure's last
administrator is warned with their own text and its members told when it is disabled. And the
login's own part: the day of the last login written once a day, out of the user's reach."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from keycloak.exceptions import KeycloakGetError

from devstack import paths
from devstack.stack import REALM
from tests.support.accounts import PASSWORD, wait_for_mail
from tests.support.oidc_http import code_flow_tokens, payload, post_login_form
from tests.support.registration_http import synthetic_siret
from tests.support.structures import structure_member

WARNING = "Hariane PRO : votre compte sera désactivé dans 30 jours"
LAST_ADMIN_WARNING = WARNING + " : vous êtes le dernier administrateur de votre structure"
DISABLED = "Hariane PRO : votre compte a été désactivé faute de connexion"
NO_ADMIN = "Hariane PRO : votre structure n'a plus d'administrateur"
LIFECYCLE_SUBJECTS = (WARNING, LAST_ADMIN_WARNING, DISABLED, NO_ADMIN)
ATTRIBUTE = "harianeLastLoginDate"
ACCOUNT_CONSOLE = "account-console"


def today() -> date:
    return datetime.now(UTC).date()


def later(days: int) -> str:
    """The moved clock: ``days`` after today (noon UTC)."""
    return (today() + timedelta(days=days)).isoformat() + "T12:00:00"


def lifecycle(portal, now: str, search: str, *args: str) -> str:
    command = [str(paths.VENV / "bin" / "portal-adapter"), "accounts", "lifecycle", "--now", now]
    done = subprocess.run(
        [*command, "--recherche", search, *args],
        env={**os.environ, **portal.env, "PORTAL_BASE_URL": portal.url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def lifecycle_mails(mail, to: str | None = None) -> list[dict]:
    return [
        m
        for m in mail.messages()
        if m["subject"] in LIFECYCLE_SUBJECTS and (to is None or to in {r["address"] for r in m["to"]})
    ]


def people(kc_admin, token: str, profiles: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Users ``pro.cycle-<token>-<n>.test`` with these profiles in one new structure: (id, username, e-mail)."""
    siret = synthetic_siret()
    made = []
    for n, profile in enumerate(profiles):
        member = structure_member(kc_admin, siret, profile, username=f"pro.cycle-{token}-{n}.test")
        made.append((member.user_id, member.username, kc_admin.get_user(member.user_id)["email"]))
    return made


def login_refused(keycloak_url: str, username: str) -> bool:
    """Keycloak's login form answered again (no code for the client) for the right password."""
    session = requests.Session()
    page = session.get(
        f"{keycloak_url}/realms/{REALM}/protocol/openid-connect/auth",
        params={
            "client_id": ACCOUNT_CONSOLE,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": f"{keycloak_url}/realms/{REALM}/account/",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
        timeout=30,
    )
    answer = post_login_form(session, page, username, PASSWORD)
    return "code=" not in answer.headers.get("Location", "") and answer.status_code == 200


def test_an_inactive_account_is_warned_at_23_months_disabled_at_24_and_deleted_at_36(portal, keycloak, kc_admin, mail):
    token = uuid.uuid4().hex[:8]
    accounts = people(kc_admin, token, ("standard", "standard", "standard"))
    (first_id, first_name, first_email) = accounts[0]
    # the permitted path: the account works, and its login records the day
    assert code_flow_tokens(keycloak.url, ACCOUNT_CONSOLE, f"{keycloak.url}/realms/{REALM}/account/", first_name)
    assert kc_admin.get_user(first_id)["attributes"][ATTRIBUTE] == [today().isoformat()]
    mail.clear()

    # 22 months on: nothing is due
    out = lifecycle(portal, later(690), f"pro.cycle-{token}", "--par-page", "2")
    assert "Bilan : 3 vérifiés, 0 prévenus, 0 désactivés, 0 supprimés, 0 erreurs" in out, out

    # 23 months: each owner warned once, in French, with the day of the disabling
    out = lifecycle(portal, later(701), f"pro.cycle-{token}", "--par-page", "2")
    assert "Bilan : 3 vérifiés, 3 prévenus, 0 désactivés, 0 supprimés, 0 erreurs" in out, out
    warning = wait_for_mail(mail, first_email, subject=WARNING)
    disable_on = (today() + timedelta(days=731)).strftime("%d/%m/%Y")
    assert f"il sera désactivé dans 30 jours, le {disable_on}" in warning["text"], warning["text"]
    assert f"n'avait pas servi depuis le {today().strftime('%d/%m/%Y')}" in warning["text"]
    assert "il suffit de vous connecter à Hariane PRO" in warning["text"]
    assert '<html lang="fr">' in warning["html"]
    assert len(lifecycle_mails(mail)) == 3
    assert all(kc_admin.get_user(user_id)["enabled"] for user_id, _, _ in accounts)

    # a re-run (the same day or later in the notice period) sends nothing more
    out = lifecycle(portal, later(715), f"pro.cycle-{token}", "--par-page", "2")
    assert "Bilan : 3 vérifiés, 0 prévenus, 0 désactivés, 0 supprimés, 0 erreurs" in out, out
    time.sleep(1)
    assert len(lifecycle_mails(mail)) == 3

    # 24 months: disabled, told, and the right password no longer opens the account
    out = lifecycle(portal, later(731), f"pro.cycle-{token}", "--par-page", "2")
    assert "Bilan : 3 vérifiés, 0 prévenus, 3 désactivés, 0 supprimés, 0 erreurs" in out, out
    assert not any(kc_admin.get_user(user_id)["enabled"] for user_id, _, _ in accounts)
    told = wait_for_mail(mail, first_email, subject=DISABLED)
    assert "Vous ne pouvez plus vous connecter" in told["text"]
    assert login_refused(keycloak.url, first_name)
    out = lifecycle(portal, later(731), f"pro.cycle-{token}", "--par-page", "2")
    assert "Bilan : 3 vérifiés, 0 prévenus, 0 désactivés, 0 supprimés, 0 erreurs" in out, out

    # 36 months: deleted, every one of them although each page shrinks as its accounts go
    out = lifecycle(portal, later(1096), f"pro.cycle-{token}", "--par-page", "2")
    assert "Bilan : 3 vérifiés, 0 prévenus, 0 désactivés, 3 supprimés, 0 erreurs" in out, out
    for user_id, _, _ in accounts:
        with pytest.raises(KeycloakGetError):
            kc_admin.get_user(user_id)
    out = lifecycle(portal, later(1096), f"pro.cycle-{token}")
    assert "Bilan : 0 vérifiés, 0 prévenus, 0 désactivés, 0 supprimés, 0 erreurs" in out, out
    assert len(lifecycle_mails(mail)) == 6


def test_a_re_enable_by_staff_restarts_the_clock(portal, kc_admin, mail):
    token = uuid.uuid4().hex[:8]
    ((user_id, _, email),) = people(kc_admin, token, ("standard",))
    lifecycle(portal, later(701), f"pro.cycle-{token}")
    lifecycle(portal, later(731), f"pro.cycle-{token}")
    assert not kc_admin.get_user(user_id)["enabled"]
    user = kc_admin.get_user(user_id)
    kc_admin.update_user(user_id, {**user, "enabled": True})  # staff, in the console
    out = lifecycle(portal, later(740), f"pro.cycle-{token}")
    assert "0 désactivés" in out and kc_admin.get_user(user_id)["enabled"]
    mail.clear()
    out = lifecycle(portal, later(1096), f"pro.cycle-{token}")  # 36 months after the creation, not after the re-enable
    assert "Bilan : 1 vérifiés, 0 prévenus, 0 désactivés, 0 supprimés, 0 erreurs" in out, out
    out = lifecycle(portal, later(740 + 701), f"pro.cycle-{token}")  # 23 months after the re-enable: warned again
    assert "1 prévenus" in out, out
    wait_for_mail(mail, email, subject=WARNING)
    kc_admin.delete_user(user_id)


def test_the_last_administrator_is_warned_first_and_the_members_told_when_nobody_administers(portal, kc_admin, mail):
    mail.clear()
    # the permitted path: an administrator with another active administrator gets the usual warning
    pair = uuid.uuid4().hex[:8]
    (admin_b, _, email_b), (admin_b2, _, email_b2) = people(kc_admin, pair, ("admin", "admin"))
    lifecycle(portal, later(701), f"pro.cycle-{pair}-0")
    assert wait_for_mail(mail, email_b, subject=WARNING)

    # the last administrator of a structure with members: their own warning
    token = uuid.uuid4().hex[:8]
    (admin_id, _, admin_email), (_, _, colleague_email), (_, _, other_email) = people(
        kc_admin, token, ("admin", "standard", "standard")
    )
    out = lifecycle(portal, later(701), f"pro.cycle-{token}-0")
    assert "1 prévenus" in out, out
    warning = wait_for_mail(mail, admin_email, subject=LAST_ADMIN_WARNING)
    assert "Vous êtes le dernier administrateur de votre structure « TEST RESEAUX" in warning["text"]
    assert "nommez d'abord un autre administrateur dans « Gestion des utilisateurs »" in warning["text"]
    assert lifecycle_mails(mail, colleague_email) == [], "the members are not told yet"

    # disabled: nobody administers the structure any more, its members are told what to do
    out = lifecycle(portal, later(731), f"pro.cycle-{token}-0")
    assert "1 désactivés" in out, out
    assert not kc_admin.get_user(admin_id)["enabled"]
    told = wait_for_mail(mail, colleague_email, subject=NO_ADMIN)
    assert "Votre structure n'a plus d'administrateur" in told["text"]
    assert "Lou Lien-" in told["text"] and "contactez l'assistance Hariane PRO" in told["text"]
    assert wait_for_mail(mail, other_email, subject=NO_ADMIN)
    assert lifecycle_mails(mail, email_b2) == [], "another structure's members are not told"
    out = lifecycle(portal, later(731), f"pro.cycle-{token}-0")
    assert "0 désactivés" in out, out
    time.sleep(1)
    assert len(lifecycle_mails(mail, colleague_email)) == 1
    for user_id in (admin_b, admin_b2, admin_id):
        kc_admin.delete_user(user_id)


def test_a_login_records_its_day_once_a_day_out_of_the_users_reach(keycloak, kc_admin, database):
    token = uuid.uuid4().hex[:8]
    ((user_id, username, _),) = people(kc_admin, token, ("standard",))
    assert ATTRIBUTE not in (kc_admin.get_user(user_id).get("attributes") or {})
    redirect = f"{keycloak.url}/realms/{REALM}/account/"

    # the first login of the day writes the day; the tokens do not carry it
    tokens = code_flow_tokens(keycloak.url, ACCOUNT_CONSOLE, redirect, username)
    assert kc_admin.get_user(user_id)["attributes"][ATTRIBUTE] == [today().isoformat()]
    for jwt in (tokens["id_token"], tokens["access_token"]):
        assert ATTRIBUTE not in str(payload(jwt))

    # a day recorded earlier is replaced at the next login
    user = kc_admin.get_user(user_id)
    kc_admin.update_user(user_id, {**user, "attributes": {**user["attributes"], ATTRIBUTE: ["2020-01-01"]}})
    stamp = _attribute_row(database, user_id)
    code_flow_tokens(keycloak.url, ACCOUNT_CONSOLE, redirect, username)
    assert kc_admin.get_user(user_id)["attributes"][ATTRIBUTE] == [today().isoformat()]
    written = _attribute_row(database, user_id)
    assert stamp is None or written != stamp, "PostgreSQL sees the write"

    # a second login the same day changes nothing (the listener does not even call the user's
    # setter: that would invalidate the user in Keycloak's cache; LastLoginDateTest, JUnit)
    tokens = code_flow_tokens(keycloak.url, ACCOUNT_CONSOLE, redirect, username)
    assert kc_admin.get_user(user_id)["attributes"][ATTRIBUTE] == [today().isoformat()]
    assert _attribute_row(database, user_id) == written, "the row was not rewritten"

    # the user reads and changes their first name through the account API, never the day
    account = f"{keycloak.url}/realms/{REALM}/account/"
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
    me = requests.get(account, params={"userProfileMetadata": "true"}, headers=headers, timeout=10).json()
    assert ATTRIBUTE not in (me.get("attributes") or {})
    assert ATTRIBUTE not in {a["name"] for a in me["userProfileMetadata"]["attributes"]}
    me.pop("userProfileMetadata")
    renamed = requests.post(account, json={**me, "firstName": "Renommée"}, headers=headers, timeout=10)
    assert renamed.status_code == 204, renamed.text
    assert kc_admin.get_user(user_id)["firstName"] == "Renommée"
    forged = {**me, "firstName": "Forgée", "attributes": {**(me.get("attributes") or {}), ATTRIBUTE: ["2099-01-01"]}}
    answer = requests.post(account, json=forged, headers=headers, timeout=10)
    assert answer.status_code in (204, 400), answer.text
    stored = kc_admin.get_user(user_id)
    assert stored["attributes"][ATTRIBUTE] == [today().isoformat()]
    kc_admin.delete_user(user_id)


def _attribute_row(database, user_id: str) -> tuple | None:
    """PostgreSQL mode: the attribute's row and its version (``xmin`` changes at every write);
    None with the embedded database."""
    if database.server is None:
        return None
    import sqlalchemy as sa

    engine = sa.create_engine(database.server.sqlalchemy_url("keycloak"))
    try:
        with engine.connect() as connection:
            row = connection.execute(
                sa.text("SELECT id, xmin::text FROM user_attribute WHERE user_id = :u AND name = :n"),
                {"u": user_id, "n": ATTRIBUTE},
            ).one()
    finally:
        engine.dispose()
    return tuple(row)


def test_each_step_is_claimed_once_and_a_crashed_claim_is_taken_over(adapter_database_url):
    """The job's memory (account_lifecycle/steps.py): a run killed after claiming a step (before its
    e-mail was sent) leaves it to the next run once stale; a step done is never done again."""
    from portal_adapter.account_lifecycle import steps

    from portal_adapter import db

    db.upgrade(adapter_database_url)
    engine = db.make_engine(adapter_database_url)
    now = 1_900_000_000.0
    assert steps.claim(engine, "u1", "2026-12-01", "warn", now)
    assert not steps.claim(engine, "u1", "2026-12-01", "warn", now + 60), "another run is on it"
    assert steps.claim(engine, "u1", "2026-12-01", "disable", now), "another step is another claim"
    assert steps.claim(engine, "u1", "2026-12-01", "warn", now + steps.STALE_SECONDS + 1), "a crashed claim"
    steps.finish(engine, "u1", "2026-12-01", "warn", now + steps.STALE_SECONDS + 2, "inactive_warning")
    assert not steps.claim(engine, "u1", "2026-12-01", "warn", now + 10 * steps.STALE_SECONDS), "done once"
    assert steps.claim(engine, "u1", "2028-01-01", "warn", now), "a new period is warned again"
    steps.release(engine, "u1", "2028-01-01", "warn")  # its e-mail refused: the next run tries again
    assert steps.claim(engine, "u1", "2028-01-01", "warn", now + 1)
    assert [(d.cycle, d.step) for d in steps.done(engine, "u1")] == [("2026-12-01", "warn")]
    engine.dispose()
