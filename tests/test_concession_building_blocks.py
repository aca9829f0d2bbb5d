"""Pure building blocks of the concession links: codes at rest, legacy rows, the lockout table."""

from __future__ import annotations

import pytest
from portal_adapter.concessions import access_codes, lockout
from portal_adapter.concessions.legacy_rows import LegacyAccount, Rejected, label_key, read_rows

PEPPER = b"p" * 32


def test_codes_are_stored_as_account_bound_hmac_and_compared_safely():
    stored = access_codes.digest(PEPPER, "eau du havre", "0421")
    assert "0421" not in stored and len(stored) == 64
    assert access_codes.digest(PEPPER, "gaz du havre", "0421") != stored  # bound to the account
    assert access_codes.matches(PEPPER, "eau du havre", " 0421 ", stored)
    for wrong in ("0422", "421", "abcd", "", "04210"):
        assert not access_codes.matches(PEPPER, "eau du havre", wrong, stored)
    with pytest.raises(ValueError):
        access_codes.digest(b"short", "x", "0421")


def test_labels_are_compared_without_case_accents_or_extra_spaces():
    assert label_key("  Réseau  EAU du Havre ") == label_key("reseau eau du havre")


def test_legacy_rows_from_csv_with_reasons_for_rejections():
    text = (
        "Intitulé du compte;Code d'accès;Raison sociale;SIRET;Type de réseau;Contact\n"
        "Eau du Havre;0421;EAU DU HAVRE SAS;20008495200015;eau;m.dupont@eau.test\n"
        "Gaz Nord;12a4;GAZ NORD;;gaz;\n"
        ";1234;SANS INTITULE;;;\n"
        "Fibre Estuaire;9999;FIBRE ESTUAIRE;20008495200016;telecom;\n"
        "eau du  havre;1111;DOUBLON;;;\n"
        "Chaleur;0007;CHALEUR URBAINE;;vapeur;\n"
    )
    rows = list(read_rows(text, "registre.csv"))
    assert isinstance(rows[0], LegacyAccount) and rows[0].siret == "20008495200015" and rows[0].code == "0421"
    reasons = [r.reason for r in rows if isinstance(r, Rejected)]
    assert reasons == [
        "code d'accès absent ou différent de 4 chiffres",
        "intitulé du compte manquant",
        "SIRET invalide (invalid_checksum)",
        "intitulé du compte en double dans le fichier",
        "type de réseau inconnu : vapeur",
    ]
    assert [r.line for r in rows if isinstance(r, Rejected)] == [3, 4, 5, 6, 7]


def test_legacy_rows_from_json():
    rows = list(read_rows('[{"intitule": "Telecom Port", "code": "4321", "raison_sociale": "TP"}, 3]', "r.json"))
    assert isinstance(rows[0], LegacyAccount) and rows[0].key == "telecom port"
    assert isinstance(rows[1], Rejected)


NOW = 1_000_000.0


@pytest.mark.parametrize(("failures", "allowed", "reason"), [
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
])
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
    env = {"PATH": "/usr/bin:/bin", "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
           "CONCESSION_CODE_PEPPER": "x" * 40}
    cli = [str(paths.VENV / "bin" / "portal-adapter"), "concessions", "import", str(registry)]

    def run() -> str:
        result = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=60, check=True)
        return result.stdout

    first = run()
    assert "2 created, 0 updated, 0 unchanged, 1 rejected" in first
    assert "code d'accès absent ou différent de 4 chiffres" in first
    assert "2 created" not in run() and "0 created, 0 updated, 2 unchanged, 1 rejected" in run()
    registry.write_text(registry.read_text().replace("Gaz Nord;1234", "Gaz Nord;4321"), encoding="utf-8")
    assert "0 created, 1 updated, 1 unchanged, 1 rejected" in run()

    import sqlite3

    rows = sqlite3.connect(tmp_path / "a.db").execute("select key, code_digest from concession_accounts").fetchall()
    assert len(rows) == 2 and all("0421" not in d and "4321" not in d and len(d) == 64 for _, d in rows)
