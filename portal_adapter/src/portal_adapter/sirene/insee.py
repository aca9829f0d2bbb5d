"""INSEE API Sirene 3.11: ``GET /siret/{siret}`` with the integration API key header."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from portal_adapter.sirene.answer_shape import json_object, json_objects
from portal_adapter.sirene.errors import RegisterUnavailable, StructureNotFound
from portal_adapter.sirene.record import Address, StructureRecord, clean, repetition_index, street_line
from portal_adapter.sirene.types import from_categorie_juridique
from portal_adapter.sirene.upstream_http import UpstreamHttp

log = logging.getLogger(__name__)
SOURCE = "insee"
KEY_HEADER = "X-INSEE-Api-Key-Integration"


def _name(unit: dict) -> str | None:
    name = clean(unit.get("denominationUniteLegale"))
    if name:
        return name
    first = clean(unit.get("prenomUsuelUniteLegale")) or clean(unit.get("prenom1UniteLegale"))
    last = clean(unit.get("nomUsageUniteLegale")) or clean(unit.get("nomUniteLegale"))
    return " ".join(p for p in (first, last) if p) or None


def _current_period(establishment: dict) -> dict:
    periods = json_objects(establishment.get("periodesEtablissement")) or [{}]
    return next((p for p in periods if p.get("dateFin") is None), periods[0])


def parse(payload: dict, siret: str, now: datetime | None = None) -> StructureRecord:
    establishment = payload.get("etablissement") if isinstance(payload, dict) else None
    if not isinstance(establishment, dict) or establishment.get("siret") != siret:
        raise RegisterUnavailable("unexpected answer shape")
    unit = json_object(establishment.get("uniteLegale"))
    address = json_object(establishment.get("adresseEtablissement"))
    name = _name(unit)
    cedex = clean(address.get("codeCedexEtablissement"))
    if cedex:
        postal_code, city = cedex, clean(address.get("libelleCedexEtablissement"))
    else:
        postal_code = clean(address.get("codePostalEtablissement"))
        city = clean(address.get("libelleCommuneEtablissement")) or clean(
            address.get("libelleCommuneEtrangerEtablissement")
        )
    legal_category = clean(unit.get("categorieJuridiqueUniteLegale"))
    masked = "P" in (establishment.get("statutDiffusionEtablissement"), unit.get("statutDiffusionUniteLegale"))
    return StructureRecord(
        siret=siret,
        siren=siret[:9],
        name=name,
        acronym=clean(unit.get("sigleUniteLegale")),
        legal_category=legal_category,
        structure_type=from_categorie_juridique(legal_category),
        head_office=bool(establishment.get("etablissementSiege")),
        active=_current_period(establishment).get("etatAdministratifEtablissement") != "F"
        and unit.get("etatAdministratifUniteLegale") != "C",
        public=not masked,
        address=Address(
            country=clean(address.get("libellePaysEtrangerEtablissement")) or "FRANCE",
            postal_code=postal_code,
            city=city,
            recipient=name,
            building=clean(address.get("complementAdresseEtablissement")),
            street_number=clean(address.get("numeroVoieEtablissement")),
            street_number_suffix=repetition_index(address.get("indiceRepetitionEtablissement")),
            street=street_line(address.get("typeVoieEtablissement"), address.get("libelleVoieEtablissement")),
            po_box_or_locality=clean(address.get("distributionSpecialeEtablissement")),
        ),
        address_complete=True,
        source=SOURCE,
        fetched_at=now or datetime.now(UTC),
    )


class InseeClient:
    def __init__(self, base_url: str, api_key: str, http: UpstreamHttp) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.http = http

    def fetch(self, siret: str) -> StructureRecord:
        response = self.http.get(f"{self.base_url}/siret/{siret}", headers={KEY_HEADER: self.api_key})
        if response.status_code in (404, 301):  # 301: a replaced duplicate SIRET
            raise StructureNotFound()
        if response.status_code in (401, 403):
            log.error("insee: HTTP %d: the API key is refused", response.status_code)
            raise RegisterUnavailable()
        if response.status_code != 200:
            log.warning("insee: HTTP %d for a valid SIRET", response.status_code)
            raise RegisterUnavailable()
        try:
            payload = response.json()
        except ValueError as error:
            log.warning("insee: malformed JSON")
            raise RegisterUnavailable() from error
        return parse(payload, siret)

    def successor(self, siret: str) -> str | None:
        """The SIRET the register names as this establishment's successor (« liens de
        succession »), or None; the latest link wins when there are several."""
        response = self.http.get(
            f"{self.base_url}/siret/liensSuccession",
            headers={KEY_HEADER: self.api_key},
            params={"q": f"siretEtablissementPredecesseur:{siret}"},
        )
        if response.status_code == 404:  # no link
            return None
        if response.status_code != 200:
            log.warning("insee: HTTP %d for the successions of a SIRET", response.status_code)
            raise RegisterUnavailable()
        try:
            payload = response.json()
        except ValueError as error:
            log.warning("insee: malformed JSON")
            raise RegisterUnavailable() from error
        return successor_of(payload, siret)


def successor_of(payload: object, siret: str) -> str | None:
    links = json_objects(payload.get("liensSuccession")) if isinstance(payload, dict) else []
    links = [
        link
        for link in links
        if link.get("siretEtablissementPredecesseur") == siret
        and isinstance(link.get("siretEtablissementSuccesseur"), str)
        and link["siretEtablissementSuccesseur"] != siret
    ]
    if not links:
        return None
    latest = max(links, key=lambda link: str(link.get("dateLienSuccession") or ""))
    return latest["siretEtablissementSuccesseur"]
