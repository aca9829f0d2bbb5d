"""The shared contract (``contract/``): names and test vectors both the Java and the Python
test suites read."""

from __future__ import annotations

import json
from typing import Any

from devstack import paths


def load(name: str) -> Any:
    """One file of the contract, e.g. ``load("names")`` for ``contract/names.json``."""
    return json.loads((paths.CONTRACT_DIR / f"{name}.json").read_text(encoding="utf-8"))


def named_constants() -> dict[str, str]:
    """Every shared name of ``contract/names.json`` (its sections that are objects): constant
    name -> value."""
    sections = (section for section in load("names").values() if isinstance(section, dict))
    return {constant: value for section in sections for constant, value in section.items()}


def vectors(name: str) -> list[dict[str, Any]]:
    """The ``vectors`` of ``contract/<name>.json``."""
    return load(name)["vectors"]
