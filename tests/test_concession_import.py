"""`portal-adapter concessions import` on the files metropolis staff really have: Excel's
French CSV (Windows-1252, « ; », CRLF, typographic apostrophes), files it cannot read, and the
database it writes to. The real command, in a subprocess, on a scratch SQLite database."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from devstack import paths

PEPPER = "y" * 40
CLI = str(paths.VENV / "bin" / "portal-adapter")


def run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {
        "PATH": "/usr/bin:/bin",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}",
        "CONCESSION_CODE_PEPPER": PEPPER,
    }
    return subprocess.run(
        [CLI, "concessions", *args],
        env=base if env is None else env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def accounts(tmp_path: Path) -> dict[str, tuple]:
    rows = (
        sqlite3.connect(tmp_path / "registry.db")
        .execute("select label, company_name, network_type, siret, key from concession_accounts")
        .fetchall()
    )
    return {row[0]: row[1:] for row in rows}


EXCEL_ROWS = [  # what Excel writes with « Enregistrer sous » → « CSV (séparateur : point-virgule) »
    "Intitulé du compte;Code d’accès;Raison sociale;SIRET;Type de réseau;Contact",  # line 1
    "ÉCLAIRAGE PUBLIC D’HARFLEUR;6210;LUMIÈRES DE L’ESTUAIRE;;Éclairage public;",  # line 2
    "CŒUR DE CAUX – RÉSEAU EST;4827;RÉSEAUX NORMANDS;81234567600017;Eau potable;m.dupont@reseaux.test",
    "",  # line 4: blank
    "Chaleur Ouest;12a4;CHALEUR;;Chauffage urbain;",  # line 5: bad code
    "Gaz Sud;1593;GAZ SUD;;Vapeur;",  # line 6: imported, remark
    "éclairage public d'Harfleur;1111;DOUBLON;;;",  # line 7: duplicate
]


def write_excel_csv(path: Path) -> Path:
    path.write_bytes("\r\n".join(EXCEL_ROWS + [""]).encode("cp1252"))
    return path


def test_an_excel_csv_in_windows_1252_imports_with_the_files_line_numbers(tmp_path):
    registry = write_excel_csv(tmp_path / "registre.csv")
    assert b"\x92" in registry.read_bytes() and b"\r\n" in registry.read_bytes()  # ’ in Windows-1252, CRLF

    done = run(tmp_path, "import", str(registry))
    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr  # rows were rejected: a scheduled import must not pass silently
    assert "3 créés, 0 mis à jour, 0 inchangé, 2 refusés" in done.stdout
    report = " ".join(done.stdout.split())
    assert "5 │ code d'accès absent ou différent de 4 chiffres" in report  # file line numbers, blank line counted
    assert "7 │ intitulé du compte en double dans le fichier" in report
    assert "6 │ type de réseau inconnu : Vapeur ; compte importé sans type de réseau" in report
    assert "2 lignes refusées" in done.stderr

    imported = accounts(tmp_path)
    assert imported["ÉCLAIRAGE PUBLIC D’HARFLEUR"][:2] == ("LUMIÈRES DE L’ESTUAIRE", "eclairage")
    assert imported["CŒUR DE CAUX – RÉSEAU EST"][1:3] == ("eau", "81234567600017")  # « Eau potable »
    assert imported["Gaz Sud"][1] is None  # an unknown optional value never drops the account

    again = run(tmp_path, "import", str(registry), "--accepter-partiel")
    assert again.returncode == 0 and "0 créé, 0 mis à jour, 3 inchangés, 2 refusés" in again.stdout


@pytest.mark.parametrize(
    ("encoding", "separator", "newline"),
    [
        ("utf-8", ",", "\n"),
        ("utf-8-sig", ";", "\r\n"),
        ("cp1252", "\t", "\r\n"),
        ("utf-16", "\t", "\r\n"),
    ],
)
def test_encodings_and_separators_are_detected(tmp_path, encoding, separator, newline):
    lines = (
        ["Intitulé du compte", "Code d’accès", "Raison sociale", "Type de réseau"],
        ["Réseau Sud", "1234", "SOCIÉTÉ, SUD", "Eau potable"],
    )
    text = newline.join(separator.join(f'"{c}"' if separator in c else c for c in line) for line in lines) + newline
    registry = tmp_path / "r.csv"
    registry.write_bytes(text.encode(encoding))
    done = run(tmp_path, "import", str(registry))
    assert done.returncode == 0, done.stderr
    assert accounts(tmp_path)["Réseau Sud"][:2] == ("SOCIÉTÉ, SUD", "eau")


def test_a_file_without_a_required_column_gets_one_french_sentence(tmp_path):
    registry = tmp_path / "r.csv"
    registry.write_text("Nom du compte;Mot de passe;Raison sociale\nEau;1234;EAU\n", encoding="utf-8")
    done = run(tmp_path, "import", str(registry))
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr
    [sentence] = [line for line in done.stderr.splitlines() if line.startswith("Erreur")]
    assert sentence == (
        "Erreur : Colonnes obligatoires absentes : « intitulé du compte », « code d'accès » "
        "(colonnes trouvées : « Nom du compte », « Mot de passe », « Raison sociale » ; attendues : "
        "« intitulé du compte », « code d'accès », « raison sociale », et si connues « identifiant », "
        "« SIRET », « type de réseau », « contact »)."
    )
    assert not (tmp_path / "registry.db").exists()  # nothing written


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"intitule;code;raison sociale\nEau\x81;1234;EAU\n", "n'est lisible ni en UTF-8 ni en Windows-1252"),
        (b"PK\x03\x04\x00\x00binary", "n'est pas un fichier texte"),
        (b"", "Le fichier est vide"),
    ],
)
def test_a_file_that_cannot_be_read_gets_one_french_sentence(tmp_path, content, expected):
    registry = tmp_path / "r.csv"
    registry.write_bytes(content)
    done = run(tmp_path, "import", str(registry))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and expected in done.stderr
    missing = run(tmp_path, "import", str(tmp_path / "absent.csv"))
    assert missing.returncode == 2 and "Erreur : Le fichier" in missing.stderr and "n'existe pas" in missing.stderr


def test_the_encoding_and_separator_can_be_given(tmp_path):
    registry = tmp_path / "r.csv"
    registry.write_bytes("intitulé|code;x\nÉté;1234;y\n".encode("latin-1").replace(b"|", b";"))
    done = run(tmp_path, "import", str(registry), "--encodage", "nimportequoi")
    assert done.returncode == 2 and "L'encodage « nimportequoi » est inconnu" in done.stderr
    registry.write_bytes("intitulé du compte,code d'accès,raison sociale\nÉté,1234,SOCIETE\n".encode("latin-1"))
    done = run(tmp_path, "import", str(registry), "--encodage", "latin-1", "--separateur", ",")
    assert done.returncode == 0, done.stderr
    assert "Été" in accounts(tmp_path)


def test_outside_development_the_cli_refuses_to_guess_its_database(tmp_path):
    registry = write_excel_csv(tmp_path / "r.csv")
    for env in ("production", "test"):
        done = run(tmp_path, "import", str(registry), env={"PATH": "/usr/bin:/bin", "PORTAL_ENV": env})
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert f"Erreur : PORTAL_ENV={env} : indiquez la base de données" in done.stderr
    half = run(
        tmp_path,
        "import",
        str(registry),
        env={
            "PATH": "/usr/bin:/bin",
            "PORTAL_ENV": "production",
            "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        },
    )
    assert half.returncode == 2 and "CONCESSION_CODE_PEPPER" in half.stderr
    assert list(tmp_path.glob("*.db")) == []  # nothing written anywhere, least of all ./portal-adapter.db


def test_in_development_the_cli_uses_make_runs_database_and_says_so(tmp_path):
    registry = write_excel_csv(tmp_path / "r.csv")
    run_dir = tmp_path / "run"
    env = {"PATH": "/usr/bin:/bin", "HARIANE_RUN_DIR": str(run_dir)}
    before = run(tmp_path, "import", str(registry), env=env)
    assert before.returncode == 2 and "lancez « make run » une fois" in before.stderr
    assert list(tmp_path.rglob("*.db")) == []

    from devstack import secrets_store

    database = run_dir / "portal-adapter.db"
    secrets_store.write_private(
        run_dir / "portal-adapter.env",
        {"PORTAL_DATABASE_URL": f"sqlite:///{database}", "CONCESSION_CODE_PEPPER": PEPPER},
    )
    done = run(tmp_path, "import", str(registry), "--accepter-partiel", env=env)
    assert done.returncode == 0, done.stderr
    assert (
        f"Base de données : sqlite:///{database} (celle de make run, {run_dir / 'portal-adapter.env'})" in done.stderr
    )
    assert sqlite3.connect(database).execute("select count(*) from concession_accounts").fetchone() == (3,)
    assert not (tmp_path / "portal-adapter.db").exists()
