"""The benchmarks that rewrite their own section of docs/benchmarks.md (bench/scale.py,
bench/argon2_starts.py): the section starts with its ``## `` heading and runs to the next one."""

from __future__ import annotations

import re
from pathlib import Path

from devstack import paths

DOC = paths.ROOT / "docs" / "benchmarks.md"


def replaced(text: str, section: str) -> str:
    """``text`` with the section of ``section``'s heading (its first line) replaced, or appended."""
    heading = section.splitlines()[0]
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        return pattern.sub(lambda _: section.rstrip() + "\n\n", text, count=1)
    return text.rstrip() + "\n\n" + section.rstrip() + "\n"


def rewrite_section(document: Path, section: str) -> None:
    document.write_text(replaced(document.read_text(encoding="utf-8"), section), encoding="utf-8")
