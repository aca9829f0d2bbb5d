"""Where Keycloak's CPU goes, ours next to plain: Java Flight Recorder samples of the Keycloak
process while bench/keycloak_login.py's load runs on one realm, then on the other, compared
method by method per 1,000 operations. A diagnosis tool (not part of ``make bench``):

    .venv/bin/python -m bench.cpu_profile refresh      # or: login

It starts its own Keycloak with both realms (as bench/keycloak_login.py does), warms up, records
``PAIRS`` alternating 25-second recordings per realm and prints, for the last pair, the methods
whose inclusive samples per 1,000 operations differ most, then every frame of the extension
(``fr.lehavre``) and of Keycloak's organizations. Recordings stay in .local/bench/cpu-profile/.
This is how the uncached client-role list behind the ``cache-anchor`` client roles was found
(realm-config/README.md).
"""

from __future__ import annotations

import collections
import re
import secrets as secrets_module
import subprocess
import sys
from pathlib import Path

from bench import keycloak_login as kl
from bench import procstat
from devstack import paths, secrets_store
from devstack.jdk import choose_jdk

PAIRS = 2
SECONDS = 25.0
WATCHED = ("fr.lehavre.", "organization")


def _record(pid: int, realm: kl.Realm, operation: str, target: Path) -> int:
    jdk = choose_jdk().home / "bin"
    subprocess.run(
        [jdk / "jcmd", str(pid), "JFR.start", "name=bench", "settings=profile", f"filename={target}"],
        check=True,
        capture_output=True,
    )
    try:
        return kl._load(realm, SECONDS, pid, operation).ops
    finally:
        subprocess.run([jdk / "jcmd", str(pid), "JFR.stop", "name=bench"], check=True, capture_output=True)


def inclusive_samples(recording: Path) -> tuple[int, collections.Counter]:
    """Number of CPU samples, and per method the samples whose stack contains it."""
    text = subprocess.run(
        [
            choose_jdk().home / "bin" / "jfr",
            "print",
            "--events",
            "jdk.ExecutionSample",
            "--stack-depth",
            "300",
            str(recording),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counts: collections.Counter = collections.Counter()
    samples = 0
    for block in text.split("jdk.ExecutionSample {")[1:]:
        samples += 1
        counts.update(set(re.findall(r"^\s+([\w$.<>/]+)\(.*?\)\s+line:", block, re.M)))
    return samples, counts


def compare(ours: tuple[Path, int], plain: tuple[Path, int], top: int = 40) -> str:
    (ours_file, ours_ops), (plain_file, plain_ops) = ours, plain
    ours_samples, ours_counts = inclusive_samples(ours_file)
    plain_samples, plain_counts = inclusive_samples(plain_file)

    def per_kop(counts, method, ops):
        return 1000 * counts[method] / ops

    lines = [
        f"CPU samples per operation: ours {ours_samples / ours_ops:.3f}, plain {plain_samples / plain_ops:.3f}",
        "",
        "inclusive samples per 1,000 operations: ours - plain, ours, plain, method",
    ]
    methods = sorted(
        set(ours_counts) | set(plain_counts),
        key=lambda m: per_kop(plain_counts, m, plain_ops) - per_kop(ours_counts, m, ours_ops),
    )
    for method in methods[:top]:
        o, p = per_kop(ours_counts, method, ours_ops), per_kop(plain_counts, method, plain_ops)
        lines.append(f"{o - p:8.1f} {o:8.1f} {p:8.1f}  {method}")
    lines += ["", "the extension's and the organizations' frames (ours):"]
    lines += [
        f"{per_kop(ours_counts, m, ours_ops):8.1f}  {m}"
        for m, _ in ours_counts.most_common()
        if any(w in m for w in WATCHED)
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("login", "refresh"):
        print("usage: python -m bench.cpu_profile login|refresh", file=sys.stderr)
        return 2
    operation = argv[0]
    work = paths.LOCAL / "bench" / "cpu-profile"
    work.mkdir(parents=True, exist_ok=True)
    secrets = secrets_store.generate()
    password = "Bench " + secrets_module.token_urlsafe(18)
    parts = kl._parts(work, secrets, kl._distinct_ports(3))
    portal_url = parts.portal_url
    server = kl._start_keycloak(parts, paths.LOCAL / "bench" / "keycloak-login")
    try:
        server.start()
        pid = procstat.java_pid(server.process.pid)
        ours = kl.provision_ours(server, secrets, portal_url, password)
        plain = kl.create_plain(server, secrets, ours.client.redirect_uri, password)
        for realm in (ours, plain, ours, plain):
            kl._load(realm, 15.0, pid, operation)  # JIT and caches
        recorded = {}
        for pair in range(PAIRS):
            for name, realm in (("ours", ours), ("plain", plain)):
                target = work / f"{operation}-{name}-{pair}.jfr"
                recorded[name] = (target, _record(pid, realm, operation, target))
    finally:
        server.stop()
    print(compare(recorded["ours"], recorded["plain"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
