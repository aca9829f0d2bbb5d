"""Rows of the legacy registry (« intitulé du compte », « code d'accès », « raison sociale », and
when known identifiant, SIRET, type de réseau, contact), from CSV or JSON; each valid or
rejected with a reason. Headers, labels and network types are compared folded
(:mod:`.label_folding`): « Code d’accès », « CODE D'ACCES » and « code d'accès » are one column.

Only the three required columns can reject a row; an optional value that cannot be used (an
unknown network type, an invalid SIRET) is left out and reported, the account imported."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from portal_adapter.concessions.access_codes import InvalidCode, normalize_code
from portal_adapter.concessions.label_folding import fold
from portal_adapter.concessions.registry_file import UnreadableRegistry, choose_delimiter, decode, numbered_records
from portal_adapter.sirene import siret as siret_rules

NETWORK_LABELS = {
    "eau": "Eau potable",
    "assainissement": "Assainissement",
    "gaz": "Gaz",
    "electricite": "Électricité",
    "telecom": "Télécommunications",
    "chauffage": "Chauffage urbain",
    "eclairage": "Éclairage public",
    "autre": "Autre",
}
NETWORK_TYPES = set(NETWORK_LABELS)
# a network type may be written as its code or as the label the dashboard shows
_NETWORKS = {fold(code): code for code in NETWORK_LABELS} | {
    fold(label): code for code, label in NETWORK_LABELS.items()
}
# The extension's ConcessionLinks.ID: both run contract/concession-id-vectors.json (matched whole)
PUBLIC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# canonical name -> (the name staff read, other spellings); compared folded
COLUMNS = {
    "identifiant": ("identifiant", "identifiant du compte", "numéro de compte", "account_id"),
    "intitule": ("intitulé du compte", "intitulé", "label"),
    "code": ("code d'accès", "code", "code_acces", "access_code"),
    "raison_sociale": ("raison sociale", "raison_sociale", "company"),
    "siret": ("SIRET",),
    "type_reseau": ("type de réseau", "type_reseau", "network"),
    "contact": ("contact",),
}
REQUIRED = ("intitule", "code", "raison_sociale")
# Excel shows « 0427 » as 427 in a Number cell and saves it so: the row is refused, never guessed
LOST_ZEROS = (
    "code d'accès de moins de 4 chiffres : Excel a sans doute retiré ses zéros initiaux "
    "(mettez la colonne « code d'accès » au format Texte, retapez ces codes, puis enregistrez)"
)
_HEADERS = {fold(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class LegacyAccount:
    key: str  # the folded label: unique, what people type is compared to it
    public_id: str  # the legacy account number, or one derived from the label
    label: str
    code: str
    company_name: str
    siret: str | None
    network_type: str | None
    contact: str | None
    line: int = 0  # where it was read, for the import report
    remarks: tuple[str, ...] = ()  # optional values left out, for the import report


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


def label_key(label: str) -> str:
    """What a typed label is compared by: see :func:`.label_folding.fold`."""
    return fold(label)


def derived_public_id(label: str) -> str:
    """A stable identifier for an account the registry gives no number: same label, same id.

    Derived from the label folded the way the first imports did (accents and case dropped,
    spaces collapsed, other non-ASCII characters dropped), so identifiers already in tokens
    keep their value."""
    first_folding = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode().lower()
    return "ECR-" + hashlib.sha256(" ".join(first_folding.split()).encode()).hexdigest()[:10].upper()


@functools.lru_cache(maxsize=256)
def _canonical(header: str) -> str | None:
    return _HEADERS.get(fold(header))


def _recognised(headers: Iterable[str]) -> int:
    return len({_canonical(h) for h in headers} - {None})


def check_columns(headers: list[str]) -> None:
    """One sentence naming the missing required columns, those found and those expected."""
    present = {_canonical(h) for h in headers}
    missing = [name for name in REQUIRED if name not in present]
    if missing:
        found = ", ".join(f"« {h.strip()} »" for h in headers if h.strip()) or "aucune"
        expected = ", ".join(f"« {COLUMNS[n][0]} »" for n in REQUIRED)
        optional = ", ".join(f"« {COLUMNS[n][0]} »" for n in COLUMNS if n not in REQUIRED)
        plural = "s" if len(missing) > 1 else ""
        raise UnreadableRegistry(
            f"Colonne{plural} obligatoire{plural} absente{plural} : "
            + ", ".join(f"« {COLUMNS[n][0]} »" for n in missing)
            + f" (colonnes trouvées : {found} ; attendues : {expected}, et si connues {optional})."
        )


def parse_row(line: int, raw: dict[str, object]) -> LegacyAccount | Rejected:
    row: dict[str, str] = {}
    for header, value in raw.items():
        name = _canonical(header)
        if name and not row.get(name):
            row[name] = " ".join(str(value if value is not None else "").split())
    label = row.get("intitule", "")
    if not label:
        return Rejected(line, "intitulé du compte manquant")
    if len(label) > 200:
        return Rejected(line, "intitulé du compte trop long (200 caractères au maximum)")
    try:
        code = normalize_code(row.get("code", ""))
    except InvalidCode:
        if row.get("code", "").isdigit() and len(row["code"]) < 4:  # « 0427 » saved from a Number cell
            return Rejected(line, LOST_ZEROS)
        return Rejected(line, "code d'accès absent ou différent de 4 chiffres")
    company = row.get("raison_sociale", "")
    if not company:
        return Rejected(line, "raison sociale manquante")
    remarks = []
    siret = None
    if row.get("siret"):
        try:
            siret = siret_rules.validate(row["siret"])
        except siret_rules.InvalidSiret as invalid:
            remarks.append(f"SIRET invalide ({invalid.code}) : {row['siret']} ; compte importé sans SIRET")
    network = None
    if row.get("type_reseau"):
        network = _NETWORKS.get(fold(row["type_reseau"]))
        if network is None:
            remarks.append(f"type de réseau inconnu : {row['type_reseau']} ; compte importé sans type de réseau")
    key = label_key(label)
    public_id = row.get("identifiant") or derived_public_id(label)
    if not PUBLIC_ID.fullmatch(public_id):
        return Rejected(
            line, "identifiant du compte invalide (lettres, chiffres, « . », « _ » ou « - » ; 64 au maximum)"
        )
    return LegacyAccount(
        key, public_id, label, code, company, siret, network, row.get("contact") or None, line, tuple(remarks)
    )


def _json_rows(text: str) -> Iterator[tuple[int, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableRegistry(
            f"Le fichier JSON est mal formé (ligne {error.lineno}, colonne {error.colno})."
        ) from error
    if not isinstance(data, list):
        raise UnreadableRegistry("Le fichier JSON doit contenir une liste de comptes (une liste d'objets).")
    check_columns(sorted({str(k) for item in data if isinstance(item, dict) for k in item}))
    return ((i + 1, item if isinstance(item, dict) else {}) for i, item in enumerate(data))


def _csv_rows(text: str, delimiter: str | None) -> Iterator[tuple[int, dict]]:
    delimiter = delimiter or choose_delimiter(text, _recognised)
    header, records = numbered_records(text, delimiter)
    check_columns(header)
    return ((line, dict(zip(header, record, strict=False))) for line, record in records)


def read_rows(text: str, filename: str, delimiter: str | None = None) -> Iterator[LegacyAccount | Rejected]:
    """CSV (header line; separator detected unless given) or JSON (a list of objects, numbered
    from 1), by file name. Raises :class:`UnreadableRegistry` before any row when the file
    cannot be read or lacks a required column."""
    rows = _json_rows(text) if filename.lower().endswith(".json") else _csv_rows(text, delimiter)
    return _deduplicated(rows)


def read_registry(
    data: bytes, filename: str, *, encoding: str | None = None, delimiter: str | None = None
) -> Iterator[LegacyAccount | Rejected]:
    """The rows of a registry file's bytes (encoding detected unless given)."""
    return read_rows(decode(data, filename, encoding), filename, delimiter)


def _deduplicated(rows: Iterable[tuple[int, dict]]) -> Iterator[LegacyAccount | Rejected]:
    seen: set[str] = set()
    seen_ids: set[str] = set()
    for line, raw in rows:
        parsed = parse_row(line, raw)
        if isinstance(parsed, LegacyAccount):
            if parsed.key in seen:
                parsed = Rejected(line, "intitulé du compte en double dans le fichier")
            elif parsed.public_id in seen_ids:
                parsed = Rejected(line, "identifiant du compte en double dans le fichier")
            else:
                seen.add(parsed.key)
                seen_ids.add(parsed.public_id)
        yield parsed
