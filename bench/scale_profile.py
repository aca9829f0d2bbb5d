"""Where Keycloak's CPU per operation goes as the population grows: bench/scale.py's setup at
two sizes, then Java Flight Recorder samples of the Keycloak process while bench/keycloak_login.py's
load runs, compared method by method per 1,000 operations (bench/cpu_profile.py's comparison),
with the garbage collector's time. A diagnosis tool (not part of ``make bench``):

    BENCH_SCALE_SIZES=305:2,100000:20000 BENCH_SCALE_DB=postgres .venv/bin/python -m bench.scale_profile login

Recordings stay in .local/bench/scale-profile/. This is how the bench's too small heap and the
member listing's auto-flushes were found, and where a login's extra cost at 100,000 users sits
(docs/benchmarks.md « Scale: reading the figures »).
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench import cpu_profile, keycloak_login, procstat, scale
from bench.oidc_flow import OidcClient
from bench.population import AdminToken, create_organizations, generate, realm_credential, realm_representation
from bench.population import write_realm_file as write_realm
from devstack import paths
from devstack.jdk import choose_jdk
from devstack.stack import REALM
from tests.support.accounts import PASSWORD


def gc_milliseconds(recording: Path) -> float:
    """The garbage collections' summed duration in a recording."""
    text = subprocess.run(
        [choose_jdk().home / "bin" / "jfr", "print", "--events", "jdk.GarbageCollection", str(recording)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    total = 0.0
    for value, unit in re.findall(r"sumOfPauses = ([\d.]+) (ms|s|us)", text):
        total += float(value) * {"ms": 1, "s": 1000, "us": 0.001}[unit]
    return total


def _member_listing_ms(stack, siret: str) -> list[float]:
    """The extension's member listing of one structure, called 20 times in a row: whether its
    members stay in Keycloak's user cache from one call to the next."""
    token = AdminToken(stack.keycloak.url, stack.secrets["KEYCLOAK_ADMIN_PASSWORD"])
    admin = {"Authorization": f"Bearer {token()}"}
    base = f"{stack.keycloak.url}/admin/realms/{REALM}"
    organization = requests.get(f"{base}/organizations", params={"search": siret}, headers=admin, timeout=30).json()[0]
    adapter = requests.post(
        f"{stack.keycloak.url}/realms/{REALM}/protocol/openid-connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "portal-adapter",
            "client_secret": stack.secrets["PORTAL_ADAPTER_CLIENT_SECRET"],
        },
        timeout=30,
    ).json()["access_token"]
    url = f"{stack.keycloak.url}/realms/{REALM}/hariane/structures/{organization['id']}/members"
    values = []
    for _ in range(20):
        started = time.perf_counter()
        answer = requests.get(url, params={"max": 500}, headers={"Authorization": f"Bearer {adapter}"}, timeout=60)
        values.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200 and len(answer.json()) >= 300, answer.status_code
    return values


def profile(work: Path, mode: str, users: int, structures: int, operation: str) -> tuple[Path, int, str]:
    population = generate(structures, users, links=max(1, structures // 10))
    realm_file = write_realm(
        work / f"realm-{users}" / paths.REALM_FILE.name,
        realm_representation(population, realm_credential(PASSWORD)),
    )
    with scale._stack(work, mode, realm_file) as (stack, _database, _startup):
        create_organizations(
            stack.keycloak.url,
            AdminToken(stack.keycloak.url, stack.secrets["KEYCLOAK_ADMIN_PASSWORD"]),
            REALM,
            population,
        )
        client = OidcClient(
            stack.keycloak.url,
            REALM,
            "portal",
            stack.secrets["PORTAL_CLIENT_SECRET"],
            f"{stack.adapter.url}/auth/callback",
        )
        people = population.standard_users()
        random.Random(7).shuffle(people)
        realm = keycloak_login.Realm("ours", client, people[:2000], PASSWORD)
        java = procstat.java_pid(stack.keycloak.process.pid)
        keycloak_login._load(realm, scale.WARMUP_SECONDS, java, operation)
        measured = keycloak_login._load(realm, scale.LOAD_SECONDS, java, operation)
        target = work / f"{operation}-{mode}-{users}.jfr"
        ops = cpu_profile._record(java, realm, operation, target)
        listing_recording = work / f"listing-{mode}-{users}.jfr"
        jdk = choose_jdk().home / "bin"
        start = [
            jdk / "jcmd",
            str(java),
            "JFR.start",
            "name=listing",
            "settings=profile",
            f"filename={listing_recording}",
        ]
        subprocess.run(start, check=True, capture_output=True)
        listing = _member_listing_ms(stack, population.structures[0].siret)
        subprocess.run([jdk / "jcmd", str(java), "JFR.stop", "name=listing"], check=True, capture_output=True)
        samples, counts = cpu_profile.inclusive_samples(listing_recording)
        print(f"the 300-member listing at {users} users: {samples} CPU samples; inclusive samples per method:")
        for method, count in counts.most_common(150):
            if "keycloak" in method or "hibernate" in method or "lehavre" in method or "infinispan" in method:
                print(f"{count:6d}  {method}")
        rss = procstat.rss_mib(java)
    summary = (
        f"{mode}, {users} users: {measured.rate:.1f}/s, Keycloak CPU {measured.cpu_ms_per_op:.1f} ms per op; "
        f"Keycloak RSS {rss:.0f} MiB; recorded {ops} ops, GC pauses {gc_milliseconds(target) / ops:.2f} ms per op; "
        f"the 300-member listing, 20 calls in a row (ms): {' '.join(f'{v:.0f}' for v in listing)}"
    )
    return target, ops, summary


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("login", "refresh"):
        print("usage: python -m bench.scale_profile login|refresh", file=sys.stderr)
        return 2
    work = paths.LOCAL / "bench" / "scale-profile"
    work.mkdir(parents=True, exist_ok=True)
    mode = scale.MODES[0]
    recorded = []
    for users, structures in (scale.SIZES[0], scale.SIZES[-1])[: len(scale.SIZES)]:
        recorded.append(profile(work, mode, users, structures, argv[0]))
        print(recorded[-1][2], flush=True)
    if len(recorded) == 2:  # compare() prints "ours" (here: the largest size) against "plain" (the smallest)
        print(cpu_profile.compare(recorded[1][:2], recorded[0][:2], top=60))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
