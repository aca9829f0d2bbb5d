"""Choose the JDK Keycloak runs on: the newest supported one found on the machine.

Run as ``python3 -m devstack.jdk`` it prints the chosen JAVA_HOME (stdlib only, so
the Makefile can call it before any virtualenv exists).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from devstack.errors import StackError

# Java versions Keycloak 26.7 supports (17 is deprecated but still runs it).
SUPPORTED_MAJORS = (25, 21, 17)
SEARCH_DIRS = ("/usr/lib/jvm", "/usr/java", "/opt/java", "/opt")


@dataclass(frozen=True)
class Jdk:
    home: Path
    major: int

    @property
    def java(self) -> Path:
        return self.home / "bin" / "java"


def _major_of(home: Path) -> int | None:
    """Read the major version from the JDK's ``release`` file."""
    release = home / "release"
    if not (release.is_file() and (home / "bin" / "javac").exists()):
        return None
    match = re.search(r'^JAVA_VERSION="(\d+)', release.read_text(errors="replace"), re.M)
    return int(match.group(1)) if match else None


def _candidates() -> list[Path]:
    homes: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        homes.append(Path(os.environ["JAVA_HOME"]))
    java_on_path = shutil.which("java")
    if java_on_path:
        homes.append(Path(java_on_path).resolve().parent.parent)
    for parent in SEARCH_DIRS:
        base = Path(parent)
        if base.is_dir():
            homes.extend(sorted(p for p in base.iterdir() if p.is_dir()))
    return homes


def find_jdks() -> list[Jdk]:
    """Every distinct JDK found, newest first."""
    seen: dict[Path, Jdk] = {}
    for home in _candidates():
        real = home.resolve()
        major = _major_of(real)
        if major is not None and real not in seen:
            seen[real] = Jdk(real, major)
    return sorted(seen.values(), key=lambda j: j.major, reverse=True)


def choose_jdk() -> Jdk:
    """The newest JDK whose major version Keycloak supports."""
    found = find_jdks()
    for jdk in found:
        if jdk.major in SUPPORTED_MAJORS:
            return jdk
    seen = ", ".join(f"{j.major} ({j.home})" for j in found) or "none"
    raise StackError(
        "No JDK that Keycloak supports was found "
        f"(supported: {', '.join(map(str, SUPPORTED_MAJORS))}; found: {seen}). "
        "Install one, e.g. `apt-get install openjdk-17-jdk-headless`, "
        "or point JAVA_HOME at a JDK 21 or 25."
    )


def main() -> int:
    try:
        print(choose_jdk().home)
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
