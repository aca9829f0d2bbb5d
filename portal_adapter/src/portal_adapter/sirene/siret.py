"""SIRET rules (pure): normalisation and validation, through python-stdnum.

14 digits once spaces and dots are removed; Luhn on the SIREN and on the SIRET, except
La Poste (SIREN 356000000) whose establishments' digits must sum to a multiple of 5.
"""

from __future__ import annotations

import re

from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret as stdnum_siret

_SEPARATORS = re.compile(r"[\s.\u00a0\u202f-]")


class InvalidSiret(ValueError):
    """A SIRET that cannot be looked up; ``code`` is the API's stable error code."""

    code = "invalid_format"
    message = "Le numéro SIRET doit comporter 14 chiffres."


class SiretFormatError(InvalidSiret):
    code = "invalid_format"
    message = "Le numéro SIRET doit comporter 14 chiffres."


class SiretChecksumError(InvalidSiret):
    code = "invalid_checksum"
    message = "Ce numéro SIRET n'est pas valide : vérifiez les chiffres saisis."


def normalize(raw: str) -> str:
    """Remove the spaces, dots and hyphens people type inside a SIRET."""
    return _SEPARATORS.sub("", raw or "")


def validate(raw: str) -> str:
    """The normalised SIRET, or ``SiretFormatError`` / ``SiretChecksumError``."""
    number = normalize(raw)
    if not (len(number) == 14 and number.isascii() and number.isdigit()):
        raise SiretFormatError(raw)
    try:
        return stdnum_siret.validate(number)
    except stdnum_errors.InvalidChecksum as error:
        raise SiretChecksumError(raw) from error
    except stdnum_errors.ValidationError as error:  # defensive: format already checked
        raise SiretFormatError(raw) from error


def siren_of(siret: str) -> str:
    return siret[:9]
