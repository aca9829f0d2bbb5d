"""Error kinds of a structure lookup, each with its stable API code and French message."""

from __future__ import annotations


class LookupFailed(Exception):
    code = "upstream_unavailable"
    status = 503
    message = "Le répertoire SIRENE est momentanément indisponible. Veuillez réessayer dans quelques instants."


class StructureNotFound(LookupFailed):
    code = "not_found"
    status = 404
    message = "Aucun établissement ne correspond à ce numéro SIRET dans le répertoire SIRENE."


class RegisterUnavailable(LookupFailed):
    pass


class RegisterRateLimited(LookupFailed):
    code = "rate_limited"
    status = 429
    message = "Trop de recherches en cours auprès du répertoire SIRENE. Veuillez réessayer dans quelques instants."

    def __init__(self, retry_after: float = 1.0, *args: object) -> None:
        super().__init__(*args)
        self.retry_after = retry_after


CLOSED_CODE = "closed"
CLOSED_MESSAGE = (
    "Cet établissement est fermé dans le répertoire SIRENE : indiquez le SIRET d'un établissement en activité."
)
