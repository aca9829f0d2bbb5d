"""What the session's fixtures (tests/conftest.py) share with the tests."""

from __future__ import annotations

from pathlib import Path

from devstack import paths

ARTIFACTS = paths.ROOT / "test-artifacts"  # screenshots
BANNER = "Serveur de test"  # HARIANE_ENVIRONMENT_BANNER of the session's stack

# Servers whose logs are attached to a failing test's report (modules running servers of their own add theirs).
_LOGS: dict[str, Path] = {}
