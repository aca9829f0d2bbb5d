"""The normalised structure record the SIRET lookup returns (pure).

The address follows the lines of the source document (AFNOR NF Z10-011). Values the
register masks (``[ND]``, ``[NON-DIFFUSIBLE]``) are never kept: they become ``None``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from portal_adapter.sirene.types import StructureType

MASKED_VALUES = frozenset({"[ND]", "[NON-DIFFUSIBLE]", "[NON DIFFUSIBLE]"})

# Street-type codes of the register, written out as on an envelope.
STREET_TYPES = {
    "ALL": "ALLEE",
    "AV": "AVENUE",
    "BD": "BOULEVARD",
    "CAR": "CARREFOUR",
    "CHE": "CHEMIN",
    "CHS": "CHAUSSEE",
    "CITE": "CITE",
    "COR": "CORNICHE",
    "CRS": "COURS",
    "DOM": "DOMAINE",
    "DSC": "DESCENTE",
    "ECA": "ECART",
    "ESP": "ESPLANADE",
    "FG": "FAUBOURG",
    "GR": "GRANDE RUE",
    "HAM": "HAMEAU",
    "HLE": "HALLE",
    "IMP": "IMPASSE",
    "LD": "LIEU-DIT",
    "LOT": "LOTISSEMENT",
    "MAR": "MARCHE",
    "MTE": "MONTEE",
    "PARC": "PARC",
    "PAS": "PASSAGE",
    "PL": "PLACE",
    "PLN": "PLAINE",
    "PLT": "PLATEAU",
    "PRO": "PROMENADE",
    "PRV": "PARVIS",
    "QUA": "QUARTIER",
    "QUAI": "QUAI",
    "RES": "RESIDENCE",
    "RLE": "RUELLE",
    "ROC": "ROCADE",
    "RPT": "ROND-POINT",
    "RTE": "ROUTE",
    "RUE": "RUE",
    "SEN": "SENTIER",
    "SQ": "SQUARE",
    "TPL": "TERRE-PLEIN",
    "TRA": "TRAVERSE",
    "VLA": "VILLA",
    "VLGE": "VILLAGE",
    "ZA": "ZONE ARTISANALE",
    "ZAC": "ZONE D'AMENAGEMENT CONCERTE",
    "ZI": "ZONE INDUSTRIELLE",
}
REPETITION_INDEXES = {"B": "BIS", "T": "TER", "Q": "QUATER", "C": "QUINQUIES"}


def clean(value: object) -> str | None:
    """A register value as text, or None when empty, masked or not a text or a number."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text or text.upper() in MASKED_VALUES:
        return None
    return text


def street_line(street_type: object, street_name: object) -> str | None:
    kind, name = clean(street_type), clean(street_name)
    if kind:
        kind = STREET_TYPES.get(kind.upper(), kind)
    return " ".join(part for part in (kind, name) if part) or None


def repetition_index(value: object) -> str | None:
    index = clean(value)
    return REPETITION_INDEXES.get(index.upper(), index) if index else None


@dataclass(frozen=True)
class Address:
    """The postal lines of the source document's structure form."""

    country: str = "FRANCE"  # Pays
    postal_code: str | None = None  # Code postal (the CEDEX code when there is one)
    city: str | None = None  # Ville (with CEDEX)
    recipient: str | None = None  # Identification du destinataire
    apartment: str | None = None  # N° appartement ou boîte aux lettres - étage - couloir - escalier - chez ...
    building: str | None = None  # Entrée - bâtiment - immeuble - résidence
    street_number: str | None = None  # Numéro de voie
    street_number_suffix: str | None = None  # Complément de n° (BIS, TER, ...)
    street: str | None = None  # Type et nom de la voie
    po_box_or_locality: str | None = None  # Boite Postale - Lieu-dit
    one_line: str | None = None  # the register's one-line address, when only that is known


@dataclass(frozen=True)
class StructureRecord:
    siret: str
    siren: str
    name: str | None  # Raison sociale
    acronym: str | None  # Sigle
    legal_category: str | None  # Catégorie juridique (4 digits)
    structure_type: StructureType
    head_office: bool
    active: bool
    public: bool  # False: partly masked by the register (« non diffusible »)
    address: Address
    address_complete: bool  # False: only the postal code and city are known
    source: str  # "recherche-entreprises" | "insee" | "offline"
    fetched_at: datetime = field(compare=False)

    @property
    def state(self) -> str:
        return "active" if self.active else "closed"

    def to_json(self) -> dict:
        data = asdict(self)
        data["structure_type"] = {"code": self.structure_type.code, "label": self.structure_type.label}
        data["state"] = self.state
        data["diffusion"] = "public" if self.public else "partial"
        data["fetched_at"] = self.fetched_at.isoformat().replace("+00:00", "Z")
        return data

    @classmethod
    def from_json(cls, data: dict) -> StructureRecord:
        from portal_adapter.sirene.types import AUTRE, BY_CODE

        values = {k: v for k, v in data.items() if k not in ("state", "diffusion")}
        values["structure_type"] = BY_CODE.get(data["structure_type"]["code"], AUTRE)
        values["address"] = Address(**data["address"])
        values["fetched_at"] = datetime.fromisoformat(data["fetched_at"].replace("Z", "+00:00"))
        return cls(**values)
