"""Write THIRD-PARTY-NOTICES.md: what a deployment of Hariane PRO ships that others wrote.

``.venv/bin/python tools/third_party_notices.py`` lists the Python distributions that the
adapter image (``portal-adapter[postgres]``) and the reference relying app install at run
time — the transitive closure of their requirements, test tools excluded — with the
version and licence each declares, below the hand-written part about the images and the
Keycloak distribution. ``--check`` exits 1 when the file lacks a distribution of the
closure (tests/test_project_files.py runs it), so a new dependency cannot ship unlisted.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
NOTICES = ROOT / "THIRD-PARTY-NOTICES.md"
MARKER = "<!-- generated below by tools/third_party_notices.py -->"
# The run-time roots and the extras a deployment installs.
ROOTS = {"portal-adapter": {"postgres"}, "voirie-app": set()}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure() -> dict[str, metadata.Distribution]:
    """Every distribution reachable from ROOTS through run-time requirements."""
    found: dict[str, metadata.Distribution] = {}
    pending = [(name, extras) for name, extras in ROOTS.items()]
    while pending:
        name, extras = pending.pop()
        key = _canonical(name)
        if key in found:
            continue
        distribution = metadata.distribution(name)
        found[key] = distribution
        for line in distribution.requires or []:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker and not any(requirement.marker.evaluate(env) for env in environments):
                continue
            pending.append((requirement.name, set(requirement.extras)))
    for own in ROOTS:
        found.pop(_canonical(own), None)
    return dict(sorted(found.items()))


def licence_of(distribution: metadata.Distribution) -> str:
    meta = distribution.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return ", ".join(classifiers)
    declared = (meta.get("License") or "").strip().splitlines()
    return declared[0][:80] if declared and declared[0] else "see the distribution"


def generated_table() -> str:
    rows = ["| distribution | version | licence (as declared) |", "|---|---|---|"]
    for key, distribution in runtime_closure().items():
        rows.append(f"| {key} | {distribution.version} | {licence_of(distribution)} |")
    return "\n".join(rows) + "\n"


def missing_from(notices_text: str) -> list[str]:
    """The run-time distributions that the generated table of ``notices_text`` lacks."""
    listed = set(re.findall(r"^\| ([a-z0-9-]+) \|", notices_text.split(MARKER)[-1], flags=re.M))
    return sorted(set(runtime_closure()) - listed)


def main(argv: list[str]) -> int:
    text = NOTICES.read_text(encoding="utf-8")
    head = text.split(MARKER)[0]
    if "--check" in argv:
        missing = missing_from(text)
        if missing:
            print(
                "THIRD-PARTY-NOTICES.md lacks: "
                + ", ".join(missing)
                + " (run .venv/bin/python tools/third_party_notices.py)"
            )
            return 1
        return 0
    NOTICES.write_text(head + MARKER + "\n\n" + generated_table(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
