"""Faults that must lose nothing: Keycloak killed in the middle of step 3 of a
registration, the mail server refusing the activation e-mail, the adapter killed during
links, the registry import killed half-way. This module runs its own Keycloak and adapter
(they get killed), in front of an SMTP gate that can hold or refuse messages."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from portal_adapter.db import concession_accounts, concession_links, link_attempts

from devstack import paths
from devstack.fake_sirene import FakeSirene
from devstack.keycloak import KeycloakServer
from devstack.ports import free_port, is_port_free
from devstack.services import PortalAdapter
from devstack.stack import Stack
from tests.support.accounts import mail_link
from tests.support.concession_http import import_registry, logged_in, submit_link
from tests.support.registration_http import STRUCTURE, RegistrationClient, person, register, synthetic_siret
from tests.support.smtp_gate import SmtpGate
from tests.support.structures import structure_member


@dataclass
class FaultStack:
    keycloak: KeycloakServer
    adapter: PortalAdapter
    gate: SmtpGate
    parts: Stack  # how they were assembled (devstack/stack.py)
    sirene: FakeSirene

    def admin(self):
        return self.parts.admin()


def kill(process: subprocess.Popen, port: int | None = None) -> None:
    """SIGKILL the whole process group; with ``port``, wait until no child holds it any more."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 15
    while port is not None and not is_port_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture(scope="module")
def stack(run_dir: Path, secrets, mail, fake_sirene):
    home = run_dir / "faults"
    gate = SmtpGate(mail.smtp_port)
    parts = Stack(
        home=home,
        secrets=secrets,
        keycloak_port=free_port(),
        management_port=free_port(),
        portal_port=free_port(),
        smtp_port=gate.port,
        trusted_proxies=True,
    )
    keycloak = parts.keycloak()
    adapter = parts.adapter(keycloak.url, sirene=fake_sirene, mail=False)
    try:
        keycloak.prepare()
        keycloak.start()
        adapter.start()
        yield FaultStack(keycloak, adapter, gate, parts, fake_sirene)
    finally:
        adapter.stop()
        keycloak.stop()
        gate.stop()


def structure_of(admin, siret: str) -> dict | None:
    return next((o for o in admin.get_organizations({"search": siret}) if o.get("alias") == siret), None)


def every_structure_has_an_administrator(admin) -> None:
    for organization in admin.get_organizations({"max": 500}):
        members = admin.get_organization_members(organization["id"], {"max": 50})
        groups = {g["name"] for m in members for g in admin.get_user_groups(m["id"])}
        assert "admin" in groups, f"structure {organization['alias']} has no administrator"


def test_keycloak_killed_during_step_3_leaves_all_or_nothing_and_registering_again_works(stack, mail):
    siret, who = synthetic_siret(), person("Kim", "Panne")
    client = RegistrationClient(stack.adapter.url).start()
    client.submit(siret=siret)
    client.submit(**STRUCTURE)
    stack.gate.mode = "hold"  # Keycloak will wait on the mail server, inside the creation
    outcome: list = []

    def step_3() -> None:
        try:
            outcome.append(client.submit(**who))
        except requests.RequestException as error:
            outcome.append(error)

    worker = threading.Thread(target=step_3)
    worker.start()
    assert stack.gate.holding.wait(60), "Keycloak never reached the activation e-mail"
    kill(stack.keycloak.process)  # SIGKILL in the middle of step 3
    worker.join(30)
    assert outcome and isinstance(outcome[0], requests.RequestException)
    stack.gate.mode = "relay"
    stack.gate.release.set()
    stack.gate.holding.clear()
    time.sleep(0.2)
    stack.gate.release.clear()

    stack.keycloak.start()
    admin = stack.admin()
    created = structure_of(admin, siret)
    user = admin.get_users({"email": who["email"], "exact": True})
    assert created is None and user == []  # not at all (the e-mail was never sent either)
    every_structure_has_an_administrator(admin)

    again = register(stack.adapter.url, siret, who)  # registering again works
    assert again.identifier()
    assert "action-token" in mail_link(mail, who["email"])
    assert structure_of(admin, siret) is not None
    every_structure_has_an_administrator(admin)


def test_a_mail_server_refusing_the_activation_e_mail_creates_nothing(stack):
    siret, who = synthetic_siret(), person("Lea", "Refus")
    client = RegistrationClient(stack.adapter.url).start()
    client.submit(siret=siret)
    client.submit(**STRUCTURE)
    stack.gate.mode = "refuse"
    try:
        client.submit(**who)
    finally:
        stack.gate.mode = "relay"
    assert client.title == "Les informations vous concernant (3/3)"
    assert "votre compte n'a pas été créé" in client.error("email")
    assert client.value("email") == who["email"]  # what was typed is kept
    admin = stack.admin()
    assert structure_of(admin, siret) is None and admin.get_users({"email": who["email"], "exact": True}) == []
    client.submit(**who)  # the mail server is back: the same page, submitted again
    assert client.identifier()


def test_a_mail_server_refusing_answers_an_address_that_has_an_account_as_a_new_one(stack):
    """docs/registration-oracle.md: the owner's e-mail fails the way the activation e-mail does."""
    owner = person("Noe", "Titulaire")
    register(stack.adapter.url, synthetic_siret(), owner)
    answers = []
    for email in (person("Noe", "Nouveau")["email"], owner["email"]):
        client = RegistrationClient(stack.adapter.url).start()
        client.submit(siret=synthetic_siret())
        client.submit(**STRUCTURE)
        stack.gate.mode = "refuse"
        try:
            client.submit(**person("Noe", "Essai", email))
        finally:
            stack.gate.mode = "relay"
        answers.append((client.title, client.error("email"), client.value("email") == email))
    assert answers[0] == answers[1]
    assert answers[0][0] == "Les informations vous concernant (3/3)" and answers[0][2]
    assert "votre compte n'a pas été créé" in answers[0][1]
    assert len(stack.admin().get_users({"email": owner["email"], "exact": True})) == 1


def _links(engine, account_ids) -> dict[int, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(concession_links.c.account_id, sa.func.count())
            .where(concession_links.c.account_id.in_(account_ids))
            .group_by(concession_links.c.account_id)
        ).fetchall()
    return {account_id: count for account_id, count in rows}


def test_the_adapter_killed_during_links_loses_no_counter_and_links_once(stack, tmp_path):
    labels = import_registry(
        stack.adapter, tmp_path, ("Panne A", "1111"), *[(f"Panne {n}", f"{n:04d}") for n in range(5)]
    )
    kc_admin = stack.admin()
    member = structure_member(kc_admin)
    url = stack.adapter.url
    browser = logged_in(url, member.username, ip="192.0.2.10")
    engine = sa.create_engine(stack.adapter.env["PORTAL_DATABASE_URL"])
    for ip in ("192.0.2.11", "192.0.2.12"):  # two failures on « Panne A » before the crashes
        browser.session.headers["X-Forwarded-For"] = ip
        assert submit_link(browser, url, labels[0], "0000").status_code == 400

    for n, label in enumerate(labels[1:]):
        browser.session.headers["X-Forwarded-For"] = f"192.0.2.{20 + n}"
        done: list = []
        worker = threading.Thread(
            target=lambda label=label, n=n, done=done: done.append(
                _try(lambda: submit_link(browser, url, label, f"{n:04d}"))
            )
        )
        worker.start()
        time.sleep(random.uniform(0.0, 0.3))
        kill(
            stack.adapter.process, stack.adapter.port
        )  # somewhere in the link: before, inside or after the transaction
        worker.join(30)
        stack.adapter.start()
        page = submit_link(browser, url, label, f"{n:04d}")  # the user tries again
        assert page.url.endswith("/tableau-de-bord"), page.text[:300]

    with engine.connect() as connection:
        ids = [
            row.id
            for row in connection.execute(
                sa.select(concession_accounts.c.id, concession_accounts.c.key).where(
                    concession_accounts.c.key.in_([x.lower() for x in labels[1:]])
                )
            )
        ]
    assert sorted(_links(engine, ids).values()) == [1] * 5  # exactly one link each
    organization = kc_admin.get_organization(member.organization_id)
    assert len(organization["attributes"]["concessions"]) == 5  # and the identity says the same

    browser.session.headers["X-Forwarded-For"] = "192.0.2.40"
    assert submit_link(browser, url, labels[0], "0001").status_code == 400  # third failure: counters survived
    # Blocked, even with the right code: answered as any wrong try (no label oracle), recorded as blocked.
    blocked = submit_link(browser, url, labels[0], "1111")
    assert blocked.status_code == 400 and not blocked.url.endswith("/tableau-de-bord")
    with engine.connect() as connection:
        results = [
            r.result
            for r in connection.execute(
                sa.select(link_attempts.c.result).where(link_attempts.c.label == labels[0].lower())
            )
        ]
    assert results == ["failure", "failure", "failure", "blocked"]
    engine.dispose()


def _try(action):
    try:
        return action()
    except requests.RequestException as error:
        return error


def test_the_import_killed_half_way_is_completed_by_a_re_run(stack, tmp_path):
    rows = 60_000
    registry = tmp_path / "registre.csv"
    registry.write_text(
        "intitulé du compte;code d'accès;raison sociale\n"
        + "".join(f"Moitie {n:06d};{n % 10000:04d};SOCIETE {n % 97}\n" for n in range(rows))
    )
    env = {**os.environ, **stack.adapter.env}
    command = [str(paths.VENV / "bin" / "portal-adapter"), "concessions", "import", str(registry)]
    engine = sa.create_engine(stack.adapter.env["PORTAL_DATABASE_URL"])

    def imported() -> int:
        with engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count())
                .select_from(concession_accounts)
                .where(concession_accounts.c.key.like("moitie %"))
            ).scalar_one()

    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while imported() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    kill(process)
    half = imported()
    assert 0 < half < rows, half

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    created, unchanged = rows - half, half
    assert (
        f"{created} créé{'s' * (created > 1)}, 0 mis à jour, {unchanged} inchangé{'s' * (unchanged > 1)}, 0 refusé"
    ) in done.stdout
    with engine.connect() as connection:
        distinct = connection.execute(
            sa.select(sa.func.count(sa.distinct(concession_accounts.c.key))).where(
                concession_accounts.c.key.like("moitie %")
            )
        ).scalar_one()
    assert imported() == distinct == rows  # complete, nothing duplicated
    engine.dispose()


def test_backup_then_restore_on_a_fresh_data_folder_keeps_users_and_links(stack, run_dir, secrets, tmp_path):
    """Last of the module: it stops this module's servers."""
    from devstack.backup import backup_database, export_realm, restore_database
    from tests.support.accounts import claims

    (label,) = import_registry(stack.adapter, tmp_path, ("Sauvegarde", "2580"))
    member = structure_member(stack.admin())
    assert submit_link(logged_in(stack.adapter.url, member.username), stack.adapter.url, label, "2580").url.endswith(
        "/tableau-de-bord"
    )
    backup = tmp_path / "sauvegarde"
    backup_database(stack.adapter.env["PORTAL_DATABASE_URL"], backup)  # online
    stack.adapter.stop()
    stack.keycloak.stop()
    exported = export_realm(stack.keycloak, backup)

    home = run_dir / "restored"
    restored_url = f"sqlite:///{home / 'portal-adapter.db'}"
    home.mkdir()
    restore_database(backup, restored_url)
    restored = replace(stack.parts, home=home, keycloak_port=free_port(), management_port=free_port())
    keycloak = restored.keycloak(realm_files=(exported,))
    adapter = restored.adapter(keycloak.url, sirene=stack.sirene, mail=False)  # its database: restored_url
    assert adapter.env["PORTAL_DATABASE_URL"] == restored_url
    try:
        keycloak.prepare()
        keycloak.start()
        adapter.start()
        browser = logged_in(adapter.url, member.username)  # the password survived
        assert label in text_of(browser.request("GET", f"{adapter.url}/tableau-de-bord"))
        assert [c["label"] for c in claims(browser, secrets)["concessions"]] == [label]  # the link too
    finally:
        adapter.stop()
        keycloak.stop()


def text_of(response) -> str:
    import html

    return html.unescape(response.text)
