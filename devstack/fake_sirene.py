"""Local stand-ins for the two SIRENE APIs, answering in their real formats.

``FakeSirene`` serves API Recherche d'entreprises (``GET /search?q=``) and INSEE API
Sirene 3.11 (``GET /siret/{siret}``) on one loopback port. Each establishment exists in
both formats; *scenarios* make a SIRET misbehave (429 with Retry-After, 503, slow,
malformed JSON, 400, 401...); *changes* make the register say something new of a SIRET (closed
now, renamed, moved, with a successor), as the re-sync of registered structures must notice.
Every request is recorded with its arrival time, so tests
and benchmarks can check what the upstream saw.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

INSEE_KEY = "fake-insee-key"
MASK_RECHERCHE = "[NON-DIFFUSIBLE]"
MASK_INSEE = "[ND]"


@dataclass(frozen=True)
class Establishment:
    siret: str
    name: str | None
    legal_category: str
    head_office: bool
    head_office_siret: str
    street_number: str | None = None
    repetition: str | None = None
    street_type: str | None = None
    street_name: str | None = None
    complement: str | None = None
    distribution: str | None = None
    postal_code: str | None = None
    city: str | None = None
    commune: str | None = None
    cedex: str | None = None
    cedex_label: str | None = None
    acronym: str | None = None
    closed: bool = False
    masked: bool = False
    first_name: str | None = None
    last_name: str | None = None
    successor: str | None = None  # the successor establishment (INSEE's « liens de succession »)

    @property
    def siren(self) -> str:
        return self.siret[:9]

    def one_line(self) -> str:
        parts = [
            self.complement,
            self.street_number,
            self.repetition,
            self.street_type,
            self.street_name,
            self.distribution,
            self.cedex or self.postal_code,
            self.cedex_label or self.city,
        ]
        return " ".join(p for p in parts if p)


# SIRETs of docs/sirene.md's test vectors; names other than the metropolis's are fictional.
ESTABLISHMENTS = {
    e.siret: e
    for e in (
        Establishment(
            "20008495200015",
            "LE HAVRE SEINE METROPOLE",
            "7343",
            True,
            "20008495200015",
            "19",
            None,
            "RUE",
            "GEORGES BRAQUE",
            "HOTEL DE LA COMMUNAUTE",
            None,
            "76600",
            "LE HAVRE",
            "76351",
            "76085",
            "LE HAVRE CEDEX",
        ),
        Establishment(
            "73282932000074",
            "SOCIETE DES RESEAUX DE L'ESTUAIRE",
            "5599",
            True,
            "73282932000074",
            "4",
            "B",
            "BD",
            "DE STRASBOURG",
            None,
            None,
            "76600",
            "LE HAVRE",
            "76351",
            acronym="SRE",
        ),
        Establishment(
            "39860733300059",
            "SOCIETE DES RESEAUX DE L'ESTUAIRE",
            "5599",
            False,
            "73282932000074",
            "27",
            None,
            "RTE",
            "INDUSTRIELLE",
            "BATIMENT C",
            None,
            "76700",
            "HARFLEUR",
            "76341",
        ),
        Establishment(
            "21920023500014",
            "ASSOCIATION DES CONCESSIONNAIRES",
            "9220",
            True,
            "21920023500014",
            "1",
            None,
            "PL",
            "DE L'HOTEL DE VILLE",
            None,
            "BP 60",
            "76600",
            "LE HAVRE",
            "76351",
        ),
        Establishment(
            "88087814500015",
            "ANCIENS ETABLISSEMENTS DU QUAI",
            "5499",
            True,
            "88087814500015",
            "3",
            None,
            "QUAI",
            "DE LA MARNE",
            None,
            None,
            "76600",
            "LE HAVRE",
            "76351",
            closed=True,
        ),
        Establishment(
            "91234567500017",
            None,
            "1000",
            True,
            "91234567500017",
            "12",
            None,
            "RUE",
            "DU PORT",
            None,
            None,
            "76600",
            "LE HAVRE",
            "76351",
            masked=True,
            first_name="JEANNE",
            last_name="MARTIN",
        ),
    )
}


SYNTHETIC_SIREN_PREFIX = "999"


def synthetic(siret: str) -> Establishment | None:
    """Any valid SIRET whose SIREN starts with 999 is a head office of a test company, so
    tests can register as many structures as they need."""
    if not siret.startswith(SYNTHETIC_SIREN_PREFIX) or len(siret) != 14:
        return None
    return Establishment(
        siret,
        f"ENTREPRISE DE TEST {siret[3:9]}",
        "5710",
        True,
        siret,
        "10",
        None,
        "RUE",
        "DE PARIS",
        None,
        None,
        "76600",
        "LE HAVRE",
        "76351",
    )


def find(siret: str) -> Establishment | None:
    return ESTABLISHMENTS.get(siret) or synthetic(siret)


def _mask(value, est: Establishment, mask: str):
    return mask if est.masked and value is not None else value


Finder = Callable[[str], Establishment | None]


def recherche_answer(siret: str, find: Finder = find) -> dict:
    """The /search?q=<siret> answer of API Recherche d'entreprises."""
    est = find(siret)
    if est is None:
        return {"results": [], "total_results": 0, "page": 1, "per_page": 10, "total_pages": 0}
    m = MASK_RECHERCHE
    siege = find(est.head_office_siret)

    def establishment_fields(e: Establishment) -> dict:
        return {
            "siret": e.siret,
            "est_siege": e.head_office,
            "etat_administratif": "F" if e.closed else "A",
            "statut_diffusion_etablissement": "P" if e.masked else "O",
            "date_creation": "2019-01-01",
            "date_fermeture": "2024-06-30" if e.closed else None,
            "adresse": _mask(e.one_line(), e, m),
            "code_postal": _mask(e.postal_code, e, m),
            "commune": _mask(e.commune, e, m),
            "libelle_commune": _mask(e.city, e, m),
            "region": "28",
            "activite_principale": "42.21Z",
            "liste_enseignes": None,
            "nom_commercial": None,
            "latitude": None,
            "longitude": None,
        }

    siege_fields = establishment_fields(siege) | {
        "complement_adresse": _mask(siege.complement, siege, m),
        "numero_voie": _mask(siege.street_number, siege, m),
        "dernier_numero_voie": None,
        "indice_repetition": _mask(siege.repetition, siege, m),
        "type_voie": _mask(siege.street_type, siege, m),
        "libelle_voie": _mask(siege.street_name, siege, m),
        "distribution_speciale": _mask(siege.distribution, siege, m),
        "cedex": siege.cedex,
        "libelle_cedex": siege.cedex_label,
        "code_pays_etranger": None,
        "libelle_commune_etranger": None,
        "libelle_pays_etranger": None,
        "departement": "76",
    }
    full_name = est.name or (m if est.masked else f"{est.first_name} {est.last_name}")
    result = {
        "siren": est.siren,
        "nom_complet": full_name,
        "nom_raison_sociale": est.name,
        "sigle": est.acronym,
        "nombre_etablissements": 2,
        "nombre_etablissements_ouverts": 1,
        "siege": siege_fields,
        "activite_principale": "42.21Z",
        "categorie_entreprise": "PME",
        "date_creation": "2019-01-01",
        "date_fermeture": "2024-06-30" if est.closed else None,
        "etat_administratif": "C" if est.closed else "A",
        "nature_juridique": est.legal_category,
        "statut_diffusion": "P" if est.masked else "O",
        "dirigeants": [],
        "matching_etablissements": [establishment_fields(est) | {"ancien_siege": False}],
        "complements": {
            "est_administration": est.legal_category.startswith("7"),
            "est_association": est.legal_category.startswith("92"),
            "est_entrepreneur_individuel": est.legal_category == "1000",
            "identifiant_association": None,
            "collectivite_territoriale": None,
        },
    }
    return {"results": [result], "total_results": 1, "page": 1, "per_page": 10, "total_pages": 1}


def insee_answer(siret: str, find: Finder = find) -> dict | None:
    """The /siret/{siret} answer of INSEE API Sirene 3.11 (None: 404)."""
    est = find(siret)
    if est is None:
        return None
    m = MASK_INSEE
    return {
        "header": {"statut": 200, "message": "ok"},
        "etablissement": {
            "siren": est.siren,
            "nic": est.siret[9:],
            "siret": est.siret,
            "statutDiffusionEtablissement": "P" if est.masked else "O",
            "dateCreationEtablissement": "2019-01-01",
            "etablissementSiege": est.head_office,
            "nombrePeriodesEtablissement": 1,
            "uniteLegale": {
                "etatAdministratifUniteLegale": "C" if est.closed else "A",
                "statutDiffusionUniteLegale": "P" if est.masked else "O",
                "categorieJuridiqueUniteLegale": est.legal_category,
                "denominationUniteLegale": est.name,
                "sigleUniteLegale": est.acronym,
                "nomUniteLegale": _mask(est.last_name, est, m),
                "nomUsageUniteLegale": None,
                "prenom1UniteLegale": _mask(est.first_name, est, m),
                "prenomUsuelUniteLegale": _mask(est.first_name, est, m),
                "nicSiegeUniteLegale": est.head_office_siret[9:],
            },
            "adresseEtablissement": {
                "complementAdresseEtablissement": _mask(est.complement, est, m),
                "numeroVoieEtablissement": _mask(est.street_number, est, m),
                "indiceRepetitionEtablissement": _mask(est.repetition, est, m),
                "typeVoieEtablissement": _mask(est.street_type, est, m),
                "libelleVoieEtablissement": _mask(est.street_name, est, m),
                "codePostalEtablissement": _mask(est.postal_code, est, m),
                "libelleCommuneEtablissement": _mask(est.city, est, m),
                "libelleCommuneEtrangerEtablissement": None,
                "distributionSpecialeEtablissement": _mask(est.distribution, est, m),
                "codeCommuneEtablissement": _mask(est.commune, est, m),
                "codeCedexEtablissement": est.cedex,
                "libelleCedexEtablissement": est.cedex_label,
                "codePaysEtrangerEtablissement": None,
                "libellePaysEtrangerEtablissement": None,
            },
            "periodesEtablissement": [
                {
                    "dateFin": None,
                    "dateDebut": "2019-01-01",
                    "etatAdministratifEtablissement": "F" if est.closed else "A",
                }
            ],
        },
    }


def insee_successions(siret: str, find: Finder = find) -> dict | None:
    """The /siret/liensSuccession?q=siretEtablissementPredecesseur:<siret> answer (None: 404, no link)."""
    est = find(siret)
    if est is None or est.successor is None:
        return None
    return {
        "header": {"statut": 200, "message": "OK", "total": 1, "debut": 0, "nombre": 1},
        "liensSuccession": [
            {
                "siretEtablissementPredecesseur": siret,
                "siretEtablissementSuccesseur": est.successor,
                "dateLienSuccession": "2026-11-01",
                "transfertSiege": est.head_office,
                "continuiteEconomique": True,
                "dateDernierTraitementLienSuccession": "2026-11-02T08:00:00.000",
            }
        ],
    }


@dataclass
class Scenario:
    """How the fake answers one SIRET: ``status`` for ``times`` requests, then normally."""

    status: int = 200
    times: int = 10**9
    retry_after: str | None = None
    delay: float = 0.0
    malformed: bool = False


@dataclass
class Hit:
    api: str
    siret: str
    at: float


@dataclass
class FakeSirene:
    port: int = 0
    scenarios: dict[tuple[str, str], Scenario] = field(default_factory=dict)  # (api, siret) -> scenario
    hits: list[Hit] = field(default_factory=list)
    latency: float = 0.0
    changes: dict[str, dict] = field(default_factory=dict)  # siret -> Establishment fields the register now says

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                fake._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def recherche_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/recherche"

    @property
    def insee_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/insee/api-sirene/3.11"

    def start(self) -> FakeSirene:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def hits_for(self, api: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.api == api]

    def reset(self) -> None:
        with self._lock:
            self.hits.clear()
            self.scenarios.clear()
            self.changes.clear()

    def change(self, siret: str, **fields) -> None:
        """From now on the register says ``fields`` of ``siret`` (e.g. ``closed=True``,
        ``successor="..."``, ``name="..."``, ``street_name="..."``)."""
        with self._lock:
            self.changes[siret] = self.changes.get(siret, {}) | fields

    def find(self, siret: str) -> Establishment | None:
        est = find(siret)
        with self._lock:
            fields = self.changes.get(siret)
        return replace(est, **fields) if est is not None and fields else est

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        if url.path == "/recherche/search":
            api, siret = "recherche", (parse_qs(url.query).get("q") or [""])[0]
        elif url.path == "/insee/api-sirene/3.11/siret/liensSuccession":
            query = (parse_qs(url.query).get("q") or [""])[0]
            api, siret = "insee-successions", query.removeprefix("siretEtablissementPredecesseur:")
        elif url.path.startswith("/insee/api-sirene/3.11/siret/"):
            api, siret = "insee", url.path.rsplit("/", 1)[1]
        else:
            return self._send(request, 404, {"erreur": "not found"})
        with self._lock:
            self.hits.append(Hit(api, siret, time.time()))
            scenario = self.scenarios.get((api, siret))
            if scenario is not None and scenario.times > 0:
                scenario.times -= 1
            else:
                scenario = None
        if self.latency:
            time.sleep(self.latency)
        if scenario is not None:
            if scenario.delay:
                time.sleep(scenario.delay)
            if scenario.malformed:
                return self._send_raw(request, 200, b'{"results": [ {"siren": ')
            if scenario.status != 200:
                headers = {"Retry-After": scenario.retry_after} if scenario.retry_after else {}
                body = (
                    {"erreur": "fake error"}
                    if api == "recherche"
                    else {"header": {"statut": scenario.status, "message": "fake"}}
                )
                return self._send(request, scenario.status, body, headers)
        if api == "recherche":
            if not (siret.isdigit()):
                return self._send(request, 400, {"erreur": "Veuillez indiquer un terme de recherche valide."})
            return self._send(request, 200, recherche_answer(siret, self.find))
        if request.headers.get("X-INSEE-Api-Key-Integration") != INSEE_KEY:
            return self._send(request, 401, {"fault": {"code": 900901, "message": "Invalid Credentials"}})
        if api == "insee-successions":
            links = insee_successions(siret, self.find)
            if links is None:
                return self._send(request, 404, {"header": {"statut": 404, "message": "Aucun élément trouvé"}})
            return self._send(request, 200, links)
        answer = insee_answer(siret, self.find)
        if answer is None:
            return self._send(
                request, 404, {"header": {"statut": 404, "message": f"Aucun élément trouvé pour le siret {siret}"}}
            )
        return self._send(request, 200, answer)

    def _send(self, request, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        self._send_raw(request, status, json.dumps(body, ensure_ascii=False).encode(), headers)

    @staticmethod
    def _send_raw(request, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json; charset=utf-8")
            request.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout scenarios)
