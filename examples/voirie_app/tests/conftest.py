"""The reference app's own tests need no server: all of them are pure (``make test-quick``).
Relying teams who copy the app take this folder with it."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "examples/voirie_app/tests" in str(item.path) and not item.get_closest_marker("pure"):
            item.add_marker("pure")
