"""API Recherche d'entreprises: ``GET /search?q=<SIRET>`` (14 digits = a direct SIRET lookup).

Only the head office (``siege``) carries the detailed street fields; another matching
establishment has a one-line address, so its record says ``address_complete=False``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from portal_adapter.sirene.answer_shape import json_object, json_objects
from portal_adapter.sirene.errors import RegisterUnavailable, StructureNotFound
from portal_adapter.sirene.record import Address, StructureRecord, clean, repetition_index, street_line
from portal_adapter.sirene.types import from_categorie_juridique
from portal_adapter.sirene.upstream_http import UpstreamHttp

log = logging.getLogger(__name__)
SOURCE = "recherche-entreprises"


def _name(result: dict) -> str | None:
    return clean(result.get("nom_raison_sociale")) or clean(result.get("nom_complet"))


def _postal_lines(establishment: dict) -> tuple[str | None, str | None]:
    cedex, cedex_label = clean(establishment.get("cedex")), clean(establishment.get("libelle_cedex"))
    if cedex:
        return cedex, cedex_label or clean(establishment.get("libelle_commune"))
    city = clean(establishment.get("libelle_commune")) or clean(establishment.get("libelle_commune_etranger"))
    return clean(establishment.get("code_postal")), city


def parse(payload: dict, siret: str, source: str = SOURCE, now: datetime | None = None) -> StructureRecord:
    """The record of ``siret`` in a search answer; StructureNotFound when it is not there."""
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise RegisterUnavailable("unexpected answer shape")
    result = next((r for r in payload["results"] if isinstance(r, dict) and r.get("siren") == siret[:9]), None)
    if result is None:
        raise StructureNotFound()
    siege = json_object(result.get("siege"))
    detailed = siege.get("siret") == siret
    if detailed:
        establishment = siege
    else:
        matching = [e for e in json_objects(result.get("matching_etablissements")) if e.get("siret") == siret]
        if not matching:
            raise StructureNotFound()
        establishment = matching[0]
    name = _name(result)
    postal_code, city = _postal_lines(establishment)
    if detailed:
        address = Address(
            country=clean(establishment.get("libelle_pays_etranger")) or "FRANCE",
            postal_code=postal_code,
            city=city,
            recipient=name,
            building=clean(establishment.get("complement_adresse")),
            street_number=clean(establishment.get("numero_voie")),
            street_number_suffix=repetition_index(establishment.get("indice_repetition")),
            street=street_line(establishment.get("type_voie"), establishment.get("libelle_voie")),
            po_box_or_locality=clean(establishment.get("distribution_speciale")),
        )
    else:
        address = Address(
            postal_code=postal_code, city=city, recipient=name, one_line=clean(establishment.get("adresse"))
        )
    masked = "P" in (result.get("statut_diffusion"), establishment.get("statut_diffusion_etablissement"))
    legal_category = clean(result.get("nature_juridique"))
    return StructureRecord(
        siret=siret,
        siren=siret[:9],
        name=name,
        acronym=clean(result.get("sigle")),
        legal_category=legal_category,
        structure_type=from_categorie_juridique(legal_category),
        head_office=bool(establishment.get("est_siege", detailed)),
        active=establishment.get("etat_administratif") != "F" and result.get("etat_administratif") != "C",
        public=not masked,
        address=address,
        address_complete=detailed,
        source=source,
        fetched_at=now or datetime.now(UTC),
    )


class RechercheEntreprisesClient:
    def __init__(self, base_url: str, http: UpstreamHttp) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http

    def fetch(self, siret: str) -> StructureRecord:
        response = self.http.get(f"{self.base_url}/search", params={"q": siret, "page": 1, "per_page": 1})
        if response.status_code != 200:
            log.warning("recherche-entreprises: HTTP %d for a valid SIRET", response.status_code)
            raise RegisterUnavailable()
        try:
            payload = response.json()
        except ValueError as error:
            log.warning("recherche-entreprises: malformed JSON")
            raise RegisterUnavailable() from error
        return parse(payload, siret)
