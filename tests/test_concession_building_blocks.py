"""Pure building blocks of the concession links: codes at rest, legacy rows, the lockout table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from portal_adapter.concessions import access_codes, lockout
from portal_adapter.concessions.label_folding import fold
from portal_adapter.concessions.legacy_rows import (
    NETWORK_LABELS,
    PUBLIC_ID,
    LegacyAccount,
    Rejected,
    label_key,
    read_rows,
)

from tests.support import contract

PEPPER = b"p" * 32
VECTORS = Path(__file__).parent / "vectors" / "label_folding.json"
LABEL_VECTORS = [tuple(v) for v in json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]]


def test_codes_are_stored_as_account_bound_hmac_and_compared_safely():
    stored = access_codes.digest(PEPPER, "eau du havre", "0421")
    assert "0421" not in stored and len(stored) == 64
    assert access_codes.digest(PEPPER, "gaz du havre", "0421") != stored  # bound to the account
    assert access_codes.matches(PEPPER, "eau du havre", " 0421 ", stored)
    for wrong in ("0422", "421", "abcd", "", "04210"):
        assert not access_codes.matches(PEPPER, "eau du havre", wrong, stored)
    with pytest.raises(ValueError):
        access_codes.digest(b"short", "x", "0421")


@pytest.mark.parametrize("vector", contract.vectors("concession-id-vectors"), ids=repr)
def test_concession_ids_by_the_contract_vectors(vector):
    """contract/concession-id-vectors.json, which JUnit's ConcessionLinksTest runs too."""
    assert (PUBLIC_ID.fullmatch(vector["value"]) is not None) is vector["valid"]


def test_labels_are_compared_without_case_accents_or_extra_spaces():
    assert label_key("  Réseau  EAU du Havre ") == label_key("reseau eau du havre")


@pytest.mark.parametrize(("typed", "folded"), LABEL_VECTORS)
def test_labels_fold_by_the_shared_vectors(typed, folded):
    assert fold(typed) == folded
    assert fold(folded) == folded  # idempotent: a stored key folds to itself
    assert label_key(typed) == folded  # the import and the linking use this one folding


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aÉeœŒ'’‘-–— \u00a0xZ"), max_size=30))
def test_folding_is_idempotent_and_blind_to_typographic_variants(text):
    assert fold(fold(text)) == fold(text)
    typed = text.replace("'", "’").replace("-", "–").replace("œ", "oe").replace("É", "e")
    assert fold(typed) == fold(text)


def test_legacy_rows_from_csv_with_reasons_for_rejections_and_remarks():
    text = (
        "Intitulé du compte;Code d'accès;Raison sociale;SIRET;Type de réseau;Contact\n"
        "Eau du Havre;0421;EAU DU HAVRE SAS;20008495200015;eau;m.dupont@eau.test\n"
        "Gaz Nord;12a4;GAZ NORD;;gaz;\n"
        ";1234;SANS INTITULE;;;\n"
        "Fibre Estuaire;9999;FIBRE ESTUAIRE;20008495200016;telecom;\n"
        "eau du  havre;1111;DOUBLON;;;\n"
        "Chaleur;0007;CHALEUR URBAINE;;vapeur;\n"
        "Eau Sud;0008;EAU SUD;;Eau potable;\n"
    )
    rows = list(read_rows(text, "registre.csv"))
    assert isinstance(rows[0], LegacyAccount) and rows[0].siret == "20008495200015" and rows[0].code == "0421"
    rejected = [(r.line, r.reason) for r in rows if isinstance(r, Rejected)]
    assert rejected == [
        (3, "code d'accès absent ou différent de 4 chiffres"),
        (4, "intitulé du compte manquant"),
        (6, "intitulé du compte en double dans le fichier"),
    ]
    accounts = {r.label: r for r in rows if isinstance(r, LegacyAccount)}
    # an optional value that cannot be used is left out and reported: the account is imported
    assert accounts["Fibre Estuaire"].siret is None
    assert accounts["Fibre Estuaire"].remarks == (
        "SIRET invalide (invalid_checksum) : 20008495200016 ; compte importé sans SIRET",
    )
    assert accounts["Chaleur"].network_type is None
    assert accounts["Chaleur"].remarks == ("type de réseau inconnu : vapeur ; compte importé sans type de réseau",)
    assert accounts["Eau Sud"].network_type == "eau" and accounts["Eau Sud"].remarks == ()  # the dashboard's label


@pytest.mark.parametrize("typed", ["Eau potable", "EAU POTABLE", "eau", "Eau", "eau  potable"])
def test_network_types_are_read_as_codes_or_as_the_labels_the_dashboard_shows(typed):
    (row,) = read_rows(f"intitulé du compte;code d'accès;raison sociale;type de réseau\nA;1234;B;{typed}\n", "r.csv")
    assert row.network_type == "eau" and row.remarks == ()
    for code, label in NETWORK_LABELS.items():
        (row,) = read_rows(f"intitule;code;raison sociale;type de reseau\nA;1234;B;{label.upper()}\n", "r.csv")
        assert row.network_type == code


def test_legacy_rows_from_json():
    rows = list(read_rows('[{"intitule": "Telecom Port", "code": "4321", "raison_sociale": "TP"}, 3]', "r.json"))
    assert isinstance(rows[0], LegacyAccount) and rows[0].key == "telecom port"
    assert isinstance(rows[1], Rejected)


NOW = 1_000_000.0


@pytest.mark.parametrize(
    ("failures", "allowed", "reason"),
    [
        (lockout.Failures(), True, None),
        (lockout.Failures(concession=[NOW - 60, NOW - 30]), True, None),
        (lockout.Failures(concession=[NOW - 60, NOW - 30, NOW - 10]), False, "concession"),
        (lockout.Failures(concession=[NOW - 2000, NOW - 1900, NOW - 1800]), True, None),
        (lockout.Failures(concession_total=10), False, "concession_hard_lock"),
        (lockout.Failures(user=[NOW - 3600 * i for i in range(5)]), False, "user"),
        (lockout.Failures(user=[NOW - 90000] + [NOW - 10] * 4), True, None),
        (lockout.Failures(siret=[NOW - 100] * 10), False, "siret"),
        (lockout.Failures(ip=[NOW - 60] * 10), False, "ip_hour"),
        (lockout.Failures(ip=[NOW - 7200 - i for i in range(30)]), False, "ip_day"),
        (lockout.Failures(service=[NOW - 10] * 101), False, "service_paused"),
    ],
)
def test_the_lockout_table(failures, allowed, reason):
    decision = lockout.decide(failures, NOW)
    assert (decision.allowed, decision.reason) == (allowed, reason)


def test_block_durations_and_alerts():
    decision = lockout.decide(lockout.Failures(concession=[NOW - 60, NOW - 30, NOW - 10]), NOW)
    assert decision.retry_after == pytest.approx(15 * 60 - 10)  # 15 min after the latest failure
    assert lockout.decide(lockout.Failures(concession_total=12), NOW).retry_after is None  # until unlocked
    assert lockout.decide(lockout.Failures(service=[NOW - 30] * 21), NOW).alert is True
    assert lockout.decide(lockout.Failures(service=[NOW - 30] * 20), NOW).alert is False


def test_import_is_idempotent_and_reports_rejections(tmp_path):
    import subprocess

    from devstack import paths

    registry = tmp_path / "registre.csv"
    registry.write_text(
        "Intitulé du compte;Code d'accès;Raison sociale;SIRET;Type de réseau;Contact\n"
        "Eau du Havre;0421;EAU DU HAVRE SAS;20008495200015;eau;\n"
        "Gaz Nord;1234;GAZ NORD;;gaz;\n"
        "Fibre;12;FIBRE;;telecom;\n",
        encoding="utf-8",
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
        "CONCESSION_CODE_PEPPER": "x" * 40,
    }
    cli = [str(paths.VENV / "bin" / "portal-adapter"), "concessions", "import", str(registry)]

    def run() -> str:
        result = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr  # a rejected row: the import did not fully succeed
        assert "Traceback" not in result.stderr
        return result.stdout

    first = run()
    assert "2 créés, 0 mis à jour, 0 inchangé, 1 refusé" in first
    assert "code d'accès de moins de 4 chiffres" in first  # « 12 »: zeros Excel took off « 0012 »
    assert "2 créés" not in run() and "0 créé, 0 mis à jour, 2 inchangés, 1 refusé" in run()
    registry.write_text(registry.read_text().replace("Gaz Nord;1234", "Gaz Nord;4321"), encoding="utf-8")
    assert "0 créé, 1 mis à jour, 1 inchangé, 1 refusé" in run()

    import sqlite3

    rows = sqlite3.connect(tmp_path / "a.db").execute("select key, code_digest from concession_accounts").fetchall()
    assert len(rows) == 2 and all("0421" not in d and "4321" not in d and len(d) == 64 for _, d in rows)
