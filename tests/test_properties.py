"""Properties of the adapter's pure logic, checked by Hypothesis on generated inputs: the
login identifier, the SIRET rules (and the pattern the OpenAPI document publishes for them),
the structure record built from the registers' answers, the concession access codes and the
lockout table, and the API's bearer check. No server: the whole file runs in seconds."""

from __future__ import annotations

import base64
import json
import re
import string
import sys
import time
from datetime import UTC, datetime
from importlib import resources

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from jsonschema import Draft202012Validator
from portal_adapter.concessions import access_codes, lockout
from portal_adapter.config import Settings
from portal_adapter.members import login_identifier
from portal_adapter.sirene import insee, recherche_entreprises
from portal_adapter.sirene import siret as siret_rules
from portal_adapter.sirene.errors import LookupFailed
from portal_adapter.sirene.record import MASKED_VALUES, STREET_TYPES, Address, StructureRecord, clean, street_line
from portal_adapter.sirene.types import ALL_TYPES
from portal_adapter.web.api_auth import ApiCallerCheck, Unauthenticated
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# Bounded: 200 examples a property (100 for the costly ones), no per-example deadline (CI
# machines are slow and shared).
PROPERTY = settings(max_examples=200, deadline=None)
COSTLY = settings(PROPERTY, max_examples=100)

OPENAPI = json.loads(resources.files("portal_adapter.sirene").joinpath("openapi.json").read_text(encoding="utf-8"))
SIRET_PATTERN = OPENAPI["paths"]["/api/structures/{siret}"]["get"]["parameters"][0]["schema"]["pattern"]


def _schema_validator(name: str) -> Draft202012Validator:
    registry = Registry().with_resource("urn:api", Resource.from_contents(OPENAPI, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"urn:api#/components/schemas/{name}"}, registry=registry)


STRUCTURE_SCHEMA = _schema_validator("Structure")

# Any JSON value, as an upstream answer or a token may carry where an object was expected.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)

# --- the login identifier -----------------------------------------------------------------

IDENTIFIER_PART = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
IDENTIFIER = re.compile(rf"pro\.{IDENTIFIER_PART.pattern}\.{IDENTIFIER_PART.pattern}")
FRENCH_LETTERS = string.ascii_letters + "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"
# Unicode White_Space (no-break spaces included), apostrophes, underscore and dashes.
NAME_SEPARATORS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000'’ʼ‘`´_-‐‑–—"
)
FRENCH_WORD = st.text(st.sampled_from(FRENCH_LETTERS), min_size=1, max_size=12)
SEPARATOR_RUN = st.text(st.sampled_from(NAME_SEPARATORS), min_size=1, max_size=3)


@PROPERTY
@given(st.text())
@example("<>")
@example("Ægir")
def test_a_name_part_is_lower_case_ascii_words_joined_by_single_hyphens_or_refused(name):
    try:
        part = login_identifier.part(name)
    except ValueError:
        return
    assert IDENTIFIER_PART.fullmatch(part), part
    assert login_identifier.part(part) == part  # idempotent


@PROPERTY
@given(st.text(), st.text())
def test_an_identifier_always_has_the_published_shape_and_is_deterministic(first, last):
    try:
        identifier = login_identifier.base(first, last)
    except ValueError:
        return
    assert IDENTIFIER.fullmatch(identifier), identifier
    assert identifier.isascii() and identifier == identifier.lower() and identifier.startswith("pro.")
    assert login_identifier.base(first, last) == identifier


@PROPERTY
@given(
    st.lists(FRENCH_WORD, min_size=1, max_size=3), SEPARATOR_RUN, st.text(st.sampled_from(NAME_SEPARATORS), max_size=2)
)
@example(["Anne", "Sophie"], "\u00a0", "")  # a no-break space between words: a hyphen on both sides (Java too)
def test_french_names_are_never_refused_and_separators_become_one_hyphen(words, separator, around):
    name = around + separator.join(words) + around
    part = login_identifier.part(name)
    assert part == "-".join(login_identifier.part(word) for word in words)
    assert login_identifier.part(name.upper()) == part  # case does not matter
    letters = sum(2 if c in "œæŒÆ" else 1 for c in "".join(words))
    assert len(part.replace("-", "")) == letters  # one letter per letter: accents are folded, never dropped


def test_white_space_separates_words_as_in_the_java_extension():
    """Java's \\p{IsWhite_Space} (LoginIdentifier.java): Unicode White_Space, not U+001C..U+001F
    that Python's \\s would add. A no-break space once joined the words on the Java side only."""
    for char in filter(str.isspace, map(chr, range(sys.maxunicode + 1))):
        expected = "anne-marie" if char not in "\x1c\x1d\x1e\x1f" else "annemarie"
        assert login_identifier.part(f"Anne{char}Marie") == expected, hex(ord(char))


@PROPERTY
@given(st.text(min_size=1).filter(lambda s: any(c.isascii() and c.isalnum() for c in s)))
def test_a_name_with_an_ascii_letter_or_digit_is_never_refused(name):
    assert login_identifier.part(name)


@PROPERTY
@given(FRENCH_WORD, FRENCH_WORD, st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_candidates_are_the_base_then_numbered_and_distinct(first, last, n, m):
    base = login_identifier.base(first, last)
    assert login_identifier.candidate(base, 1) == base
    candidate = login_identifier.candidate(base, n)
    assert candidate == (base if n == 1 else f"{base}{n}")
    assert IDENTIFIER.fullmatch(candidate)
    assert (candidate == login_identifier.candidate(base, m)) == (n == m)


@PROPERTY
@given(st.integers(max_value=0))
def test_candidates_start_at_one(attempt):
    with pytest.raises(ValueError):
        login_identifier.candidate("pro.john.doe", attempt)


# --- SIRET rules ---------------------------------------------------------------------------

LA_POSTE = "356000000"


def luhn_check_digit(digits: str) -> str:
    """The digit that makes ``digits + it`` pass the Luhn check (written here, not stdnum's)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


@st.composite
def valid_sirets(draw) -> str:
    siren8 = draw(st.text("0123456789", min_size=8, max_size=8))
    siren = siren8 + luhn_check_digit(siren8)
    assume(siren != LA_POSTE)
    nic4 = draw(st.text("0123456789", min_size=4, max_size=4))
    return siren + nic4 + luhn_check_digit(siren + nic4)


# What people type between the digits: spaces of any kind, tabs, dots, hyphens (as the API
# documents and contract/siret-vectors.json says; never line breaks).
SIRET_SEPARATORS = "\t \xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000.-"


@PROPERTY
@given(valid_sirets())
@example("20008495200015")
def test_every_valid_siret_is_accepted_as_is(number):
    assert siret_rules.validate(number) == number


@PROPERTY
@given(valid_sirets(), st.data())
def test_separators_anywhere_are_ignored(number, data):
    runs = data.draw(st.lists(st.text(st.sampled_from(SIRET_SEPARATORS), max_size=2), min_size=15, max_size=15))
    typed = "".join(run + digit for run, digit in zip(runs[:14], number, strict=True)) + runs[14]
    if len(typed) > siret_rules.MAX_TYPED_LENGTH:  # contract/siret-vectors.json: too long to be typed
        with pytest.raises(siret_rules.SiretFormatError):
            siret_rules.validate(typed)
    else:
        assert siret_rules.validate(typed) == number


@PROPERTY
@given(valid_sirets(), st.integers(min_value=0, max_value=13), st.integers(min_value=1, max_value=9))
def test_any_single_digit_changed_is_a_checksum_error(number, position, shift):
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assume(changed[:9] != LA_POSTE)
    with pytest.raises(siret_rules.SiretChecksumError):
        siret_rules.validate(changed)


@PROPERTY
@given(st.text("0123456789", min_size=5, max_size=5))
def test_la_poste_establishments_sum_to_a_multiple_of_five(nic):
    number = LA_POSTE + nic
    if sum(map(int, number)) % 5 == 0:
        assert siret_rules.validate(number) == number
    else:
        with pytest.raises(siret_rules.SiretChecksumError):
            siret_rules.validate(number)


SIRET_LIKE_TEXT = st.text(st.sampled_from("0123456789" + SIRET_SEPARATORS + "aZ/_,٣０"), max_size=24) | st.text(
    max_size=24
)


@PROPERTY
@given(SIRET_LIKE_TEXT)
@example("200 084 952 00015")
@example("２０００８４９５２０００１５")
def test_any_text_is_a_siret_or_an_invalid_siret_and_the_published_pattern_agrees(text):
    try:
        number = siret_rules.validate(text)
    except siret_rules.SiretFormatError:
        assert not re.search(SIRET_PATTERN, text), "the OpenAPI pattern accepts what the code refuses as a format"
    except siret_rules.SiretChecksumError:
        assert re.search(SIRET_PATTERN, text), "a checksum error for a text the OpenAPI pattern refuses"
    else:
        assert re.fullmatch(r"[0-9]{14}", number) and number == siret_rules.normalize(text)
        assert re.search(SIRET_PATTERN, text)


# --- the structure record --------------------------------------------------------------------

MASKED = st.sampled_from(sorted(MASKED_VALUES)).flatmap(
    lambda value: st.sampled_from([value, value.lower(), f"  {value} ", value.title()])
)
REGISTER_VALUE = st.none() | MASKED | st.text(max_size=20) | st.integers() | JSON


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def assert_a_clean_record(record: StructureRecord, siret: str) -> None:
    assert record.siret == siret and record.siren == siret[:9]
    data = json.loads(json.dumps(record.to_json()))
    STRUCTURE_SCHEMA.validate(data)
    for text in _strings(data):
        assert text == text.strip() and text, f"an untrimmed or empty value: {text!r}"
        assert text.upper() not in MASKED_VALUES, f"a masked placeholder kept: {text!r}"


@PROPERTY
@given(REGISTER_VALUE)
def test_clean_keeps_trimmed_text_and_drops_empty_and_masked_values(value):
    cleaned = clean(value)
    if cleaned is not None:
        assert cleaned == cleaned.strip() and cleaned and cleaned.upper() not in MASKED_VALUES
        assert isinstance(value, str | int | float) and not isinstance(value, bool)
        assert cleaned == str(value).strip()


@PROPERTY
@given(MASKED)
def test_masked_values_are_dropped_whatever_their_case_and_spaces(value):
    assert clean(value) is None


@PROPERTY
@given(st.sampled_from(sorted(STREET_TYPES)) | REGISTER_VALUE, REGISTER_VALUE)
def test_a_street_line_never_carries_a_masked_value(kind, name):
    line = street_line(kind, name)
    if line is None:
        assert clean(kind) is None and clean(name) is None
    else:
        assert line.upper() not in MASKED_VALUES
        if isinstance(kind, str) and kind in STREET_TYPES:
            assert line.startswith(STREET_TYPES[kind])


RECHERCHE_FIELDS = (
    "adresse",
    "complement_adresse",
    "numero_voie",
    "indice_repetition",
    "type_voie",
    "libelle_voie",
    "distribution_speciale",
    "code_postal",
    "libelle_commune",
    "cedex",
    "libelle_cedex",
    "libelle_commune_etranger",
    "libelle_pays_etranger",
    "etat_administratif",
    "statut_diffusion_etablissement",
    "est_siege",
)


def recherche_payloads(siret: str):
    establishment = st.fixed_dictionaries(
        {"siret": st.just(siret) | st.text("0123456789", max_size=14)},
        optional={name: REGISTER_VALUE for name in RECHERCHE_FIELDS},
    )
    result = st.fixed_dictionaries(
        {"siren": st.just(siret[:9]) | JSON},
        optional={
            "siege": establishment | JSON,
            "matching_etablissements": st.lists(establishment | JSON, max_size=2) | JSON,
            "nom_raison_sociale": REGISTER_VALUE,
            "nom_complet": REGISTER_VALUE,
            "sigle": REGISTER_VALUE,
            "nature_juridique": REGISTER_VALUE | st.text("0123456789", min_size=4, max_size=4),
            "etat_administratif": REGISTER_VALUE,
            "statut_diffusion": REGISTER_VALUE,
        },
    )
    return st.fixed_dictionaries({"results": st.lists(result | JSON, max_size=2)}) | JSON


def test_a_head_office_with_every_value_masked_is_a_clean_record():
    number = "20008495200015"
    payload = {
        "results": [
            {
                "siren": number[:9],
                "nom_complet": "[NON-DIFFUSIBLE]",
                "statut_diffusion": "P",
                "siege": {"siret": number, **dict.fromkeys(RECHERCHE_FIELDS, "[ND]")},
            }
        ]
    }
    record = recherche_entreprises.parse(payload, number)
    assert_a_clean_record(record, number)
    assert record.name is None and not record.public and record.address.street is None


@COSTLY
@given(st.data(), valid_sirets())
def test_any_recherche_answer_is_a_clean_record_or_a_lookup_error(data, number):
    payload = data.draw(recherche_payloads(number), label="payload")
    try:
        record = recherche_entreprises.parse(payload, number)
    except LookupFailed:
        return
    assert_a_clean_record(record, number)


INSEE_ADDRESS_FIELDS = (
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "distributionSpecialeEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement",
    "codeCedexEtablissement",
    "libelleCedexEtablissement",
    "libellePaysEtrangerEtablissement",
)
INSEE_UNIT_FIELDS = (
    "denominationUniteLegale",
    "prenomUsuelUniteLegale",
    "prenom1UniteLegale",
    "nomUsageUniteLegale",
    "nomUniteLegale",
    "sigleUniteLegale",
    "categorieJuridiqueUniteLegale",
    "etatAdministratifUniteLegale",
    "statutDiffusionUniteLegale",
)


def insee_payloads(siret: str):
    period = st.fixed_dictionaries(
        {}, optional={"dateFin": st.none() | st.text(max_size=10), "etatAdministratifEtablissement": REGISTER_VALUE}
    )
    establishment = st.fixed_dictionaries(
        {"siret": st.just(siret) | st.text("0123456789", max_size=14)},
        optional={
            "uniteLegale": st.fixed_dictionaries({}, optional={name: REGISTER_VALUE for name in INSEE_UNIT_FIELDS})
            | JSON,
            "adresseEtablissement": st.fixed_dictionaries(
                {}, optional={name: REGISTER_VALUE for name in INSEE_ADDRESS_FIELDS}
            )
            | JSON,
            "periodesEtablissement": st.lists(period | JSON, max_size=2) | JSON,
            "etablissementSiege": REGISTER_VALUE,
            "statutDiffusionEtablissement": REGISTER_VALUE,
        },
    )
    return st.fixed_dictionaries({"etablissement": establishment | JSON}) | JSON


@COSTLY
@given(st.data(), valid_sirets())
def test_any_insee_answer_is_a_clean_record_or_a_lookup_error(data, number):
    payload = data.draw(insee_payloads(number), label="payload")
    try:
        record = insee.parse(payload, number)
    except LookupFailed:
        return
    assert_a_clean_record(record, number)


CLEAN_TEXT = st.text(min_size=1, max_size=30).map(str.strip).filter(lambda s: s and s.upper() not in MASKED_VALUES)
OPTIONAL_TEXT = st.none() | CLEAN_TEXT


@st.composite
def records(draw) -> StructureRecord:
    number = draw(valid_sirets())
    return StructureRecord(
        siret=number,
        siren=number[:9],
        name=draw(OPTIONAL_TEXT),
        acronym=draw(OPTIONAL_TEXT),
        legal_category=draw(st.none() | st.text("0123456789", min_size=4, max_size=4)),
        structure_type=draw(st.sampled_from(ALL_TYPES)),
        head_office=draw(st.booleans()),
        active=draw(st.booleans()),
        public=draw(st.booleans()),
        address=Address(
            **{
                name: draw(OPTIONAL_TEXT)
                for name in (
                    "postal_code",
                    "city",
                    "recipient",
                    "apartment",
                    "building",
                    "street_number",
                    "street_number_suffix",
                    "street",
                    "po_box_or_locality",
                    "one_line",
                )
            },
            country=draw(CLEAN_TEXT),
        ),
        address_complete=draw(st.booleans()),
        source=draw(st.sampled_from(["recherche-entreprises", "insee", "offline"])),
        fetched_at=draw(st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.just(UTC))),
    )


@COSTLY
@given(records())
def test_a_record_survives_its_json_and_matches_the_published_schema(record):
    data = json.loads(json.dumps(record.to_json()))
    STRUCTURE_SCHEMA.validate(data)
    again = StructureRecord.from_json(data)
    assert again == record and again.fetched_at == record.fetched_at
    assert data["state"] == ("active" if record.active else "closed")


def test_the_published_structure_types_are_those_of_the_code():
    published = OPENAPI["components"]["schemas"]["Structure"]["properties"]["structure_type"]["properties"]["code"][
        "enum"
    ]
    assert published == [kind.code for kind in ALL_TYPES]


# --- concession access codes -----------------------------------------------------------------

PEPPER = b"p" * 32
CODES = st.text("0123456789", min_size=4, max_size=4)
ACCOUNT_KEYS = st.text(min_size=1, max_size=20)


@PROPERTY
@given(CODES, st.data())
def test_a_code_typed_with_spaces_is_the_code(code, data):
    around = data.draw(st.text(st.sampled_from(" \t\u00a0\u3000\n"), max_size=3))
    inner = data.draw(st.lists(st.text(" ", max_size=2), min_size=3, max_size=3))
    typed = around + "".join(digit + gap for digit, gap in zip(code, [*inner, ""], strict=True)) + around
    assert access_codes.normalize_code(typed) == code


@PROPERTY
@given(st.text(max_size=10))
def test_any_text_is_a_code_or_an_invalid_code(typed):
    try:
        code = access_codes.normalize_code(typed)
    except access_codes.InvalidCode:
        return
    assert re.fullmatch(r"[0-9]{4}", code)


@PROPERTY
@given(ACCOUNT_KEYS, CODES, st.text(max_size=10))
@example("ECR-0001", "1234", "1234\n")
@example("ECR-0001", "1234", "١٢٣٤")  # Arabic-Indic digits are not the code
def test_matches_only_the_account_s_code_and_never_raises(account, code, typed):
    stored = access_codes.digest(PEPPER, account, code)
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    try:
        same = access_codes.normalize_code(typed) == code
    except access_codes.InvalidCode:
        same = False
    assert access_codes.matches(PEPPER, account, typed, stored) is same
    assert access_codes.matches(PEPPER, account, code, stored)


@PROPERTY
@given(st.lists(ACCOUNT_KEYS, min_size=2, max_size=2, unique=True), CODES)
def test_the_digest_is_bound_to_the_account(accounts, code):
    account, other = accounts
    assert access_codes.digest(PEPPER, account, code) != access_codes.digest(PEPPER, other, code)
    assert not access_codes.matches(PEPPER, other, code, access_codes.digest(PEPPER, account, code))


# --- the lockout table -----------------------------------------------------------------------

NOW = 1_800_000_000.0
OFFSETS = st.integers(min_value=-2 * 86400, max_value=0)  # whole seconds in the last two days


def failure_times(scattered: int, burst: int):
    """A few failures anywhere in the last two days, plus a burst of up to ``burst`` failures
    ``step`` seconds apart (cheap to draw, and what reaches the limits)."""
    bursts = st.builds(
        lambda n, start, step: [NOW + start - i * step for i in range(n)],
        st.integers(0, burst),
        OFFSETS,
        st.integers(0, 900),
    )
    return st.builds(lambda times, more: [NOW + t for t in times] + more, st.lists(OFFSETS, max_size=scattered), bursts)


FAILURES = st.builds(
    lockout.Failures,
    concession=failure_times(4, 5),
    concession_total=st.integers(0, 15),
    user=failure_times(4, 8),
    siret=failure_times(4, 14),
    ip=failure_times(4, 40),
    service=failure_times(4, 130),
)
SCOPES = ("concession", "user", "siret", "ip", "service")


def _recent(times, window):
    return sum(1 for t in times if NOW - window < t <= NOW)


@COSTLY
@given(FAILURES)
def test_no_attempt_once_a_limit_is_reached(failures):
    decision = lockout.decide(failures, NOW)
    reached = (
        failures.concession_total >= lockout.HARD_LOCK_FAILURES
        or _recent(failures.service, lockout.HOUR) > 100
        or _recent(failures.concession, 15 * lockout.MINUTE) >= 3
        or _recent(failures.user, lockout.DAY) >= 5
        or _recent(failures.siret, lockout.DAY) >= 10
        or _recent(failures.ip, lockout.HOUR) >= 10
        or _recent(failures.ip, lockout.DAY) >= 30
    )
    assert decision.allowed is not reached
    if decision.allowed:
        assert decision.reason is None and decision.retry_after is None
    elif decision.reason == "concession_hard_lock":
        assert decision.retry_after is None
    else:
        assert 0 < decision.retry_after <= lockout.DAY


@COSTLY
@given(FAILURES, st.sampled_from(SCOPES), OFFSETS)
def test_one_more_failure_never_unblocks(failures, scope, offset):
    before = lockout.decide(failures, NOW)
    more = lockout.Failures(**{**vars(failures), scope: [*getattr(failures, scope), NOW + offset]})
    after = lockout.decide(more, NOW)
    assert after.allowed <= before.allowed
    assert after.alert >= before.alert
    bumped = lockout.decide(
        lockout.Failures(**{**vars(failures), "concession_total": failures.concession_total + 1}), NOW
    )
    assert bumped.allowed <= before.allowed


@COSTLY
@given(FAILURES)
def test_a_timed_block_is_over_after_retry_after(failures):
    decision = lockout.decide(failures, NOW)
    if decision.allowed or decision.retry_after is None:
        return
    later = lockout.decide(failures, NOW + decision.retry_after + 0.001)
    assert later.allowed or later.reason != decision.reason


@COSTLY
@given(FAILURES, st.integers(min_value=-(10**6), max_value=10**6))
def test_only_the_elapsed_times_matter(failures, shift):
    moved = lockout.Failures(
        **{
            name: value if name == "concession_total" else [t + shift for t in value]
            for name, value in vars(failures).items()
        }
    )
    here, there = lockout.decide(failures, NOW), lockout.decide(moved, NOW + shift)
    assert (here.allowed, here.reason, here.alert) == (there.allowed, there.reason, there.alert)
    assert (here.retry_after is None) == (there.retry_after is None)
    if here.retry_after is not None:
        assert abs(here.retry_after - there.retry_after) < 1e-6


# --- the API's bearer check ------------------------------------------------------------------

SETTINGS = Settings(api_secret="le-secret-partage-des-tests")
REALM_KEY = RSAKey.generate_key(2048, parameters={"kid": "realm-key", "alg": "RS256", "use": "sig"}, private=True)
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "realm-key", "alg": "RS256", "use": "sig"}, private=True)


class FakeRealmCheck(ApiCallerCheck):
    """The real check, the realm's keys served from memory; counts how often they are fetched."""

    def __init__(self) -> None:
        super().__init__(SETTINGS)
        self.loads = 0

    def _load(self) -> None:
        self.loads += 1
        self._keys = KeySet.import_key_set(KeySet([REALM_KEY]).as_dict(private=False))
        self._keys_at = time.monotonic()


def _signed(claims: dict, key=REALM_KEY) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def _claims(**changes) -> dict:
    return {"iss": SETTINGS.issuer, "exp": int(time.time()) + 300, "azp": "portal-adapter", **changes}


def test_a_realm_token_of_an_allowed_client_and_the_secret_pass():
    check = FakeRealmCheck()
    assert check.caller(f"Bearer {_signed(_claims())}") == "client:portal-adapter"
    assert check.caller(f"Bearer {SETTINGS.api_secret}") == "shared-secret"


def _b64_json(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


BAD_TOKENS = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda h, c, s: f"{_b64_json(h)}.{_b64_json(c)}.{s}",
        st.fixed_dictionaries(
            {"alg": st.sampled_from(["RS256", "HS256", "none", "ES256"]) | JSON},
            optional={"kid": st.sampled_from(["realm-key", "rotated"]) | JSON, "crit": JSON, "b64": JSON, "typ": JSON},
        )
        | JSON,
        st.fixed_dictionaries(
            {},
            optional={
                "iss": st.just(SETTINGS.issuer) | JSON,
                "exp": st.integers() | JSON,
                "azp": st.just("portal-adapter") | JSON,
            },
        )
        | JSON,
        st.text(string.ascii_letters + string.digits + "-_", max_size=30),
    ),
    st.builds(_signed, st.builds(_claims, iss=st.text(max_size=10))),
    st.builds(_signed, st.builds(_claims, exp=st.integers(min_value=0, max_value=int(NOW) - 10**8))),
    st.builds(_signed, st.builds(_claims, azp=st.text(max_size=10).filter(lambda c: c != "portal-adapter"))),
    st.builds(lambda: _signed(_claims(), key=OTHER_KEY)),
)


@COSTLY
@given(st.lists(BAD_TOKENS, min_size=1, max_size=3))
@example([_b64_json({"alg": "RS256", "crit": True}) + "." + _b64_json(_claims()) + ".AAAA"])  # a 500 before the fix
def test_made_up_tokens_are_refused_and_cannot_make_every_call_fetch_the_keys(tokens):
    check = FakeRealmCheck()
    for token in tokens:
        with pytest.raises(Unauthenticated):
            check.caller(f"Bearer {token}")
    assert check.loads <= 2  # the first fetch, then at most one refetch for an unknown key id
