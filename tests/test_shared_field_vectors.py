"""The person-name and e-mail vectors of ``contract/`` (JUnit's SharedFieldVectorsTest runs
them on the registration's rules) on « Ajouter un collègue »'s rules."""

from __future__ import annotations

import pytest
from portal_adapter.members.service import validate_colleague

from tests.support import contract

COLLEAGUE = {"first": "Jeanne", "last": "Martin", "email": "jeanne.martin@exemple.fr", "job_title": "Cheffe"}
NAMES = contract.vectors("person-name-vectors")
EMAILS = contract.vectors("email-vectors")


def errors_with(**typed: str) -> dict[str, str]:
    return validate_colleague(**{**COLLEAGUE, **typed}, profile="standard")


def test_a_complete_colleague_is_valid():
    assert errors_with() == {}


@pytest.mark.parametrize("vector", NAMES, ids=[repr(v["value"])[:40] for v in NAMES])
def test_person_names(vector):
    assert ("prenom" not in errors_with(first=vector["value"])) is vector["valid"]
    assert ("nom" not in errors_with(last=vector["value"])) is vector["valid"]


@pytest.mark.parametrize("vector", EMAILS, ids=[repr(v["value"])[:40] for v in EMAILS])
def test_emails(vector):
    assert ("courriel" not in errors_with(email=vector["value"])) is vector["valid"]
