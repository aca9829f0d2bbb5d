"""``make bench``: run every benchmark and rewrite docs/benchmarks.md.

``python -m bench`` runs them all and rewrites the document from that one run.
``python -m bench keycloak_login [siret_lookup ...]`` runs only the named ones and prints their
sections; docs/benchmarks.md is left untouched, so every
figure in it still comes from one run. Each section is also written to .local/bench/<name>.md as
soon as it is measured. ``BENCH_QUICK=1`` shortens the Keycloak benchmark.
``python -m bench scale`` (``make bench BENCH=scale``) and ``argon2_starts`` are the exceptions:
each rewrites its own section of docs/benchmarks.md (bench/doc.py; scale also its plot), the rest
of the document kept.
"""

from __future__ import annotations

import importlib
import os
import platform
import subprocess
import sys
import time

from devstack import paths
from devstack.jdk import choose_jdk
from devstack.keycloak import keycloak_version

DOC = paths.ROOT / "docs" / "benchmarks.md"
# In the document's order; each module has run(work_dir: Path) -> str (a Markdown section).
MODULES = ("siret_lookup", "concession_import", "keycloak_login", "journeys", "newcomer", "argon2_starts", "scale")


def _machine() -> str:
    cpu = "unknown CPU"
    for line in open("/proc/cpuinfo", encoding="utf-8"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=paths.ROOT
    ).stdout.strip()
    return (
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit `{commit}`\n"
        f"- Machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}\n"
        f"- Keycloak {keycloak_version()} on JDK {choose_jdk().major}; Python {platform.python_version()}\n"
    )


def main(argv: list[str]) -> int:
    wants_help = any(arg in ("-h", "--help") for arg in argv)
    names = [arg.removeprefix("bench.").removesuffix(".py") for arg in argv if arg not in ("-h", "--help")]
    unknown = [name for name in names if name not in MODULES]
    if unknown or wants_help:
        print(
            f"usage: python -m bench [{' '.join(MODULES)}]\n"
            "No argument: every benchmark, docs/benchmarks.md rewritten. With names: those only, printed.",
            file=sys.stderr,
        )
        return 0 if not unknown else 2
    work = paths.LOCAL / "bench"
    work.mkdir(parents=True, exist_ok=True)
    sections = []
    for name in names or MODULES:
        section = importlib.import_module(f"bench.{name}").run(work)
        sections.append(section)
        (work / f"{name}.md").write_text(section)  # kept even if a later benchmark fails
    if names:
        print(_machine() + "\n" + "\n".join(sections))
        return 0
    DOC.write_text(
        "# Benchmarks\n\nWritten by `make bench` from one run; every figure below comes from that run.\n\n"
        + _machine()
        + "\n"
        + "\n".join(sections)
    )
    print(DOC.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
