"""``portal-adapter structures resync`` against the real Keycloak, the mail catcher, the fake
register and Chromium: a closed establishment is flagged, its administrators e-mailed once and
its members shown a notice; a renamed structure keeps its declared name; a killed run resumes
after its last structure; a re-run changes and sends nothing."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
import sqlalchemy as sa
from portal_adapter.structures.closure_mail import SUBJECT

from devstack import paths
from devstack.demo import provision_structure
from devstack.fake_sirene import find
from portal_adapter import db
from tests.support.accounts import PASSWORD, new_administrator, wait_for_mail
from tests.support.browser_steps import keycloak_login, serious_violations
from tests.support.registration_http import synthetic_siret
from tests.support.structures import structure_member


@pytest.fixture(autouse=True)
def _register_as_it_was(fake_sirene):
    yield
    fake_sirene.latency = 0.0
    fake_sirene.changes.clear()


def closure_mails(mail) -> list[dict]:
    """The closure e-mails in the catcher (not the security e-mails a first login's enrolment sends)."""
    return [m for m in mail.messages() if m["subject"] == SUBJECT]


def _command(*args: str) -> list[str]:
    return [str(paths.VENV / "bin" / "portal-adapter"), "structures", "resync", *args]


def _env(portal) -> dict[str, str]:
    return {**os.environ, **portal.env, "PORTAL_BASE_URL": portal.url}


def resync(portal, *args: str, errors_allowed: bool = False) -> subprocess.CompletedProcess:
    done = subprocess.run(_command(*args), env=_env(portal), capture_output=True, text=True, timeout=600)
    # 1: some structure could not be checked; in a whole session's realm, not necessarily ours
    assert done.returncode in ((0, 1) if errors_allowed else (0,)), done.stdout + done.stderr
    return done


def attributes(kc_admin, organization_id: str) -> dict[str, list[str]]:
    return kc_admin.get_organization(organization_id).get("attributes") or {}


def test_a_closed_establishment_is_flagged_its_administrators_told_once_and_its_members_see_a_notice(
    page, portal, mail, kc_admin, fake_sirene
):
    identifier, siret = new_administrator(portal.url, mail)
    admin_email = kc_admin.get_user(kc_admin.get_user_id(identifier))["email"]
    colleague = structure_member(kc_admin, siret, profile="standard")
    colleague_email = kc_admin.get_user(colleague.user_id)["email"]
    organization_id = colleague.organization_id

    # the register says the establishment is active: checked, nothing flagged, nobody e-mailed
    mail.clear()
    done = resync(portal, "--siret", siret)
    assert "Bilan : 1 vérifiées, 0 modifiées, 0 fermées, 0 erreurs" in done.stdout, done.stdout
    assert attributes(kc_admin, organization_id)["sireneState"] == ["active"]
    assert "sireneClosedAt" not in attributes(kc_admin, organization_id)
    assert organization_id not in {o["id"] for o in kc_admin.get_organizations({"q": "sireneState:closed"})}
    page.goto(f"{portal.url}/connexion")
    keycloak_login(page, identifier, PASSWORD)
    page.wait_for_url("**/tableau-de-bord")
    assert page.locator("#avis-etablissement-ferme").count() == 0
    assert closure_mails(mail) == []  # (the login's factor enrolment sends its own security e-mails)

    # the register now says it is closed, and names its successor
    successor = synthetic_siret()
    fake_sirene.change(siret, closed=True, successor=successor)
    done = resync(portal, "--siret", siret)
    assert "Bilan : 1 vérifiées, 0 modifiées, 1 fermées, 0 erreurs" in done.stdout, done.stdout
    flagged = attributes(kc_admin, organization_id)
    assert flagged["sireneState"] == ["closed"]
    assert flagged["sireneSuccessorSiret"] == [successor]
    assert flagged["sireneClosedAt"][0].startswith(time.strftime("%Y-%m-%d", time.gmtime()))
    assert flagged["siret"] == [siret] and flagged["name"] == [find(siret).name], "what was declared is kept"
    closed_ones = kc_admin.get_organizations({"q": "sireneState:closed"})  # what staff (and the back-office) list
    assert organization_id in {o["id"] for o in closed_ones}

    message = wait_for_mail(mail, admin_email, subject=SUBJECT)
    assert f"SIRET {siret}" in message["text"] and f"SIRET {successor}" in message["text"]
    assert "établissement de votre structure est fermé" in message["text"]
    assert len(closure_mails(mail)) == 1, "the administrators alone are told"
    assert colleague_email not in {r["address"] for m in closure_mails(mail) for r in m["to"]}

    page.reload()
    notice = page.locator("#avis-etablissement-ferme")
    assert "Votre établissement est indiqué fermé dans le répertoire SIRENE" in notice.inner_text()
    assert f"SIRET {successor}" in notice.inner_text()
    assert serious_violations(page) == []

    # a re-run changes nothing more and sends nothing
    mail.clear()
    before = kc_admin.get_organization(organization_id)
    done = resync(portal, "--siret", siret)
    assert "Bilan : 1 vérifiées, 0 modifiées, 0 fermées, 0 erreurs" in done.stdout, done.stdout
    assert kc_admin.get_organization(organization_id) == before
    time.sleep(1)
    assert closure_mails(mail) == []


def test_a_renamed_structure_keeps_its_declared_name_and_gets_the_registers_beside_it(portal, kc_admin, fake_sirene):
    siret = synthetic_siret()
    register = find(siret)
    declared = {
        "siret": siret,
        "name": register.name,
        "country": "FRANCE",
        "postalCode": "76600",
        "city": "Le Havre",
        "streetNumber": "10",
        "street": "Rue de Paris",
    }
    organization_id = kc_admin.create_organization(
        {"name": f"{register.name} ({siret})", "alias": siret, "enabled": True,
         "attributes": {k: [v] for k, v in declared.items()}}
    )  # fmt: skip
    try:
        done = resync(portal, "--siret", siret)  # the register agrees with what was declared
        assert "Bilan : 1 vérifiées, 0 modifiées, 0 fermées, 0 erreurs" in done.stdout, done.stdout
        assert not [k for k in attributes(kc_admin, organization_id) if k.startswith("sirene.")]

        fake_sirene.change(siret, name="TRANSPORTS DU LITTORAL", street_type="AV", street_name="FOCH")
        done = resync(portal, "--siret", siret)
        assert "Bilan : 1 vérifiées, 1 modifiées, 0 fermées, 0 erreurs" in done.stdout, done.stdout
        after = attributes(kc_admin, organization_id)
        assert after["sirene.name"] == ["TRANSPORTS DU LITTORAL"]
        assert after["sirene.street"] == ["AVENUE FOCH"]
        assert after["sireneState"] == ["active"] and after["sireneChangedAt"]
        for name, value in declared.items():
            assert after[name] == [value], f"the declared {name} is never overwritten"

        done = resync(portal, "--siret", siret)
        assert "Bilan : 1 vérifiées, 0 modifiées, 0 fermées, 0 erreurs" in done.stdout, done.stdout
        assert attributes(kc_admin, organization_id) == after
    finally:
        kc_admin.delete_organization(organization_id)


def test_a_mistyped_or_unregistered_siret_gets_a_french_answer_and_checks_nothing(portal, fake_sirene):
    typo = subprocess.run(
        _command("--siret", "200 084 952 00016"), env=_env(portal), capture_output=True, text=True, timeout=120
    )
    assert typo.returncode == 2
    assert "Erreur : --siret 200 084 952 00016 :" in typo.stderr and "SIRET" in typo.stderr
    asked_before = len(fake_sirene.hits)
    unknown = synthetic_siret()
    absent = subprocess.run(_command("--siret", unknown), env=_env(portal), capture_output=True, text=True, timeout=120)
    assert absent.returncode == 1, absent.stdout + absent.stderr
    assert f"Erreur : aucune structure n'est inscrite sous le SIRET {unknown}." in absent.stderr
    assert "Bilan : 0 vérifiées" in absent.stdout
    assert len(fake_sirene.hits) == asked_before


def _unfinished_run(engine: sa.Engine):
    with engine.connect() as connection:
        return connection.execute(
            sa.select(db.structure_resync_runs)
            .where(db.structure_resync_runs.c.finished_at.is_(None))
            .order_by(db.structure_resync_runs.c.id.desc())
        ).first()


def test_a_run_killed_half_way_resumes_after_its_last_structure_and_a_rerun_changes_nothing(
    portal, kc_admin, fake_sirene, mail
):
    mine = sorted(synthetic_siret() for _ in range(5))
    organizations = {s: provision_structure(kc_admin, s, find(s).name) for s in mine}
    engine = db.make_engine(portal.env["PORTAL_DATABASE_URL"])
    resync(portal, errors_allowed=True)  # whatever earlier tests left unchecked, out of the way

    # slow answers, so the run can be killed after two structures: SIGKILL, nothing to clean up
    fake_sirene.latency = 0.4
    fake_sirene.change(mine[-1], closed=True)  # the last one (in SIRET order) closes meanwhile
    killed = subprocess.Popen(_command(), env=_env(portal), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        row = _unfinished_run(engine)
        if row is not None and row.checked >= 2:
            killed.kill()
            break
        time.sleep(0.05)
    assert killed.wait(timeout=30) == -9, "the run ended before it could be killed"
    interrupted = _unfinished_run(engine)
    assert interrupted is not None and interrupted.cursor
    everything = sorted(o["alias"] for o in kc_admin.get_organizations({"briefRepresentation": "true"}))
    left = [s for s in everything if s > interrupted.cursor]
    assert left, "the kill came before the last structure"

    fake_sirene.latency = 0.0
    asked_before = len(fake_sirene.hits)
    resumed = resync(portal, errors_allowed=True)
    assert f"Reprise de la synchronisation n° {interrupted.id} interrompue après le SIRET {interrupted.cursor}" in (
        resumed.stderr
    )
    asked = {hit.siret for hit in fake_sirene.hits[asked_before:] if hit.api == "recherche"}
    assert asked == set(left), "the structures done before the kill are not asked again"
    with engine.connect() as connection:
        run = connection.execute(
            sa.select(db.structure_resync_runs).where(db.structure_resync_runs.c.id == interrupted.id)
        ).one()
        checks = {
            row.siret: row
            for row in connection.execute(
                sa.select(db.structure_register_checks).where(db.structure_register_checks.c.siret.in_(mine))
            )
        }
    assert run.finished_at is not None
    assert run.checked >= len(everything), "every structure counted once (one killed mid-way may count twice)"
    assert f"Bilan : {run.checked} vérifiées, {run.changed} modifiées, {run.closed} fermées" in resumed.stdout
    assert set(checks) == set(mine)
    assert checks[mine[-1]].state == "closed" and checks[mine[-1]].closed_notified_at is not None
    assert run.closed >= 1

    # a new run over the same register: nothing changes, nobody is e-mailed
    mail.clear()
    before = {s: kc_admin.get_organization(o) for s, o in organizations.items()}
    again = resync(portal, errors_allowed=True)
    assert "Reprise" not in again.stderr
    assert ", 0 modifiées, 0 fermées," in again.stdout, again.stdout
    assert {s: kc_admin.get_organization(o) for s, o in organizations.items()} == before
    time.sleep(1)
    assert closure_mails(mail) == []
    engine.dispose()
