"""SIRET rules (pure): normalisation and validation, through python-stdnum.

At most 40 characters typed; 14 digits once the spaces (no-break ones included), tabs, dots
and hyphens are removed (a line break is not one of them); Luhn on the SIREN and on the SIRET,
except La Poste (SIREN 356000000) whose establishments' digits must sum to a multiple of 5.
The same rule as the extension's ``SiretForm.java``: both run ``contract/siret-vectors.json``.
"""

from __future__ import annotations

import unicodedata

from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret as stdnum_siret

MAX_TYPED_LENGTH = 40  # longer than any SIRET typed with separators: refused without further work
_SEPARATORS = frozenset("\t.-")


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
    """Remove the spaces, tabs, dots and hyphens people type inside a SIRET."""
    return "".join(c for c in raw or "" if c not in _SEPARATORS and unicodedata.category(c) != "Zs")


def validate(raw: str) -> str:
    """The normalised SIRET, or ``SiretFormatError`` / ``SiretChecksumError``."""
    number = normalize(raw)
    if not (len(raw or "") <= MAX_TYPED_LENGTH and len(number) == 14 and number.isascii() and number.isdigit()):
        raise SiretFormatError(raw)
    try:
        return stdnum_siret.validate(number)
    except stdnum_errors.InvalidChecksum as error:
        raise SiretChecksumError(raw) from error
    except stdnum_errors.ValidationError as error:  # defensive: format already checked
        raise SiretFormatError(raw) from error


def siren_of(siret: str) -> str:
    return siret[:9]
