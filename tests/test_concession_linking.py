"""The guarded code check against the adapter's real database (SQLite as in make run, or
PostgreSQL with HARIANE_DATABASE=postgres):
brute force is throttled and locked, every attempt audited without the code, parallel
wrong tries count twice, and one concession goes to one structure only."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from portal_adapter.concessions.legacy_rows import read_rows
from portal_adapter.concessions.linking import WRONG, Linker
from portal_adapter.concessions.registry_import import import_rows
from portal_adapter.db import link_attempts, make_engine, upgrade

PEPPER = b"k" * 40
REGISTRY = "intitule;code;raison_sociale\nEau du Havre;0421;EAU DU HAVRE\nGaz Nord;7777;GAZ NORD\n"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def linker(adapter_database_url):
    url = adapter_database_url  # SQLite; a PostgreSQL schema with HARIANE_DATABASE=postgres (LOCK TABLE)
    upgrade(url)
    engine = make_engine(url)
    import_rows(engine, PEPPER, read_rows(REGISTRY, "r.csv"))
    yield Linker(engine, PEPPER, clock=Clock())
    engine.dispose()


def attempt(linker, code, label="Eau du Havre", user="u1", siret="99900000100017", ip="192.0.2.1"):
    return linker.attempt(user_id=user, siret=siret, ip=ip, label=label, code=code)


def test_the_right_code_links_and_a_wrong_label_or_code_gets_one_message(linker):
    wrong_code = attempt(linker, "0000")
    wrong_label = attempt(linker, "0421", label="Eau du Harve", user="u2")
    assert wrong_code.result == wrong_label.result == "wrong"
    assert wrong_code.message == wrong_label.message
    assert attempt(linker, "0421", label="  EAU du havre ", user="u3").result == "linked"
    assert attempt(linker, "0421", user="u4").result == "already_linked"


def test_a_campaign_from_many_accounts_and_addresses_is_locked_per_concession(linker):
    for n, code in enumerate(f"{c:04d}" for c in range(10000) if c != 421):
        linker.clock.now += 1
        outcome = attempt(linker, code, user=f"attacker{n}", siret=f"999{n:011d}", ip=f"198.51.{n // 250}.{n % 250}")
        assert outcome.result == "wrong"  # a blocked concession is answered like a wrong code
        if n > 60:
            break
    with linker.engine.connect() as connection:
        results = [r.result for r in connection.execute(sa.select(link_attempts.c.result))]
    assert results.count("failure") == 3 and results.count("blocked") == 59  # 3 failures, then 15 min of block
    linker.clock.now += 15 * 60 + 1
    for n in range(20):
        linker.clock.now += 16 * 60
        attempt(linker, f"{n:04d}", user=f"other{n}", siret=f"777{n:011d}", ip=f"203.0.113.{n}")
    late = attempt(linker, "0421", user="late", siret="77700000000099", ip="203.0.113.99")
    assert (late.result, late.message) == ("wrong", WRONG)  # hard lock after 10 failures, said like a wrong code
    with linker.engine.connect() as connection:  # closed: an open read would hold PostgreSQL's table lock
        rows = connection.execute(sa.select(link_attempts)).fetchall()
    assert sum(r.result == "failure" for r in rows) == 10
    assert all("0421" not in str(tuple(r)) for r in rows)  # never the code in the audit trail
    account_id = rows[0].account_id
    linker.unlock(account_id, by="agent.voirie")
    assert attempt(linker, "0421", user="owner", siret="77700000000098", ip="203.0.113.98").result == "linked"


def test_parallel_wrong_tries_count_twice(linker):
    barrier = threading.Barrier(6)
    results = []

    def wrong(n):
        barrier.wait()
        results.append(attempt(linker, f"{n:04d}", label="Gaz Nord", user=f"p{n}", ip=f"192.0.2.{n}").result)

    threads = [threading.Thread(target=wrong, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["wrong"] * 6
    with linker.engine.connect() as connection:
        audited = sorted(r.result for r in connection.execute(sa.select(link_attempts.c.result)))
    assert audited == ["blocked"] * 3 + ["failure"] * 3  # exactly 3 counted, though all 6 ran in parallel


def test_two_structures_linking_at_the_same_moment_get_exactly_one_link(linker):
    barrier = threading.Barrier(2)
    results = []

    def link(siret):
        barrier.wait()
        results.append(attempt(linker, "0421", user=siret, siret=siret).result)

    threads = [threading.Thread(target=link, args=(s,)) for s in ("99900000100017", "99900000200014")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["linked", "taken"]


def test_staff_see_the_audit_trail_and_unlock_from_the_command_line(tmp_path):
    import subprocess

    from devstack import paths

    registry = tmp_path / "r.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    env = {
        "PATH": "/usr/bin:/bin",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "CONCESSION_CODE_PEPPER": PEPPER.decode(),
    }
    cli = str(paths.VENV / "bin" / "portal-adapter")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([cli, "concessions", *args], env=env, capture_output=True, text=True, timeout=60)

    assert run("import", str(registry)).returncode == 0
    engine = make_engine(env["PORTAL_DATABASE_URL"])
    for n in range(10):
        Linker(engine, PEPPER, clock=lambda n=n: 1_000_000.0 + n * 1000).attempt(
            user_id=f"5f0c1d2e-{n}",
            siret="99900000100017",
            ip="192.0.2.9",
            label="Gaz Nord",
            code=f"{n:04d}",
            actor=f"pro.agent.{n} (Agent Numero{n})",
        )
    engine.dispose()
    audit = run("audit", "--label", "gaz nord")
    assert audit.returncode == 0 and audit.stdout.count("failure") == 10 and "7777" not in audit.stdout
    assert "pro.agent.3 (Agent Numero3)" in audit.stdout and "5f0c1d2e" not in audit.stdout  # people, not UUIDs
    assert run("unlock", "Inconnu", "--by", "agent").returncode == 1
    unlocked = run("unlock", "GAZ NORD", "--by", "agent.voirie")
    assert unlocked.returncode == 0 and "Débloqué : « Gaz Nord »" in unlocked.stdout
    assert "unlocked" in run("audit").stdout


def test_a_label_typed_with_typographic_apostrophes_dashes_and_ligatures_links(adapter_database_url):
    upgrade(adapter_database_url)
    engine = make_engine(adapter_database_url)
    import_rows(
        engine,
        PEPPER,
        read_rows(
            "intitule;code;raison_sociale\nLUMIERES DE L'ESTUAIRE - RESEAU NORD;0421;L\nCOEUR DE CAUX;0422;C\n", "r.csv"
        ),
    )
    linker = Linker(engine, PEPPER, clock=Clock())
    assert attempt(linker, "0421", label="Lumières de l’Estuaire – réseau nord").result == "linked"
    assert attempt(linker, "0422", label="Cœur de Caux", user="u2").result == "linked"
    with engine.connect() as connection:
        assert (
            connection.execute(
                sa.select(sa.func.count()).select_from(link_attempts).where(link_attempts.c.result == "failure")
            ).scalar_one()
            == 0
        )  # nothing counted
    engine.dispose()


def test_stored_keys_are_refolded_and_their_codes_still_match(tmp_path):
    """A database imported before the folding changed: the migration re-computes the keys; the
    digests stay bound to the key they were computed with, so the codes still match."""
    from portal_adapter.concessions.access_codes import digest

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0004")
    old_key = "lumieres de lestuaire - reseau nord"  # what the first folding made of « L’ESTUAIRE – … »
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "insert into concession_accounts (key, public_id, label, code_digest, company_name, imported_at, updated_at) "
            "values (?, 'ECR-OLD', ?, ?, 'L', 0, 0)",
            (old_key, "LUMIÈRES DE L’ESTUAIRE – RÉSEAU NORD", digest(PEPPER, old_key, "0421")),
        )
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    linker = Linker(engine, PEPPER, clock=Clock())
    assert attempt(linker, "0421", label="Lumieres de l'Estuaire - reseau nord").result == "linked"
    report = import_rows(
        engine,
        PEPPER,
        read_rows(
            "intitule;code;raison_sociale;identifiant\nLUMIÈRES DE L’ESTUAIRE – RÉSEAU NORD;0421;L;ECR-OLD\n", "r.csv"
        ),
    )
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)  # found again, not duplicated
    engine.dispose()


def _answer(outcome) -> tuple:
    return outcome.result, outcome.message, outcome.retry_after, outcome.hard_locked


class StatementCounter:
    """How many SQL statements one attempt runs (its round trips to the database)."""

    def __init__(self, engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


def test_a_blocked_or_locked_real_label_is_answered_like_an_unknown_label(linker, monkeypatch):
    """No label oracle: the same answer, the same statements, one HMAC each time."""
    from portal_adapter.concessions import linking

    hmacs = []
    real_matches = linking.matches
    monkeypatch.setattr(linking, "matches", lambda *a: hmacs.append(a[1]) or real_matches(*a))
    counter = StatementCounter(linker.engine)

    def measured(label: str, n: int, code: str = "0000"):
        before, hmac_before = counter.count, len(hmacs)
        outcome = attempt(linker, code, label=label, user=f"m{n}", siret=f"999{n:011d}", ip=f"192.0.2.{n}")
        return _answer(outcome), counter.count - before, len(hmacs) - hmac_before

    unknown = measured("Eau du Harve", 1)
    assert unknown[0] == ("wrong", linking.WRONG, None, False) and unknown[2] == 1
    assert measured("Eau du Havre", 2) == unknown  # a wrong code on a real label
    measured("Eau du Havre", 3)
    measured("Eau du Havre", 4)  # the third failure: the concession is blocked for 15 minutes
    assert measured("Eau du Havre", 5, code="0421") == unknown  # blocked, even the right code: said the same
    assert measured("Eau du Harve", 6) == unknown

    for n in range(7):  # 10 failures in all, 16 minutes apart: the hard lock
        linker.clock.now += 16 * 60
        attempt(linker, f"{n:04d}", user=f"h{n}", siret=f"888{n:011d}", ip=f"198.51.100.{n}")
    linker.clock.now += 16 * 60
    assert measured("Eau du Havre", 7, code="0421") == unknown  # hard-locked: said the same
    assert measured("Eau du Harve", 8) == unknown
    with linker.engine.connect() as connection:
        blocked = connection.execute(sa.select(link_attempts.c.detail).where(link_attempts.c.result == "blocked"))
        assert sorted(r.detail for r in blocked) == ["concession", "concession_hard_lock"]  # staff still see why


def test_the_limits_of_a_person_do_not_tell_a_blocked_label_from_an_unknown_one(linker):
    """Tries on a blocked concession count against the person like tries on an unknown label."""
    for n in range(3):
        attempt(linker, f"{n:04d}", label="Gaz Nord", user=f"x{n}", ip=f"203.0.113.{n}")  # blocks Gaz Nord
    answers = {}
    for label, user in (("Gaz Nord", "curious"), ("Gaz Sud", "other")):
        answers[label] = [
            _answer(
                attempt(
                    linker, "7777", label=label, user=user, siret=user[:3] + "00000000017", ip=f"192.0.2.{len(user)}"
                )
            )
            for _ in range(6)
        ]
    assert answers["Gaz Nord"] == answers["Gaz Sud"]
    assert answers["Gaz Nord"][-1][0] == "blocked"  # 5 failures a day for one person, then « Trop de tentatives »
