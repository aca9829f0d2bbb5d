"""Rows of the legacy registry (« intitulé du compte », « code d'accès », « raison sociale », and
when known SIRET, type de réseau, contact), from CSV or JSON; each valid or rejected with a reason."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from portal_adapter import siret as siret_rules
from portal_adapter.concessions.access_codes import InvalidCode, normalize_code

NETWORK_LABELS = {
    "eau": "Eau potable", "assainissement": "Assainissement", "gaz": "Gaz", "electricite": "Électricité",
    "telecom": "Télécommunications", "chauffage": "Chauffage urbain", "eclairage": "Éclairage public", "autre": "Autre",
}
NETWORK_TYPES = set(NETWORK_LABELS)
PUBLIC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # same rule as the extension's ConcessionLinks
COLUMNS = {
    "identifiant": ("identifiant", "identifiant du compte", "numero de compte", "numéro de compte", "account_id"),
    "intitule": ("intitule", "intitulé", "intitule du compte", "intitulé du compte", "label"),
    "code": ("code", "code d'acces", "code d'accès", "code_acces", "access_code"),
    "raison_sociale": ("raison sociale", "raison_sociale", "company"),
    "siret": ("siret",),
    "type_reseau": ("type de reseau", "type de réseau", "type_reseau", "network"),
    "contact": ("contact",),
}


@dataclass(frozen=True)
class LegacyAccount:
    key: str  # the normalised label: unique, what people type is compared to it
    public_id: str  # the legacy account number, or one derived from the label
    label: str
    code: str
    company_name: str
    siret: str | None
    network_type: str | None
    contact: str | None
    line: int = 0  # where it was read, for the import report


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


def label_key(label: str) -> str:
    """Case, accents and repeated spaces do not matter when a label is typed."""
    folded = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode().lower()
    return " ".join(folded.split())


def derived_public_id(key: str) -> str:
    """A stable identifier for an account the registry gives no number: same label, same id."""
    return "ECR-" + hashlib.sha256(key.encode()).hexdigest()[:10].upper()


def _canonical(header: str) -> str | None:
    wanted = " ".join((header or "").strip().lower().split())
    return next((name for name, aliases in COLUMNS.items() if wanted in aliases), None)


def parse_row(line: int, raw: dict[str, str]) -> LegacyAccount | Rejected:
    row = {}
    for header, value in raw.items():
        name = _canonical(header)
        if name:
            row[name] = (value or "").strip() if isinstance(value, str) else str(value or "").strip()
    label = row.get("intitule", "")
    if not label:
        return Rejected(line, "intitulé du compte manquant")
    if len(label) > 200:
        return Rejected(line, "intitulé du compte trop long (200 caractères au maximum)")
    try:
        code = normalize_code(row.get("code", ""))
    except InvalidCode:
        return Rejected(line, "code d'accès absent ou différent de 4 chiffres")
    company = row.get("raison_sociale", "")
    if not company:
        return Rejected(line, "raison sociale manquante")
    siret = None
    if row.get("siret"):
        try:
            siret = siret_rules.validate(row["siret"])
        except siret_rules.InvalidSiret as invalid:
            return Rejected(line, f"SIRET invalide ({invalid.code})")
    network = label_key(row.get("type_reseau", "")) or None
    if network and network not in NETWORK_TYPES:
        return Rejected(line, f"type de réseau inconnu : {row['type_reseau']}")
    public_id = row.get("identifiant") or derived_public_id(label_key(label))
    if not PUBLIC_ID.match(public_id):
        return Rejected(line, "identifiant du compte invalide (lettres, chiffres, « . », « _ » ou « - » ; 64 au maximum)")
    return LegacyAccount(label_key(label), public_id, label, code, company, siret, network,
                         row.get("contact") or None, line)


def read_rows(text: str, filename: str) -> Iterator[LegacyAccount | Rejected]:
    """CSV (comma or semicolon, header line) or JSON (a list of objects), by file name."""
    if filename.lower().endswith(".json"):
        data = json.loads(text)
        rows: Iterable[tuple[int, dict]] = ((i + 1, r if isinstance(r, dict) else {}) for i, r in enumerate(data))
    else:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        rows = ((i + 2, r) for i, r in enumerate(reader))
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
