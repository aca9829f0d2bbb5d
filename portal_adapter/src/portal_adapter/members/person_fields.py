"""The rules of a person's name and e-mail address (pure), the same as the registration's
(``RegistrationForm.java``): both are tested with ``contract/person-name-vectors.json`` and
``contract/email-vectors.json``, where each rule is spelled out."""

from __future__ import annotations

import re
import unicodedata

from portal_adapter.members import login_identifier

MAX_LENGTH = 100
NAME_SIGNS = frozenset(" '’.-")
# Dot-separated atoms on the left (no leading, trailing or doubled dot: Keycloak refuses them),
# at most 64 characters; then domain labels that neither start nor end with a hyphen.
EMAIL = re.compile(
    r"(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


def _name_character(character: str) -> bool:
    category = unicodedata.category(character)
    return category[0] in "LM" or category == "Zs" or character in NAME_SIGNS


def is_person_name(typed: str) -> bool:
    """Letters of any alphabet (with their combining accents), spaces, hyphens, apostrophes
    and dots, a letter first; no digit; surrounding spaces ignored."""
    name = typed.strip()
    return (
        len(typed) <= MAX_LENGTH
        and name != ""
        and unicodedata.category(name[0]).startswith("L")
        and all(map(_name_character, name))
    )


def is_email(typed: str) -> bool:
    return len(typed) <= MAX_LENGTH and EMAIL.fullmatch(typed.strip()) is not None


def person_errors(first: str, last: str, email: str, first_label: str, last_label: str) -> dict[str, str]:
    """French error per person field (``prenom``, ``nom``, ``courriel``) of a form that names a
    person who will get an account; ``*_label`` ends « Indiquez … » when the field is empty."""
    errors: dict[str, str] = {}
    for field, value, label in (("prenom", first, first_label), ("nom", last, last_label)):
        if not value.strip():
            errors[field] = f"Indiquez {label}."
        elif not is_person_name(value):
            errors[field] = (
                "Ce champ ne peut contenir que des lettres, des espaces, des apostrophes et des traits d'union."
            )
        elif not login_identifier.is_usable(value):
            errors[field] = (
                "Ce nom ne permet pas de former l'identifiant de connexion : "
                "ajoutez à la suite son écriture en lettres latines (de A à Z)."
            )
    if not is_email(email):
        errors["courriel"] = "Indiquez une adresse de courriel valide, par exemple : prenom.nom@exemple.fr."
    return errors
