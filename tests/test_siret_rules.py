"""SIRET rules, with the test vectors of docs/sirene.md; and the « type de structure » mapping."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from portal_adapter.sirene import siret as rules
from portal_adapter.sirene.types import ALL_TYPES, from_categorie_juridique

from tests.support import contract

SIRETS = contract.vectors("siret-vectors")
SIRET_ERRORS = {"invalid_format": rules.SiretFormatError, "invalid_checksum": rules.SiretChecksumError}


@pytest.mark.parametrize("vector", SIRETS, ids=[repr(v["typed"])[:30] for v in SIRETS])
def test_siret_vectors(vector):
    """contract/siret-vectors.json, which JUnit's SiretFormTest runs on the registration form."""
    if vector["error"] is None:
        assert rules.validate(vector["typed"]) == vector["siret"]
    else:
        with pytest.raises(SIRET_ERRORS[vector["error"]]) as error:
            rules.validate(vector["typed"])
        assert error.value.code == vector["error"]
        assert error.value.message == contract.load("siret-vectors")["errors"][vector["error"]]["message"]


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("1000", "entrepreneur_individuel"),
        ("5710", "societe_commerciale"),
        ("5499", "societe_commerciale"),
        ("5195", "association"),
        ("9220", "association"),
        ("6540", "societe_civile"),
        ("9300", "fondation"),
        ("7210", "collectivite_territoriale"),
        ("7313", "collectivite_territoriale"),
        ("7343", "intercommunalite"),
        ("7344", "intercommunalite"),
        ("7120", "administration_etat"),
        ("7331", "etablissement_public_administratif"),
        ("7389", "etablissement_public_administratif"),
        ("4110", "epic"),
        ("7490", "autre_personne_publique"),
        ("8210", "organisme_social"),
        ("9110", "copropriete"),
        ("2110", "autre"),
        ("", "autre"),
        (None, "autre"),
        ("73", "autre"),
        ("ABCD", "autre"),
    ],
)
def test_structure_type_from_legal_category(category, expected):
    assert from_categorie_juridique(category).code == expected


def test_structure_types_are_the_contracts():
    """contract/structure-types.json; JUnit's StructureTypesTest checks the registration's list
    and the login theme's labels against it."""
    types = contract.load("structure-types")["types"]
    assert [{"code": t.code, "label": t.label} for t in ALL_TYPES] == types
    openapi = json.loads(resources.files("portal_adapter.sirene").joinpath("openapi.json").read_text(encoding="utf-8"))
    structure_type = openapi["components"]["schemas"]["Structure"]["properties"]["structure_type"]
    assert structure_type["properties"]["code"]["enum"] == [t["code"] for t in types]
