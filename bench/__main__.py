"""``make bench``: run every benchmark and rewrite docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time

from bench import concession_import, siret_lookup
from devstack import paths
from devstack.jdk import choose_jdk
from devstack.keycloak import keycloak_version

DOC = paths.ROOT / "docs" / "benchmarks.md"


def _machine() -> str:
    cpu = "unknown CPU"
    for line in open("/proc/cpuinfo", encoding="utf-8"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=paths.ROOT).stdout.strip()
    return (f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit `{commit}`\n"
            f"- Machine: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}\n"
            f"- Keycloak {keycloak_version()} on JDK {choose_jdk().major}; Python {platform.python_version()}\n")


def main() -> int:
    work = paths.LOCAL / "bench"
    work.mkdir(parents=True, exist_ok=True)
    sections = [siret_lookup.run(work), concession_import.run(work)]
    DOC.write_text(
        "# Benchmarks\n\nWritten by `make bench` from one run; every figure below comes from that run.\n\n"
        + _machine() + "\n" + "\n".join(sections)
    )
    print(DOC.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
