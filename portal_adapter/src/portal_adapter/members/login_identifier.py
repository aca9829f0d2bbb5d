"""The generated login identifier (pure), the same rules as the extension's LoginIdentifier.java:
``pro.`` + first name + ``.`` + last name, lower case, other alphabets transliterated by ICU's
``Any-Latin; Latin-ASCII`` (« Иванов » gives ``ivanov``, « 王 » ``wang``), accents folded, spaces
and apostrophes turned into hyphens; ``pro.john.doe``, then ``pro.john.doe2``... Both sides use
the same ICU version (PyICU from the pyicu-wheels wheel here, icu4j in the extension) and are
tested with contract/login-identifier-vectors.json."""

from __future__ import annotations

import re
import threading
import unicodedata

import icu

PREFIX = "pro."
TRANSFORM = "Any-Latin; Latin-ASCII"
# A compiled ICU transform is not documented as thread-safe: used under a lock.
_TO_ASCII = icu.Transliterator.createInstance(TRANSFORM)
_TO_ASCII_LOCK = threading.Lock()
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"}
# Separators: Unicode White_Space (Java's \p{IsWhite_Space}; Python's \s would also take
# U+001C..U+001F), apostrophes, underscores and dashes.
_SEPARATORS = re.compile(r"[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'’ʼ‘`´_\-‐‑–—]+")
_NOT_ALLOWED = re.compile(r"[^a-z0-9-]")
_HYPHENS = re.compile(r"-{2,}")


class NoUsableLetter(ValueError):
    """A name that gives no letter of an identifier (e.g. « ꆈꌠ »: ICU has no Latin for it)."""


def part(name: str) -> str:
    folded = _fold(name)
    if not folded:
        raise NoUsableLetter("no letter usable in an identifier")
    return folded


def is_usable(name: str) -> bool:
    """Whether a name gives at least one letter or digit of an identifier."""
    return bool(_fold(name))


def _fold(name: str) -> str:
    with _TO_ASCII_LOCK:
        latin = _TO_ASCII.transliterate((name or "").strip())
    folded = latin.lower()
    for ligature, letters in _LIGATURES.items():
        folded = folded.replace(ligature, letters)
    folded = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    folded = _SEPARATORS.sub("-", folded)
    folded = _NOT_ALLOWED.sub("", folded)
    return _HYPHENS.sub("-", folded).strip("-")


def base(first_name: str, last_name: str) -> str:
    return f"{PREFIX}{part(first_name)}.{part(last_name)}"


def candidate(base_identifier: str, attempt: int) -> str:
    if attempt < 1:
        raise ValueError("attempt starts at 1")
    return base_identifier if attempt == 1 else f"{base_identifier}{attempt}"
