"""SIRET rules, with the test vectors of docs/sirene.md; and the « type de structure » mapping."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from portal_adapter.sirene import siret as rules
from portal_adapter.sirene.types import ALL_TYPES, from_categorie_juridique

from tests.support import contract


@pytest.mark.parametrize(
    "number",
    [
        "20008495200015",
        "73282932000074",
        "39860733300059",
        "21920023500014",
        "88087814500015",
        "35600000000048",
        "35600000009075",
        "35600000049837",
    ],
)
def test_valid_sirets(number):
    assert rules.validate(number) == number


@pytest.mark.parametrize(
    "typed", ["200 084 952 00015", "200.084.952.00015", " 20008495200015 ", "200\u00a0084\u00a0952\u00a000015"]
)
def test_spaces_and_dots_are_removed(typed):
    assert rules.validate(typed) == "20008495200015"


@pytest.mark.parametrize("number", ["20008495200016", "73282932000079", "35600000049838", "12345678901234"])
def test_wrong_checksums(number):
    with pytest.raises(rules.SiretChecksumError) as error:
        rules.validate(number)
    assert error.value.code == "invalid_checksum"


@pytest.mark.parametrize(
    "number", ["1234567890123", "2000849520001A", "", "200084952000150", "２０００８４９５２０００１５"]
)
def test_wrong_formats(number):
    with pytest.raises(rules.SiretFormatError) as error:
        rules.validate(number)
    assert error.value.code == "invalid_format"


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
