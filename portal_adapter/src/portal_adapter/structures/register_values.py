"""The register's values beside what the structure declared (pure).

The organization keeps what the person declared (``name``, ``postalCode``, ``street``…);
the re-sync never overwrites them: where the register now says something else, its value is
kept beside as ``sirene.<field>`` (docs/sirene.md). A value the register does not give
(masked, or only the postal code and city of a secondary establishment) is no difference.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping

from portal_adapter.identity.names import (
    ORG_ATTR_SIRENE_CHANGED_AT,
    ORG_ATTR_SIRENE_CLOSED_AT,
    ORG_ATTR_SIRENE_PREFIX,
    ORG_ATTR_SIRENE_STATE,
    ORG_ATTR_SIRENE_SUCCESSOR,
)
from portal_adapter.sirene.record import StructureRecord

Attributes = Mapping[str, list[str]]

# organization attribute -> the register's value; the street lines only from a detailed address
ALWAYS: dict[str, Callable[[StructureRecord], str | None]] = {
    "name": lambda r: r.name,
    "postalCode": lambda r: r.address.postal_code,
    "city": lambda r: r.address.city,
}
DETAILED: dict[str, Callable[[StructureRecord], str | None]] = {
    "country": lambda r: r.address.country,
    "building": lambda r: r.address.building,
    "streetNumber": lambda r: r.address.street_number,
    "streetNumberSuffix": lambda r: r.address.street_number_suffix,
    "street": lambda r: r.address.street,
    "poBox": lambda r: r.address.po_box_or_locality,
}
LABELS = {
    "name": "Raison sociale",
    "postalCode": "Code postal",
    "city": "Ville",
    "country": "Pays",
    "building": "Entrée - bâtiment - immeuble - résidence",
    "streetNumber": "Numéro de voie",
    "streetNumberSuffix": "Complément de n°",
    "street": "Type et nom de la voie",
    "poBox": "Boite Postale - Lieu-dit",
}


def comparable(value: str | None) -> str:
    """Case, accents, apostrophes and spacing aside: « Rue de l’Église » is « RUE DE L'EGLISE »."""
    text = unicodedata.normalize("NFKD", value or "").replace("\u2019", "'")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.upper().split())


def first(attributes: Attributes, name: str) -> str | None:
    values = attributes.get(name) or []
    return values[0] if values else None


def differing_values(attributes: Attributes, record: StructureRecord) -> dict[str, str]:
    """``{"sirene.<field>": register value}`` where the register differs from the declared ``<field>``."""
    readers = ALWAYS | (DETAILED if record.address_complete else {})
    found = {}
    for field, read in readers.items():
        registered = read(record)
        if registered and comparable(registered) != comparable(first(attributes, field)):
            found[ORG_ATTR_SIRENE_PREFIX + field] = registered
    return found


def recorded_values(attributes: Attributes) -> dict[str, str]:
    return {
        name: values[0] for name, values in attributes.items() if name.startswith(ORG_ATTR_SIRENE_PREFIX) and values
    }


def updated_attributes(
    attributes: Attributes, record: StructureRecord, successor: str | None, now_iso: str
) -> tuple[dict[str, list[str]], bool]:
    """The organization's attributes after this check, and whether the register's values
    (differences or successor) changed. Declared values and other attributes are kept."""
    wanted = {name: list(values) for name, values in attributes.items()}
    differences = differing_values(attributes, record)
    changed = differences != recorded_values(attributes)
    for name in recorded_values(attributes):
        wanted.pop(name)
    wanted |= {name: [value] for name, value in differences.items()}
    if record.active:
        wanted[ORG_ATTR_SIRENE_STATE] = ["active"]
        wanted.pop(ORG_ATTR_SIRENE_CLOSED_AT, None)
        changed |= wanted.pop(ORG_ATTR_SIRENE_SUCCESSOR, None) is not None
    else:
        wanted[ORG_ATTR_SIRENE_STATE] = ["closed"]
        wanted.setdefault(ORG_ATTR_SIRENE_CLOSED_AT, [now_iso])
        if successor and first(attributes, ORG_ATTR_SIRENE_SUCCESSOR) != successor:
            wanted[ORG_ATTR_SIRENE_SUCCESSOR] = [successor]
            changed = True
    if changed:
        wanted[ORG_ATTR_SIRENE_CHANGED_AT] = [now_iso]
    return wanted, changed
