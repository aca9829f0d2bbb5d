"""The Python identifier rules give the same vectors as the Java extension's."""

from __future__ import annotations

import pytest
from portal_adapter.members import login_identifier

from tests.support import contract

VECTORS = contract.vectors("login-identifier-vectors")


@pytest.mark.parametrize("vector", VECTORS, ids=[v["identifier"] for v in VECTORS])
def test_shared_vectors(vector):
    assert login_identifier.base(vector["first"], vector["last"]) == vector["identifier"]


def test_candidates_and_refusals():
    assert login_identifier.candidate("pro.john.doe", 1) == "pro.john.doe"
    assert login_identifier.candidate("pro.john.doe", 2) == "pro.john.doe2"
    with pytest.raises(ValueError):
        login_identifier.base("<>", "Doe")
