"""The guarded code check against the adapter's real database (SQLite as in make run, or
PostgreSQL with HARIANE_DATABASE=postgres):
brute force is throttled and locked, every attempt audited without the code, parallel
wrong tries count twice, and one concession goes to one structure only."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from portal_adapter.concessions.legacy_rows import read_rows
from portal_adapter.concessions.linking import Linker
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
    failures = 0
    for n, code in enumerate(f"{c:04d}" for c in range(10000) if c != 421):
        linker.clock.now += 1
        outcome = attempt(linker, code, user=f"attacker{n}", siret=f"999{n:011d}", ip=f"198.51.{n // 250}.{n % 250}")
        assert outcome.result in ("wrong", "blocked")
        failures += outcome.result == "wrong"
        if n > 200:
            break
    assert failures == 3  # 3 failures, then 15 minutes of block for everyone
    linker.clock.now += 15 * 60 + 1
    for n in range(20):
        linker.clock.now += 16 * 60
        attempt(linker, f"{n:04d}", user=f"other{n}", ip=f"203.0.113.{n}")
    assert attempt(linker, "0421", user="late").result == "blocked"  # hard lock after 10 failures
    with linker.engine.connect() as connection:  # closed: an open read would hold PostgreSQL's table lock
        rows = connection.execute(sa.select(link_attempts)).fetchall()
    assert sum(r.result == "failure" for r in rows) == 10
    assert all("0421" not in str(tuple(r)) for r in rows)  # never the code in the audit trail
    account_id = rows[0].account_id
    linker.unlock(account_id, by="agent.voirie")
    assert attempt(linker, "0421", user="owner").result == "linked"


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
    assert sorted(results) == ["blocked"] * 3 + ["wrong"] * 3


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
    env = {"PATH": "/usr/bin:/bin", "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "CONCESSION_CODE_PEPPER": PEPPER.decode()}
    cli = str(paths.VENV / "bin" / "portal-adapter")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([cli, "concessions", *args], env=env, capture_output=True, text=True, timeout=60)

    assert run("import", str(registry)).returncode == 0
    engine = make_engine(env["PORTAL_DATABASE_URL"])
    for n in range(10):
        Linker(engine, PEPPER, clock=lambda n=n: 1_000_000.0 + n * 1000).attempt(
            user_id=f"u{n}", siret="99900000100017", ip="192.0.2.9", label="Gaz Nord", code=f"{n:04d}")
    engine.dispose()
    audit = run("audit", "--label", "gaz nord")
    assert audit.returncode == 0 and audit.stdout.count("failure") == 10 and "7777" not in audit.stdout
    assert run("unlock", "Inconnu", "--by", "agent").returncode == 1
    unlocked = run("unlock", "GAZ NORD", "--by", "agent.voirie")
    assert unlocked.returncode == 0 and "unlocked" in unlocked.stdout
    assert "unlocked" in run("audit").stdout
