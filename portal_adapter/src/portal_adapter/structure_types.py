"""« Type de structure » derived from the catégorie juridique (pure; rules of sirene.md)."""

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
    ENTREPRENEUR_INDIVIDUEL, SOCIETE_COMMERCIALE, SOCIETE_CIVILE, ASSOCIATION, FONDATION,
    COLLECTIVITE, INTERCOMMUNALITE, ETAT, EPA, EPIC, AUTRE_PUBLIC, ORGANISME_SOCIAL,
    COPROPRIETE, AUTRE,
)
BY_CODE = {t.code: t for t in ALL_TYPES}


def _in(code: int, low: int, high: int) -> bool:
    return low <= code <= high


def from_categorie_juridique(categorie: str | None) -> StructureType:
    """Map a 4-digit catégorie juridique; unknown codes fall back by prefix, then « Autre »."""
    if not categorie or not categorie.isdigit() or len(categorie) != 4:
        return AUTRE
    code = int(categorie)
    if code == 1000:
        return ENTREPRENEUR_INDIVIDUEL
    if code == 5195 or _in(code, 9200, 9299):
        return ASSOCIATION
    if _in(code, 5100, 5899):
        return SOCIETE_COMMERCIALE
    if _in(code, 6100, 6999):
        return SOCIETE_CIVILE
    if _in(code, 9300, 9399):
        return FONDATION
    if _in(code, 7210, 7230) or _in(code, 7312, 7314):
        return COLLECTIVITE
    if _in(code, 7340, 7357):
        return INTERCOMMUNALITE
    if _in(code, 7100, 7199):
        return ETAT
    if _in(code, 7330, 7389):
        return EPA
    if _in(code, 4100, 4199):
        return EPIC
    if _in(code, 7400, 7499):
        return AUTRE_PUBLIC
    if _in(code, 8100, 8599):
        return ORGANISME_SOCIAL
    if _in(code, 9100, 9199):
        return COPROPRIETE
    return AUTRE
