"""« Type de structure » derived from the catégorie juridique (pure; rules of docs/sirene.md).

The codes and labels are those of ``contract/structure-types.json`` (tests/test_siret_rules.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StructureType:
    code: str
    label: str


ENTREPRENEUR_INDIVIDUEL = StructureType("entrepreneur_individuel", "Entrepreneur individuel")
SOCIETE_COMMERCIALE = StructureType("societe_commerciale", "Société commerciale")
SOCIETE_CIVILE = StructureType("societe_civile", "Société civile, coopérative, GIE")
ASSOCIATION = StructureType("association", "Association")
FONDATION = StructureType("fondation", "Fondation")
COLLECTIVITE = StructureType("collectivite_territoriale", "Collectivité territoriale")
INTERCOMMUNALITE = StructureType("intercommunalite", "Intercommunalité")
ETAT = StructureType("administration_etat", "Administration de l'État")
EPA = StructureType("etablissement_public_administratif", "Établissement public administratif")
EPIC = StructureType("epic", "Établissement public industriel et commercial")
AUTRE_PUBLIC = StructureType("autre_personne_publique", "Autre personne morale de droit public")
ORGANISME_SOCIAL = StructureType("organisme_social", "Organisme social, mutuelle, syndicat, ordre")
COPROPRIETE = StructureType("copropriete", "Copropriété")
AUTRE = StructureType("autre", "Autre")

ALL_TYPES = (
    ENTREPRENEUR_INDIVIDUEL,
    SOCIETE_COMMERCIALE,
    SOCIETE_CIVILE,
    ASSOCIATION,
    FONDATION,
    COLLECTIVITE,
    INTERCOMMUNALITE,
    ETAT,
    EPA,
    EPIC,
    AUTRE_PUBLIC,
    ORGANISME_SOCIAL,
    COPROPRIETE,
    AUTRE,
)
BY_CODE = {t.code: t for t in ALL_TYPES}


# Ordered (first match wins) ranges of catégories juridiques, as listed in docs/sirene.md.
RANGES: tuple[tuple[int, int, StructureType], ...] = (
    (1000, 1000, ENTREPRENEUR_INDIVIDUEL),
    (5195, 5195, ASSOCIATION),
    (9200, 9299, ASSOCIATION),
    (5100, 5899, SOCIETE_COMMERCIALE),
    (6100, 6999, SOCIETE_CIVILE),
    (9300, 9399, FONDATION),
    (7210, 7230, COLLECTIVITE),
    (7312, 7314, COLLECTIVITE),
    (7340, 7357, INTERCOMMUNALITE),
    (7100, 7199, ETAT),
    (7330, 7389, EPA),
    (4100, 4199, EPIC),
    (7400, 7499, AUTRE_PUBLIC),
    (8100, 8599, ORGANISME_SOCIAL),
    (9100, 9199, COPROPRIETE),
)


def from_categorie_juridique(categorie: str | None) -> StructureType:
    """Map a 4-digit catégorie juridique; unknown codes fall back by prefix, then « Autre »."""
    if not categorie or not categorie.isdigit() or len(categorie) != 4:
        return AUTRE
    code = int(categorie)
    return next((kind for low, high, kind in RANGES if low <= code <= high), AUTRE)
