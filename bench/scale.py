"""Scale: the same paths measured on populations of growing size (bench/population.py), in one
run on one machine, on Keycloak's dev-file database and on PostgreSQL.

For each database mode and each size, a fresh stack (mail catcher, Keycloak with our realm and
extension, the fake register, the adapter) starts with the generated realm imported at startup
(``--import-realm``), its organizations created through the admin REST API, the concession links
written to the adapter's database, then:

- password logins and token refreshes (bench/keycloak_login.py's load: 8 virtual users, standard
  users of the population): throughput, p50/p95, Keycloak's and PostgreSQL's CPU per operation,
  the median of the last three rounds once they are steady; then logins one at a time, without a queue, by users in Keycloak's
  cache and by users it must load (its user cache cleared before each);
- « Créer un compte Pro »: the SIRET step with a SIRET already registered (the « structure
  already registered » lookup) and with a new one, then the whole journey (bench/journeys.py)
  for the person step (the account and organization created) and the activation;
- the portal's « Tableau de bord » and « Gestion des utilisateurs » of the 5-member and
  300-member structures (their administrator logged in);
- a concession link (right code, the identity written) by the 5-member structure's administrator;
- token sizes; Keycloak's resident memory, the database's memory and disk.

The smallest size is not empty: the two measured structures (300 + 5 members) exist at every
size. Sizes: ``BENCH_SCALE_SIZES="users:structures,..."`` (default 305:2, 10000:2000,
100000:20000; ``BENCH_QUICK=1``: 305:2, 2000:400); modes: ``BENCH_SCALE_DB=embedded,postgres``.
Rewrites its own section of docs/benchmarks.md and docs/benchmarks-scale.png.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa

from bench import doc, journeys, keycloak_login, procstat
from bench.oidc_flow import OidcClient
from bench.population import (
    AdminToken,
    Population,
    create_organizations,
    generate,
    realm_credential,
    realm_representation,
    write_links,
)
from bench.population import write_realm_file as write_realm
from bench.stack import Stack, running
from bench.stats import percentile
from devstack import paths
from devstack.keycloak import keycloak_version
from devstack.ports import free_port
from devstack.postgres import EMBEDDED, POSTGRES, PostgresServer, StackDatabase
from devstack.stack import REALM
from tests.support.accounts import PASSWORD, csrf, login
from tests.support.concession_http import import_registry, submit_link
from tests.support.registration_http import RegistrationClient, synthetic_siret

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
DEFAULT_SIZES = "305:2,2000:400" if QUICK else "305:2,10000:2000,100000:20000"
SIZES = [
    tuple(int(x) for x in part.split(":"))
    for part in os.environ.get("BENCH_SCALE_SIZES", DEFAULT_SIZES).split(",")
    if part.strip()
]
MODES = [m.strip() for m in os.environ.get("BENCH_SCALE_DB", f"{EMBEDDED},{POSTGRES}").split(",") if m.strip()]
LOAD_SECONDS = 3.0 if QUICK else 15.0
ROUNDS = 1 if QUICK else 3  # measured rounds per load; the table gives the round of median p95
# ... of the last ROUNDS, once their p95 are within STEADY of each other: a JVM still compiling
# the login path (the smallest size has no organizations' creation before it to warm it) keeps
# getting faster for minutes, and its first rounds would inflate the baseline
STEADY = 1.15
MAX_ROUNDS = 1 if QUICK else 8
# Logins warm up longer than refreshes: a login's CPU kept falling through its first minute at
# every size (JIT compilation of the login path and of Argon2), and the smallest size has no
# organizations' creation before it to warm anything (docs/benchmarks.md « Scale: reading ... »).
LOGIN_WARMUP_SECONDS = 3.0 if QUICK else 60.0
ONE_AT_A_TIME = 10 if QUICK else 100  # sequential logins, for the latency without a queue
# The heap of a production node, not start-dev's 512 MiB (kc.sh outside a container): 65 % of the
# 2 GiB each Keycloak container gets in docker-compose.yml, starting at 50 %. With 512 MiB, the
# caches of 100,000 users and 20,000 organizations leave the garbage collector running most of
# the time (docs/benchmarks.md « Scale: reading the figures »).
PRODUCTION_HEAP = "-Xms1024m -Xmx1331m"
WARMUP_SECONDS = 3.0 if QUICK else 20.0
SAMPLES = 8 if QUICK else 30  # sequential requests per page / SIRET step
JOURNEYS = 3 if QUICK else 8
LINKS = 3 if QUICK else 10
IMPORT_TIMEOUT = 3600.0
PLOT = paths.ROOT / "docs" / "benchmarks-scale.png"
HEADING = "## Scale: the same paths on 0 to 100,000 users (`bench/scale.py`)"
TARGET_RATIO = 1.25  # p95 at the largest size <= 1.25 x p95 at the smallest
PAGE_TARGET_MS = 300.0

LOGIN, REFRESH = "password login", "token refresh"
LOGIN_ALONE, LOGIN_UNCACHED = "password login, one at a time", "password login, one at a time, user not cached"
SIRET_TAKEN, SIRET_NEW = "SIRET step, structure already registered", "SIRET step, new SIRET"
SIRET_TAKEN_AGAIN = "SIRET step, one of the two measured structures"
PERSON, ACTIVATION = "person step (account + organization created)", "activation (password + CGU)"
LINK = "concession link (right code, identity written)"


def pages(size: str) -> tuple[str, str]:
    return f"dashboard, {size}-member structure", f"« Gestion des utilisateurs », {size}-member structure"


@dataclass
class Measure:
    mode: str
    users: int
    structures: int
    latencies: dict[str, list[float]] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)

    def p95(self, path: str) -> float:
        return percentile(self.latencies[path], 95)


# -- the stack ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _stack(work: Path, mode: str, realm_file: Path) -> Iterator[tuple[Stack, StackDatabase, float]]:
    """bench/stack.py's stack on ``mode``'s databases, the generated realm and a production heap;
    with the database and Keycloak's start (the users' import) in seconds."""

    def database(home: Path, secrets: dict[str, str]) -> StackDatabase:
        server = None
        if mode == POSTGRES:
            passwords = {"keycloak": secrets["KEYCLOAK_DB_PASSWORD"], "portal": secrets["PORTAL_DB_PASSWORD"]}
            server = PostgresServer(home / "postgres", free_port(), passwords, throwaway=True)
        return StackDatabase(mode, home / "portal-adapter.db", server)

    with running(
        work,
        f"scale-{mode}",
        database=database,
        realm_file=realm_file,
        keycloak_env={"JAVA_OPTS_KC_HEAP": PRODUCTION_HEAP},
        keycloak_timeout=IMPORT_TIMEOUT,
    ) as stack:
        assert stack.parts.database is not None
        yield stack, stack.parts.database, stack.keycloak_startup_s


# -- the measurements ---------------------------------------------------------------------------


def _timed(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):  # a backend that ended meanwhile
            total += procstat.cpu_seconds(pid)
    return total


def _median_round(
    realm: keycloak_login.Realm, seconds: float, java: int, operation: str, database: StackDatabase
) -> tuple[keycloak_login.Round, float, list[keycloak_login.Round]]:
    """Rounds of ``operation`` until the last ROUNDS are steady (their p95 within STEADY of each
    other; MAX_ROUNDS at most): of those last ROUNDS, the round of median p95 and the median
    PostgreSQL CPU per op; and every round in the order they ran."""
    rounds: list[keycloak_login.Round] = []
    database_ms: list[float] = []
    while True:
        server = _descendants(database.server.process.pid) if database.server is not None else []
        before = _cpu_seconds(server)
        measured = keycloak_login._load(realm, seconds, java, operation)
        rounds.append(measured)
        database_ms.append((_cpu_seconds(server) - before) * 1000 / measured.ops)
        last = [percentile(r.latencies_ms, 95) for r in rounds[-ROUNDS:]]
        if len(rounds) >= MAX_ROUNDS or (len(last) == ROUNDS and max(last) <= STEADY * min(last)):
            break
    by_p95 = sorted(rounds[-ROUNDS:], key=lambda r: percentile(r.latencies_ms, 95))
    database_ms = database_ms[-ROUNDS:]
    return by_p95[len(rounds) // 2], sorted(database_ms)[len(database_ms) // 2], rounds


def _load(stack: Stack, population: Population, java: int, database: StackDatabase, out: Measure) -> None:
    client = OidcClient(
        stack.keycloak.url, REALM, "portal", stack.secrets["PORTAL_CLIENT_SECRET"], f"{stack.adapter.url}/auth/callback"
    )
    users = population.standard_users()
    random.Random(7).shuffle(users)
    realm = keycloak_login.Realm("ours", client, users[:2000], PASSWORD)
    with procstat.RssSampler(java) as sampler:
        for operation, name, warmup in (("login", LOGIN, LOGIN_WARMUP_SECONDS), ("refresh", REFRESH, WARMUP_SECONDS)):
            keycloak_login._load(realm, warmup, java, operation)
            median, database_ms, rounds = _median_round(realm, LOAD_SECONDS, java, operation, database)
            out.latencies[name] = median.latencies_ms
            out.rates[name] = median.rate
            out.cpu_ms[name] = median.cpu_ms_per_op
            out.facts[f"{name}: p95 of each round (ms)"] = " / ".join(
                f"{percentile(r.latencies_ms, 95):.0f}" for r in rounds
            )
            if database.server is not None:
                out.facts[f"{name}: PostgreSQL CPU per op (ms)"] = f"{database_ms:.1f}"
    out.facts["Keycloak RSS under load, peak (MiB)"] = f"{sampler.peak:.0f}"
    _one_at_a_time(stack, client, users[:ONE_AT_A_TIME], out)
    with requests.Session() as session:
        member = population.structures[1].members[1]
        tokens = client.login(session, population.people[member].username, PASSWORD)
    out.facts["access / ID / refresh token (bytes)"] = (
        f"{len(tokens['access_token'])} / {len(tokens['id_token'])} / {len(tokens['refresh_token'])}"
    )


def _one_at_a_time(stack: Stack, client: OidcClient, usernames: list[str], out: Measure) -> None:
    """Logins in sequence, without the load's queue: first by users Keycloak holds in its user
    cache (they logged in during the load), then by users it must read from the database (the
    realm's user cache cleared before each, as for a user's first login of the day)."""
    token = AdminToken(stack.keycloak.url, stack.secrets["KEYCLOAK_ADMIN_PASSWORD"])
    clear = f"{stack.keycloak.url}/admin/realms/{REALM}/clear-user-cache"
    for name, uncached in ((LOGIN_ALONE, False), (LOGIN_UNCACHED, True)):
        values = []
        with requests.Session() as session:
            for username in usernames:
                if uncached:
                    answer = requests.post(clear, headers={"Authorization": f"Bearer {token()}"}, timeout=30)
                    assert answer.status_code == 204, answer.status_code
                values.append(_timed(client.login, session, username, PASSWORD))
        out.latencies[name] = values


def _siret_steps(stack: Stack, population: Population, out: Measure) -> None:
    """The SIRET step with a structure drawn among all (at the largest sizes, one Keycloak has not
    looked up yet), with the two measured structures (looked up again and again, as at the
    smallest size) and with a new SIRET."""
    taken = [s.siret for s in population.structures]
    again = taken[:2]
    for name, pick in (
        (SIRET_TAKEN, lambda: random.choice(taken)),
        (SIRET_TAKEN_AGAIN, lambda: random.choice(again)),
        (SIRET_NEW, synthetic_siret),
    ):
        values = []
        for _ in range(SAMPLES):
            client = RegistrationClient(stack.adapter.url).start()
            values.append(_timed(client.submit, siret=pick()))
        out.latencies[name] = values
    journeys._registration_round(stack, 1)  # warm-up
    steps = journeys._registration_round(stack, JOURNEYS)
    out.latencies[PERSON] = steps[journeys.STEPS[2]]
    out.latencies[ACTIVATION] = steps[journeys.STEPS[3]]


def _pages(stack: Stack, population: Population, out: Measure) -> None:
    for index in (1, 0):
        structure = population.structures[index]
        admin = population.people[structure.members[0]].username
        browser = login(stack.adapter.url, admin)
        size = len(structure.members)
        for name, path in zip(pages(str(size)), ("/tableau-de-bord", "/structure/utilisateurs"), strict=True):
            url = stack.adapter.url + path
            first = browser.request("GET", url)
            assert first.status_code == 200 and first.url == url, (name, first.status_code, first.url)
            out.latencies[name] = [_timed(browser.request, "GET", url) for _ in range(SAMPLES)]
        if index == 1:
            _links(stack, browser, out)


def _links(stack: Stack, browser, out: Measure) -> None:
    folder = stack.parts.home / "registry"
    folder.mkdir(exist_ok=True)
    accounts = [(f"Bench echelle {n}", f"{n:04d}") for n in range(LINKS + 1)]
    labels = import_registry(stack.adapter, folder, *accounts)
    url = f"{stack.adapter.url}/concessions/rattacher"
    submit_link(browser, stack.adapter.url, labels[0], accounts[0][1])  # the step-up, off the clock
    values = []
    for label, (_, code) in zip(labels[1:], accounts[1:], strict=True):
        token = csrf(browser.request("GET", url).text)
        started = time.perf_counter()
        response = browser.session.post(
            url, data={"csrf_token": token, "intitule": label, "code": code}, allow_redirects=False, timeout=30
        )
        values.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, (response.status_code, response.text[:300])
    out.latencies[LINK] = values


def _disk_mib(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (PostgreSQL's backends leave its process group)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # not a process, or it ended meanwhile
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _memory(stack: Stack, database: StackDatabase, java: int, out: Measure) -> None:
    procstat.settle(5)
    out.facts["Keycloak RSS at rest (MiB)"] = f"{procstat.rss_mib(java):.0f}"
    if database.server is not None:
        server = _descendants(database.server.process.pid)
        rss = sum(procstat.rss_mib(pid) for pid in server)
        out.facts["PostgreSQL RSS, postmaster and backends (MiB)"] = f"{rss:.0f} ({len(server)} processes)"
        out.facts["PostgreSQL data folder (MiB)"] = f"{_disk_mib(database.server.data_dir):.0f}"
    else:
        out.facts["Keycloak dev-file database (MiB)"] = f"{_disk_mib(stack.keycloak.home / 'data' / 'h2'):.0f}"


def measure(work: Path, mode: str, users: int, structures: int) -> Measure:
    out = Measure(mode, users, structures)
    began = time.perf_counter()
    population = generate(structures, users, links=max(1, structures // 10))
    representation = realm_representation(population, realm_credential(PASSWORD))
    realm_file = write_realm(work / f"scale-realm-{users}" / paths.REALM_FILE.name, representation)
    out.facts["generated realm file (MiB), generation (s)"] = (
        f"{realm_file.stat().st_size / 2**20:.1f}, {time.perf_counter() - began:.0f}"
    )
    del representation
    with _stack(work, mode, realm_file) as (stack, database, startup):
        out.facts["Keycloak start with the users' import (s)"] = f"{startup:.0f}"
        began = time.perf_counter()
        token = AdminToken(stack.keycloak.url, stack.secrets["KEYCLOAK_ADMIN_PASSWORD"])
        create_organizations(stack.keycloak.url, token, REALM, population)
        out.facts["organizations and memberships created (s)"] = f"{time.perf_counter() - began:.0f}"
        began = time.perf_counter()
        write_links(sa.create_engine(stack.parts.database_url), population)
        out.facts["concession links written (s)"] = f"{time.perf_counter() - began:.1f}"
        java = procstat.java_pid(stack.keycloak.process.pid)
        _load(stack, population, java, database, out)
        _siret_steps(stack, population, out)
        _pages(stack, population, out)
        _memory(stack, database, java, out)
    shutil.rmtree(realm_file.parent, ignore_errors=True)
    return out


# -- the section and the plot -------------------------------------------------------------------


def _paths(results: list[Measure]) -> list[str]:
    seen: list[str] = []
    for result in results:
        seen += [p for p in result.latencies if p not in seen]
    return seen


def plot(results: list[Measure], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(MODES), figsize=(7 * len(MODES), 5.5), sharey=True, squeeze=False)
    for axis, mode in zip(axes[0], MODES, strict=True):
        mine = sorted((r for r in results if r.mode == mode), key=lambda r: r.users)
        colours = plt.get_cmap("tab20").colors  # one per path (the default cycle has 10)
        for n, path in enumerate(_paths(mine)):
            points = [(r.users, r.p95(path)) for r in mine if path in r.latencies]
            xs, ys = [x for x, _ in points], [y for _, y in points]
            axis.plot(xs, ys, marker="os^D"[n % 4], color=colours[n % len(colours)], label=path)
        axis.set_xscale("symlog", linthresh=1000)
        axis.set_yscale("log")
        axis.set_xlabel("users in the realm")
        axis.set_title(f"p95 against population — {mode}")
        axis.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("p95 (ms)")
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    figure.savefig(target, dpi=90)
    plt.close(figure)


def section(results: list[Measure], machine: str, note: str = "") -> str:
    lines = [HEADING, ""]
    if QUICK:
        lines += ["> **BENCH_QUICK run**: small sizes and short rounds, to check that the benchmark works.", ""]
    lines += [
        machine.rstrip(),
        f"- Sizes (users / structures): {', '.join(f'{u:,} / {s:,}' for u, s in SIZES)}; databases: {', '.join(MODES)}",
        "",
        "Written by `make bench BENCH=scale` (bench/scale.py; the population by bench/population.py). Every size has "
        "the two measured structures (300 and 5 members); the others have 1 to 5 members, a few 200 or more; one "
        "structure in ten has a concession link. Each size is a fresh stack: Keycloak "
        f"{keycloak_version()} in `start-dev` with a production node's heap (`{PRODUCTION_HEAP}`, as docker-compose.yml gives it) imports the generated users at startup, then the organizations and their members are created through the admin REST API (4 at a time). Loads: 8 virtual users, "
        f"rounds of {LOAD_SECONDS:g} s until the last {ROUNDS} have p95 within {STEADY:g} times of each other "
        f"({MAX_ROUNDS} at most; the table gives the round of median p95 of those) after {LOGIN_WARMUP_SECONDS:g} s "
        f"of warm-up for logins, {WARMUP_SECONDS:g} s for refreshes; then {ONE_AT_A_TIME} logins one at a time, by "
        f"cached users and by users Keycloak must load (its user cache cleared before each); pages and SIRET steps: {SAMPLES} sequential "
        f"requests; registrations: {JOURNEYS}; links: {LINKS}.",
        "",
        f"![p95 against population]({PLOT.name})",
        "",
    ]
    if note:
        lines += [note, ""]
    for mode in MODES:
        mine = sorted((r for r in results if r.mode == mode), key=lambda r: r.users)
        if not mine:
            continue
        head = " | ".join(f"{r.users:,} users / {r.structures:,} str." for r in mine)
        lines += [
            f"**{mode}** — p50 / p95 (ms); last column: p95 at the largest size ÷ p95 at the smallest",
            "",
            f"| path | {head} | ratio |",
            "|---|" + "---|" * (len(mine) + 1),
        ]
        for path in _paths(mine):
            cells = [
                f"{percentile(r.latencies[path], 50):.0f} / {r.p95(path):.0f}" if path in r.latencies else "–"
                for r in mine
            ]
            ratio = (
                f"{mine[-1].p95(path) / mine[0].p95(path):.2f}"
                if path in mine[-1].latencies and path in mine[0].latencies and len(mine) > 1
                else "–"
            )
            lines.append(f"| {path} | {' | '.join(cells)} | {ratio} |")
        for name in (LOGIN, REFRESH):
            lines.append(
                f"| {name}: per second / Keycloak CPU per op (ms) | "
                + " | ".join(f"{r.rates[name]:.1f} / {r.cpu_ms[name]:.1f}" if name in r.rates else "–" for r in mine)
                + " | |"
            )
        for fact in _facts(mine):
            lines.append(f"| {fact} | " + " | ".join(r.facts.get(fact, "–") for r in mine) + " | |")
        lines.append("")
    return "\n".join(lines)


def _facts(results: list[Measure]) -> list[str]:
    seen: list[str] = []
    for result in results:
        seen += [f for f in result.facts if f not in seen]
    return seen


def run(work: Path) -> str:
    from bench.__main__ import _machine

    results = []
    for mode in MODES:
        for users, structures in SIZES:
            print(f"scale: {mode}, {users} users / {structures} structures", flush=True)
            results.append(measure(work, mode, users, structures))
            # after every size, so a long run stopped later keeps what it measured
            plot(results, PLOT)
            text = section(results, _machine(), os.environ.get("BENCH_SCALE_NOTE", ""))
            doc.rewrite_section(doc.DOC, text)
    return text


if __name__ == "__main__":
    out_dir = paths.LOCAL / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    print(run(out_dir))
