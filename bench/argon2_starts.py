"""Argon2 per JVM start: the CPU of Keycloak's password hash in fresh JVMs, without and with the
JVM options of deploy/keycloak/java-options, side by side in one run (starts alternate).

HotSpot's C2 compiler does not always compile BouncyCastle's Argon2 the same way: in some JVM
starts, each hash costs about 2.3 times the CPU, for the life of the process, at any population
(found by bench/scale.py, whose login figures moved by that much from one Keycloak start to the
next; docs/keycloak-jvm.md). Each start hashes Keycloak's default Argon2id (bench/java/
Argon2PerStart.java) with BouncyCastle's jar from the Keycloak distribution and the heap of a
production node; its figure is the median of its rounds after the first (warm-up).

``make bench BENCH=argon2_starts`` rewrites its own section of docs/benchmarks.md; ``BENCH_QUICK=1``
starts fewer JVMs.
"""

from __future__ import annotations

import statistics
import subprocess
from pathlib import Path

from bench import doc
from bench.scale import PRODUCTION_HEAP, QUICK
from devstack import paths
from devstack.jdk import choose_jdk
from devstack.keycloak import dist_dir, java_options

STARTS = 3 if QUICK else 12  # JVM starts per variant
ROUNDS = 3 if QUICK else 5  # rounds of 50 hashes per start; the first is the warm-up
SOURCE = Path(__file__).parent / "java" / "Argon2PerStart.java"
HEADING = "## Argon2 per JVM start (`bench/argon2_starts.py`)"
# a start is slow when its hash costs 1.75 times the fastest start's of the run or more (the two
# modes sit near 1 and 2.3 times)
SLOW = 1.75


def _bouncycastle() -> Path:
    return next((dist_dir() / "lib" / "lib" / "main").glob("org.bouncycastle.bcprov-*.jar"))


def _classpath(work: Path) -> str:
    """Argon2PerStart compiled against the distribution's BouncyCastle: the class path of a start."""
    classes = work / "argon2-starts"
    classes.mkdir(parents=True, exist_ok=True)
    bouncycastle = _bouncycastle()
    javac = choose_jdk().home / "bin" / "javac"
    subprocess.run([javac, "-d", classes, "-cp", bouncycastle, SOURCE], check=True, capture_output=True)
    return f"{bouncycastle}:{classes}"


def one_start(classpath: str, options: list[str]) -> float:
    """A fresh JVM's CPU milliseconds per hash (median of the rounds after the first)."""
    java = choose_jdk().home / "bin" / "java"
    command = [java, *PRODUCTION_HEAP.split(), *options, "-cp", classpath, "Argon2PerStart", str(ROUNDS)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    rounds = [float(value) for value in done.stdout.split()]
    return statistics.median(rounds[1:])


def section(figures: dict[str, list[float]], machine: str) -> str:
    fastest = min(min(values) for values in figures.values())
    lines = [HEADING, ""]
    if QUICK:
        lines += ["> **BENCH_QUICK run**: few JVM starts, to check that the benchmark works.", ""]
    lines += [
        machine.rstrip(),
        "",
        f"Written by `make bench BENCH=argon2_starts`: {STARTS} JVM starts per variant, alternating, each hashing "
        f"Keycloak's default Argon2id (7 MiB, 5 iterations) on one thread with `{PRODUCTION_HEAP}`; a start's "
        f"figure is the median CPU per hash of its last {ROUNDS - 1} rounds of 50. « Slow »: {SLOW:g} times the "
        "fastest start of the run or more. Why: docs/keycloak-jvm.md.",
        "",
        "| JVM options | CPU per hash, each start, in order (ms) | median (ms) | slowest (ms) | slow starts |",
        "|---|---|---|---|---|",
    ]
    for label, values in figures.items():
        slow = sum(value >= SLOW * fastest for value in values)
        lines.append(
            f"| {label} | {' '.join(f'{v:.0f}' for v in values)} | {statistics.median(values):.1f} "
            f"| {max(values):.1f} | {slow} of {len(values)} |"
        )
    return "\n".join(lines) + "\n"


def run(work: Path) -> str:
    from bench.__main__ import _machine

    classpath = _classpath(work)
    ours = java_options()
    figures: dict[str, list[float]] = {"none (HotSpot's defaults)": [], f"`{' '.join(ours)}`": []}
    for start in range(STARTS):
        for (label, values), options in zip(figures.items(), ([], ours), strict=True):
            values.append(one_start(classpath, options))
            print(f"argon2_starts: start {start + 1}/{STARTS}, {label}: {values[-1]:.1f} ms per hash", flush=True)
    text = section(figures, _machine())
    doc.rewrite_section(doc.DOC, text)
    return text


if __name__ == "__main__":
    print(run(paths.LOCAL / "bench"))
