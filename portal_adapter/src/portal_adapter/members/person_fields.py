"""The rules of a person's name and e-mail address (pure), the same as the registration's
(``RegistrationForm.java``): both are tested with ``contract/person-name-vectors.json`` and
``contract/email-vectors.json``, where each rule is spelled out."""

from __future__ import annotations

import re
import unicodedata

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
