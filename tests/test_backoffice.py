"""The agents' back-office (``/agents/``) on the running portal, Keycloak, mail catcher and
Chromium: a metropolis agent (realm role ``metropolis-agent``) imports Excel's French CSV,
finds a concession and reads its history (never a code), unlocks and detaches it with a
reason (the structure's administrators e-mailed); anybody else gets the French 403."""

from __future__ import annotations

import html
import re
import time
import uuid
from urllib.parse import quote

import pytest
import requests
import sqlalchemy as sa
from portal_adapter.concessions.access_codes import matches
from portal_adapter.concessions.legacy_rows import LOST_ZEROS, label_key
from portal_adapter.concessions.linking import Linker
from portal_adapter.db import agent_actions, concession_accounts, concession_links, link_attempts
from portal_adapter.web.agents import id_token_acr

from devstack.demo import DemoUser
from tests.support.accounts import PASSWORD, csrf, login, wait_for_mail
from tests.support.browser_steps import keycloak_login, serious_violations
from tests.support.concession_http import database, field_error, import_registry, logged_in, submit_link, text
from tests.support.step_up import user_with_totp
from tests.support.structures import structure_member

REFUSED = "Cette page est réservée aux agents de la Métropole."
AGENT_PAGES = ("/agents/", "/agents/registre", "/agents/concessions", "/agents/structures")


@pytest.fixture
def agent(kc_admin):
    """A metropolis agent: a user granted the realm role ``metropolis-agent`` (password PASSWORD),
    with the authenticator app the role requires already enrolled (its codes from the tests)."""
    suffix = uuid.uuid4().hex[:8]
    user = DemoUser(
        username=f"agent.test-{suffix}",
        first_name="Dominique",
        last_name=f"Voirie-{suffix}",
        email=f"dominique.{suffix}@lehavremetro.test",
        job_title="Agent du service Voirie",
        profile="standard",
    )
    user_id = user_with_totp(kc_admin, user.username, user.first_name, user.last_name, user.email, user.job_title)
    kc_admin.group_user_add(user_id, kc_admin.get_group_by_path("/standard")["id"])
    kc_admin.assign_realm_roles(user_id, [kc_admin.get_realm_role("metropolis-agent")])
    yield user
    kc_admin.delete_user(user_id)


def agent_browser(page, portal, username: str, path: str = "/agents/"):
    """The agent logs in through Keycloak's page, on the way to ``path``."""
    page.goto(f"{portal.url}{path}")
    keycloak_login(page, username, PASSWORD)
    page.wait_for_url(f"{portal.url}{path}*")
    return page


def no_serious_violations(page) -> None:
    violations = serious_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def linker(portal, start: float) -> Linker:
    """The portal's own linking code on its database, with a clock of its own from ``start``
    (hours no other test's attempts share, so service-wide counters stay ours), one try every
    16 minutes (3 within 15 minutes would block the concession for a while, not lock it)."""
    ticks = iter(range(10_000))
    return Linker(
        database(portal), portal.env["CONCESSION_CODE_PEPPER"].encode(), clock=lambda: start + 16 * 60 * next(ticks)
    )


def hard_lock(portal, label: str, start: float) -> None:
    """Ten wrong codes on ``label``, each from another person, structure and address."""
    tries = linker(portal, start)
    for n in range(10):
        outcome = tries.attempt(
            user_id=f"attaquant-{uuid.uuid4().hex[:6]}",
            siret=f"9{n:013d}",
            ip=f"192.0.2.{n + 1}",
            label=label,
            code="9999",
        )
        assert outcome.result == "wrong"


def excel_csv(tag: str) -> bytes:
    """What Excel writes with « Enregistrer sous » → « CSV (séparateur : point-virgule) »:
    Windows-1252, CRLF, accented headers and labels, codes and identifiers with leading zeros."""
    rows = [
        "Identifiant;Intitulé du compte;Code d’accès;Raison sociale;Type de réseau",  # line 1
        f"0042-{tag};ÉCLAIRAGE D’HARFLEUR {tag};0427;LUMIÈRES DE L’ESTUAIRE;Éclairage public",  # line 2
        f"0043-{tag};Cœur de Caux – Réseau {tag};0007;RÉSEAUX NORMANDS;Eau potable",  # line 3
        "",  # line 4: blank
        f"0044-{tag};Chaleur Ouest {tag};12a4;CHALEUR;Chauffage urbain",  # line 5: bad code
        f"0045-{tag};Gaz Sud {tag};1593;;Gaz",  # line 6: no company
        f"0046-{tag};Vapeur {tag};0815;VAPEUR;Vapeur",  # line 7: imported, remark
        f"0047-{tag};Fibre Nord {tag};427;FIBRE;Télécommunications",  # line 8: a code Excel took for a number
    ]
    return "\r\n".join([*rows, ""]).encode("cp1252")


def test_an_agent_imports_excels_french_csv_and_sees_accepted_and_rejected_rows(portal, agent, page, tmp_path):
    tag = uuid.uuid4().hex[:6].upper()
    registry = tmp_path / "registre voirie.csv"
    registry.write_bytes(excel_csv(tag))
    assert b"\x92" in registry.read_bytes() and b"\r\n" in registry.read_bytes()  # ’ in Windows-1252, CRLF

    agent_browser(page, portal, agent.username, "/agents/registre")
    no_serious_violations(page)
    page.get_by_label("Fichier du registre").set_input_files(str(registry))
    page.get_by_role("button", name="Importer").click()
    summary = page.locator("#resultat-resume")
    assert " ".join(summary.inner_text().split()) == ("3 comptes créés, 0 mis à jour, 0 inchangé, 3 lignes refusées.")
    rejected = page.locator("#lignes-refusees tbody tr").all_inner_texts()
    assert [" ".join(r.split()) for r in rejected] == [
        "5 code d'accès absent ou différent de 4 chiffres",
        "6 raison sociale manquante",
        f"8 {LOST_ZEROS}",
    ]
    remarks = page.locator("#remarques tbody tr").all_inner_texts()
    assert [" ".join(r.split()) for r in remarks] == [
        "7 type de réseau inconnu : Vapeur ; compte importé sans type de réseau"
    ]
    no_serious_violations(page)

    engine = database(portal)
    pepper = portal.env["CONCESSION_CODE_PEPPER"].encode()
    with engine.connect() as connection:
        imported = {
            row.label: row
            for row in connection.execute(
                sa.select(concession_accounts).where(concession_accounts.c.label.like(f"%{tag}"))
            )
        }
        journal = connection.execute(
            sa.select(agent_actions)
            .where(agent_actions.c.target == "registre voirie.csv")
            .order_by(agent_actions.c.id.desc())
        ).first()
    assert sorted(imported) == sorted([f"ÉCLAIRAGE D’HARFLEUR {tag}", f"Cœur de Caux – Réseau {tag}", f"Vapeur {tag}"])
    lights = imported[f"ÉCLAIRAGE D’HARFLEUR {tag}"]
    assert lights.public_id == f"0042-{tag}" and lights.company_name == "LUMIÈRES DE L’ESTUAIRE"
    assert lights.network_type == "eclairage"
    assert matches(pepper, lights.code_binding, "0427", lights.code_digest)  # the leading zero kept
    assert not matches(pepper, lights.code_binding, "427", lights.code_digest)
    heart = imported[f"Cœur de Caux – Réseau {tag}"]
    assert matches(pepper, heart.code_binding, "0007", heart.code_digest)
    assert "0427" not in str(tuple(lights))  # never the code in clear
    # the agent's journal: who, what, the outcome
    assert journal.agent_id and journal.agent.startswith(agent.username) and journal.action == "import"
    assert journal.detail == "3 créés, 0 mis à jour, 0 inchangé, 3 refusés"
    page.goto(f"{portal.url}/agents/")
    assert "registre voirie.csv" in page.locator("main").inner_text()
    no_serious_violations(page)


def test_the_upload_takes_utf8_with_a_bom_and_refuses_big_files_and_missing_csrf(portal, agent, tmp_path):
    tag = uuid.uuid4().hex[:6].upper()
    browser = login(portal.url, agent.username)
    form = browser.request("GET", f"{portal.url}/agents/registre")
    token = csrf(form.text)
    content = f"intitulé du compte,code d'accès,raison sociale\r\nRéseau Nord {tag},0001,SOCIÉTÉ NORD\r\n"

    def upload(data: bytes, name: str = "registre.csv", with_token: bool = True):
        return browser.session.post(
            f"{portal.url}/agents/registre",
            data={"csrf_token": token} if with_token else {},
            files={"fichier": (name, data, "text/csv")},
            timeout=60,
        )

    done = upload(b"\xef\xbb\xbf" + content.encode())  # Excel's « CSV UTF-8 »: with a BOM
    assert done.status_code == 200 and "1 compte créé" in text(done)
    again = upload(content.encode())  # without a BOM: the same account, unchanged
    assert again.status_code == 200 and "0 compte créé, 0 mis à jour, 1 inchangé, 0 ligne refusée" in " ".join(
        text(again).split()
    )

    big = upload(b"intitule;code;raison sociale\r\n" + b"x" * (6 * 1024 * 1024), "enorme.csv")
    assert big.status_code == 413
    assert "Le fichier dépasse 5 Mo" in field_error(big.text, "fichier")
    unreadable = upload(b"PK\x03\x04\x00\x00", "registre.xlsx")
    assert unreadable.status_code == 400 and "n'est pas un fichier texte" in field_error(unreadable.text, "fichier")
    forged = upload(content.replace("0001", "0002").encode(), with_token=False)
    assert forged.status_code == 400 and "Formulaire expiré" in text(forged)
    engine = database(portal)
    with engine.connect() as connection:
        assert (
            connection.execute(
                sa.select(sa.func.count())
                .select_from(concession_accounts)
                .where(concession_accounts.c.label.like(f"%{tag}"))
            ).scalar_one()
            == 1
        )


def test_an_agent_finds_a_concession_reads_its_history_without_code_and_unlocks_it_with_a_reason(
    portal, kc_admin, agent, page, tmp_path
):
    (label,) = import_registry(portal, tmp_path, ("Éclairage Verrou", "0427"))
    holder = structure_member(kc_admin)
    assert "a été rattaché" in text(submit_link(logged_in(portal.url, holder.username), portal.url, label, "0427"))
    hard_lock(portal, label, start=time.time() - 3 * 86400)

    agent_browser(page, portal, agent.username, "/agents/concessions")
    # found by a part of its label typed without accents nor capitals, as labels are folded
    page.get_by_label("Identifiant ou intitulé du compte").fill("eclairage  VERROU " + label.split()[-1].lower())
    page.get_by_role("button", name="Rechercher").click()
    no_serious_violations(page)
    page.get_by_role("link", name=re.compile("^ECR-")).click()
    main = page.locator("main")
    assert f"Compte de concession « {label} »" in main.inner_text()
    link = page.locator("#rattachement").inner_text()
    assert link.startswith(f"Rattaché à TEST RESEAUX {holder.siret[-6:]} (SIRET {holder.siret}) le ")  # which, when
    assert f"par {holder.username} (Lou Lien-" in link  # by whom
    assert page.locator("#etat").inner_text() == "Bloqué jusqu'à son déblocage (10 codes erronés)"
    history = page.locator("#historique tbody tr").all_inner_texts()
    assert len(history) == 11 and sum("Code ou intitulé erroné" in row for row in history) == 10
    assert "compte 10/10 depuis le déblocage" in history[0]
    assert "0427" not in page.content() and "9999" not in page.content()  # never a code
    no_serious_violations(page)

    # unlocked with a reason: recorded with the agent's identity
    page.get_by_label("Motif du déblocage").fill("Appel du titulaire, identité vérifiée")
    page.get_by_role("button", name="Débloquer le compte").click()
    assert f"Le compte « {label} » est débloqué." in main.inner_text()
    assert page.locator("#etat").inner_text() == "Ouvert"
    newest = " ".join(page.locator("#historique tbody tr").first.inner_text().split())
    assert "Débloqué" in newest and agent.username in newest and "Appel du titulaire, identité vérifiée" in newest

    # locked again: without a reason, a French message next to the field, and nothing changes
    hard_lock(portal, label, start=time.time() + 86400)
    page.reload()
    assert page.locator("#etat").inner_text() == "Bloqué jusqu'à son déblocage (10 codes erronés)"
    page.get_by_label("Motif du déblocage").fill("   ")
    page.get_by_role("button", name="Débloquer le compte").click()
    assert page.locator("#motif_deblocage-erreur").inner_text() == "Indiquez le motif : il est inscrit au journal."
    assert page.get_by_label("Motif du déblocage").get_attribute("aria-invalid") == "true"
    assert page.locator("#etat").inner_text() == "Bloqué jusqu'à son déblocage (10 codes erronés)"
    no_serious_violations(page)
    with database(portal).connect() as connection:
        unlocks = connection.execute(
            sa.select(link_attempts.c.actor, link_attempts.c.detail).where(
                link_attempts.c.result == "unlocked",
                link_attempts.c.account_id
                == sa.select(concession_accounts.c.id)
                .where(concession_accounts.c.key == label_key(label))
                .scalar_subquery(),
            )
        ).fetchall()
        journal = connection.execute(
            sa.select(agent_actions).where(
                agent_actions.c.action == "unlock", agent_actions.c.target.like(f"%({label})")
            )
        ).fetchall()
    assert len(unlocks) == 1 and unlocks[0].detail == "Appel du titulaire, identité vérifiée"
    assert len(journal) == 1 and journal[0].reason == "Appel du titulaire, identité vérifiée"
    assert journal[0].agent.startswith(f"{agent.username} (Dominique Voirie-")


def test_an_agent_detaches_with_a_reason_and_the_structures_administrators_are_emailed(
    portal, kc_admin, agent, page, mail, tmp_path
):
    first, second = import_registry(portal, tmp_path, ("Gaz Détache", "1593"), ("Eau Reste", "0815"))
    holder = structure_member(kc_admin)
    other_admin = structure_member(kc_admin, holder.siret)
    administrator = logged_in(portal.url, holder.username)
    for label, code in ((first, "1593"), (second, "0815")):
        assert "a été rattaché" in text(submit_link(administrator, portal.url, label, code))
    organization = kc_admin.get_organization(holder.organization_id)
    assert len(organization["attributes"]["concessions"]) == 2

    agent_browser(page, portal, agent.username, "/agents/concessions")
    page.goto(f"{portal.url}/agents/concessions?recherche={quote(first)}")
    page.get_by_role("link", name=re.compile("^ECR-")).click()
    public_id = page.url.rsplit("/", 1)[-1]
    page.get_by_label("Motif du détachement").fill("Contrat de concession résilié au 30/11")
    page.get_by_role("button", name="Détacher le compte").click()
    assert f"a été détaché de la structure SIRET {holder.siret}" in page.locator("main").inner_text()
    assert "Rattaché à aucune structure" in page.locator("#rattachement").inner_text()
    newest = " ".join(page.locator("#historique tbody tr").first.inner_text().split())
    assert "Détaché" in newest and agent.username in newest and "Contrat de concession résilié au 30/11" in newest
    assert [
        v.split("|")[1] for v in kc_admin.get_organization(holder.organization_id)["attributes"]["concessions"]
    ] == [second]
    for member in (holder, other_admin):
        email = kc_admin.get_user(member.user_id)["email"]
        detached = "Hariane PRO : un compte de concession voirie a été détaché de votre structure"
        sent = wait_for_mail(mail, email, subject=detached)
        assert (
            f"« {first} » ({public_id})" in sent["text"]
            and "Motif : Contrat de concession résilié au 30/11" in sent["text"]
        )

    # the other one: without a reason, refused next to the field, still linked
    page.goto(f"{portal.url}/agents/concessions?recherche={quote(second)}")
    page.get_by_role("link", name=re.compile("^ECR-")).click()
    page.get_by_role("button", name="Détacher le compte").click()
    assert page.locator("#motif_detachement-erreur").inner_text() == "Indiquez le motif : il est inscrit au journal."
    assert f"SIRET {holder.siret}" in page.locator("#rattachement").inner_text()
    no_serious_violations(page)
    with database(portal).connect() as connection:
        assert (
            connection.execute(
                sa.select(sa.func.count())
                .select_from(concession_links)
                .join(concession_accounts, concession_accounts.c.id == concession_links.c.account_id)
                .where(concession_accounts.c.key == label_key(second))
            ).scalar_one()
            == 1
        )


def test_an_agent_lists_the_structures_with_their_members(portal, kc_admin, agent, page):
    holder = structure_member(kc_admin)
    structure_member(kc_admin, holder.siret, profile="standard")
    agent_browser(page, portal, agent.username, "/agents/structures")
    assert page.locator("#structures tbody tr").count() >= 1
    no_serious_violations(page)
    page.get_by_label("Nom ou SIRET de la structure").fill(holder.siret)
    page.get_by_role("button", name="Rechercher").click()
    rows = [" ".join(r.split()) for r in page.locator("#structures tbody tr").all_inner_texts()]
    assert rows == [f"TEST RESEAUX {holder.siret[-6:]} {holder.siret} 2 Non vérifiée"]  # never re-synced
    no_serious_violations(page)

    # as `portal-adapter structures resync` leaves a closed establishment with a successor and a new name
    organization = kc_admin.get_organization(holder.organization_id)
    attributes = organization.get("attributes") or {}
    kc_admin.update_organization(
        holder.organization_id,
        organization
        | {
            "attributes": attributes
            | {
                "sireneState": ["closed"],
                "sireneClosedAt": ["2026-11-30T23:30:00Z"],
                "sireneSuccessorSiret": ["55210055400013"],
                "sireneChangedAt": ["2026-10-02T03:17:00Z"],
                "sirene.name": ["NOUVEAU NOM"],
            }
        },
    )
    page.reload()
    state = " ".join(page.locator("#structures tbody tr td").nth(3).inner_text().split())
    assert state == (
        "Fermée le 01/12/2026 Successeur : SIRET 55210055400013 "  # Paris time
        "Modifiée le 02/10/2026 (raison sociale ou adresse différentes au répertoire)"
    )
    no_serious_violations(page)


def test_the_structures_sirene_state_in_french():
    from portal_adapter.backoffice.service import SireneState, sirene_state

    assert sirene_state({}) == SireneState("Non vérifiée", "", "")
    assert sirene_state({"sireneState": ["active"], "sireneChangedAt": ["2026-01-05T10:00:00Z"]}) == SireneState(
        "Active", "", ""
    )  # nothing differs any more: not « Modifiée »
    assert sirene_state(
        {"sireneState": ["active"], "sirene.street": ["AVENUE FOCH"], "sireneChangedAt": ["2026-01-05T10:00:00Z"]}
    ) == SireneState("Active", "", "Modifiée le 05/01/2026")
    assert sirene_state({"sireneState": ["closed"], "sireneClosedAt": ["pas une date"]}) == SireneState(
        "Fermée", "", ""
    )


def test_only_metropolis_agents_enter_the_back_office(portal, kc_admin, agent, page, tmp_path):
    (label,) = import_registry(portal, tmp_path, ("Télécom Gardé", "2468"))
    hard_lock(portal, label, start=time.time() - 5 * 86400)
    # an agent gets in, every page
    staff = login(portal.url, agent.username)
    for path in AGENT_PAGES:
        response = staff.request("GET", f"{portal.url}{path}")
        assert response.status_code == 200 and REFUSED not in text(response), path
    # a structure's administrator gets the French 403, on every page and every action
    member = structure_member(kc_admin)
    administrator = logged_in(portal.url, member.username)
    token = csrf(administrator.request("GET", f"{portal.url}/tableau-de-bord").text)
    for path in AGENT_PAGES:
        response = administrator.request("GET", f"{portal.url}{path}")
        assert response.status_code == 403 and REFUSED in text(response), path
    with database(portal).connect() as connection:
        public_id = connection.execute(
            sa.select(concession_accounts.c.public_id).where(concession_accounts.c.key == label_key(label))
        ).scalar_one()
    for action, field in (("debloquer", "motif_deblocage"), ("detacher", "motif_detachement")):
        response = administrator.request(
            "POST", f"{portal.url}/agents/concessions/{public_id}/{action}", {"csrf_token": token, field: "Essai"}
        )
        assert response.status_code == 403 and REFUSED in text(response)
    refused_upload = administrator.session.post(
        f"{portal.url}/agents/registre",
        data={"csrf_token": token},
        files={"fichier": ("r.csv", f"intitulé du compte;code d'accès;raison sociale\r\n{label};0000;X\r\n".encode())},
        timeout=30,
    )
    assert refused_upload.status_code == 403
    assert (
        staff.request("GET", f"{portal.url}/agents/concessions/{public_id}").text.count("Code ou intitulé erroné") == 10
    )
    with database(portal).connect() as connection:  # nothing the administrator sent was done
        assert not connection.execute(
            sa.select(link_attempts.c.id).where(
                link_attempts.c.result == "unlocked",
                link_attempts.c.account_id
                == sa.select(concession_accounts.c.id)
                .where(concession_accounts.c.key == label_key(label))
                .scalar_subquery(),
            )
        ).first()
    # anonymous visitors are sent to the login; the 403 page passes axe-core
    anonymous = requests.get(f"{portal.url}/agents/", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].endswith("/connexion")
    page.goto(f"{portal.url}/agents/")
    keycloak_login(page, member.username, PASSWORD)
    page.wait_for_url(f"{portal.url}/agents/")
    assert (
        page.get_by_role("heading", name="Accès refusé").is_visible() and REFUSED in page.locator("main").inner_text()
    )
    no_serious_violations(page)


def test_the_second_factor_is_read_from_the_id_tokens_acr():
    def token(claims: str) -> str:
        import base64

        return "e30." + base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=") + ".sig"

    assert id_token_acr(token('{"acr": "mfa"}')) == "mfa"
    assert id_token_acr(token('{"acr": "pwd"}')) == "pwd"
    assert id_token_acr(token("{}")) is None
    assert id_token_acr(None) is None and id_token_acr("garbage") is None


def test_the_command_line_calls_the_same_code_and_writes_the_agents_journal(tmp_path):
    """`portal-adapter concessions import|unlock` and the back-office share concessions/staff.py:
    the command line's import and unlock (with --motif) are in the agents' journal too."""
    import subprocess

    from devstack import paths

    pepper = "z" * 40
    env = {
        "PATH": "/usr/bin:/bin",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "CONCESSION_CODE_PEPPER": pepper,
    }
    registry = tmp_path / "registre.csv"
    registry.write_bytes(excel_csv("CLI"))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(paths.VENV / "bin" / "portal-adapter"), "concessions", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run("import", str(registry), "--accepter-partiel").returncode == 0
    unlocked = run("unlock", "éclairage d'harfleur cli", "--by", "agent.voirie", "--motif", "Demande du titulaire")
    assert unlocked.returncode == 0, unlocked.stderr
    engine = sa.create_engine(env["PORTAL_DATABASE_URL"])
    with engine.connect() as connection:
        journal = connection.execute(sa.select(agent_actions).order_by(agent_actions.c.id)).fetchall()
        unlock_row = connection.execute(sa.select(link_attempts).where(link_attempts.c.result == "unlocked")).one()
    assert [(j.action, j.target, j.reason, j.detail) for j in journal] == [
        ("import", str(registry), None, "3 créés, 0 mis à jour, 0 inchangé, 3 refusés"),
        ("unlock", "0042-CLI (ÉCLAIRAGE D’HARFLEUR CLI)", "Demande du titulaire", None),
    ]
    assert journal[1].agent == "agent.voirie (ligne de commande)"
    assert (unlock_row.user_id, unlock_row.detail) == ("agent.voirie", "Demande du titulaire")


def test_audited_details_and_reasons_are_said_in_french():
    from portal_adapter.backoffice.service import reason_error
    from portal_adapter.concessions.staff import detail_label

    assert (
        detail_label("failure", "concession 3/10 since unlock, user 1/24h, siret 2/24h, ip 1/h")
        == "compte 3/10 depuis le déblocage, personne 1/24 h, structure 2/24 h, adresse IP 1/h"
    )
    assert detail_label("blocked", "concession_hard_lock") == "compte bloqué jusqu'à son déblocage"
    assert detail_label("success", "linked") == "rattaché"
    assert detail_label("unlocked", "user") == "user"  # an agent's reason, as written
    assert reason_error("Appel du titulaire") is None
    assert reason_error("  ") == "Indiquez le motif : il est inscrit au journal."
    assert reason_error("x" * 201) == "Le motif ne peut dépasser 200 caractères."


def test_with_the_second_factor_required_an_agent_needs_an_mfa_login(portal, agent, secrets):
    """PORTAL_AGENTS_REQUIRE_MFA defaults to true (the role metropolis-agent includes
    second-factor-required): the back-office reads the acr of the ID token the login kept. The
    adapter runs in-process on the session's Keycloak and database; the session holds the agent's
    real ID token (a login with the factor: acr "mfa"), then the same token saying "pwd"."""
    import base64
    import json

    from flask.sessions import SecureCookieSessionInterface
    from portal_adapter.app import create_app
    from portal_adapter.config import Settings
    from portal_adapter.db import make_engine
    from portal_adapter.web.login_sessions import open_session

    from tests.support.accounts import claims

    environment = {k: v for k, v in portal.env.items() if k != "PORTAL_AGENTS_REQUIRE_MFA"}
    settings = Settings.from_env(environment | {"PORTAL_BASE_URL": portal.url})
    assert settings.agents_require_mfa == "true"  # the default
    app = create_app(settings)
    browser = login(portal.url, agent.username)
    real = claims(browser, secrets)
    cookie = next(c for c in browser.session.cookies if c.name == "hariane_portal")
    reader = create_app(settings)
    reader.secret_key = secrets["PORTAL_SECRET_KEY"]
    id_token = SecureCookieSessionInterface().get_signing_serializer(reader).loads(cookie.value)["id_token"]
    header, _, signature = id_token.split(".")
    password_only = ".".join(
        (header, base64.urlsafe_b64encode(json.dumps(real | {"acr": "pwd"}).encode()).decode().rstrip("="), signature)
    )
    assert real.get("acr") == "mfa"  # the agent gave the factor the role requires
    engine = make_engine(settings.database_url)

    def visit(token: str, application=app):
        client = application.test_client()
        with client.session_transaction() as session:
            session["user"] = {"sub": real["sub"], "username": agent.username}
            session["id_token"] = token
            session["key"] = open_session(engine, real["sub"], None)
        return client.get("/agents/")

    allowed = visit(id_token)
    assert allowed.status_code == 200 and "Espace des agents de la Métropole" in allowed.get_data(as_text=True)
    refused = visit(password_only)
    assert refused.status_code == 403
    page = html.unescape(refused.get_data(as_text=True))
    assert "L'espace des agents demande une connexion avec un second facteur" in page
    assert 'href="/connexion?niveau=mfa"' in page and "Valider mon second facteur" in page
    relaxed = create_app(
        Settings.from_env(environment | {"PORTAL_BASE_URL": portal.url, "PORTAL_AGENTS_REQUIRE_MFA": "false"})
    )
    assert visit(password_only, relaxed).status_code == 200  # only where a deployment says so


def test_when_the_realm_cannot_say_who_is_an_agent_the_page_says_the_service_is_unavailable(portal, agent, kc_admin):
    """The role is read from the realm at each request: Keycloak unreachable gives the French
    503 page, never the back-office nor a wrong « réservée aux agents »."""
    from portal_adapter.app import create_app
    from portal_adapter.config import Settings
    from portal_adapter.db import make_engine
    from portal_adapter.web.login_sessions import open_session

    from devstack.ports import free_port

    user_id = kc_admin.get_user_id(agent.username)

    def visit(keycloak_url: str):
        settings = Settings.from_env(portal.env | {"PORTAL_BASE_URL": portal.url, "KEYCLOAK_URL": keycloak_url})
        client = create_app(settings).test_client()
        with client.session_transaction() as session:
            session["user"] = {"sub": user_id, "username": agent.username}
            session["id_token"] = "e30.eyJhY3IiOiJtZmEifQ.sig"  # {"acr": "mfa"}: the factor, as agents log in
            session["key"] = open_session(make_engine(settings.database_url), user_id, None)
        return client.get("/agents/")

    assert visit(portal.env["KEYCLOAK_URL"]).status_code == 200
    unavailable = visit(f"http://127.0.0.1:{free_port()}")
    page = html.unescape(unavailable.get_data(as_text=True))
    assert unavailable.status_code == 503 and "Service indisponible" in page and REFUSED not in page


def test_every_back_office_page_fits_a_phone_and_a_desktop(portal, kc_admin, agent, page, tmp_path):
    """Each page of the back-office at 1280 px and 360 px: no horizontal scrolling, no serious
    accessibility violation at either width; screenshots kept as test-artifacts/agents-<page>-<width>.png."""
    from tests.support.session import ARTIFACTS

    (label,) = import_registry(portal, tmp_path, ("Réseau Écran – Boucle d’Harfleur", "0427"))
    holder = structure_member(kc_admin)
    assert "a été rattaché" in text(submit_link(logged_in(portal.url, holder.username), portal.url, label, "0427"))
    agent_browser(page, portal, agent.username)
    ARTIFACTS.mkdir(exist_ok=True)

    def check(name: str) -> None:
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(ARTIFACTS / f"agents-{name}-{width}.png"), full_page=True)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{name} at {width} px scrolls sideways: {scroll} px wide"
            no_serious_violations(page)

    check("accueil")
    page.goto(f"{portal.url}/agents/registre")
    check("registre")
    page.goto(f"{portal.url}/agents/concessions?recherche={quote(label)}")
    check("recherche")
    page.get_by_role("link", name=re.compile("^ECR-")).click()
    check("concession")
    page.goto(f"{portal.url}/agents/structures?recherche={holder.siret}")
    check("structures")
