"""The 4-digit access codes: never stored in clear. At rest, HMAC-SHA-256 under a secret
key kept outside the database (the pepper), bound to the account so that two accounts with
the same code do not share a digest; compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re

CODE = re.compile(r"^[0-9]{4}$")


class InvalidCode(ValueError):
    message = "Le code d'accès comporte 4 chiffres."


def normalize_code(typed: str) -> str:
    code = (typed or "").strip().replace(" ", "")
    if not CODE.match(code):
        raise InvalidCode(typed)
    return code


def digest(pepper: bytes, account_key: str, code: str) -> str:
    if len(pepper) < 32:
        raise ValueError("the pepper must have at least 32 bytes")
    message = f"{account_key}\x00{normalize_code(code)}".encode()
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()


def matches(pepper: bytes, account_key: str, typed: str, stored_digest: str) -> bool:
    """True when ``typed`` is the account's code; False for any other input (never raises)."""
    try:
        candidate = digest(pepper, account_key, typed)
    except InvalidCode:
        candidate = "0" * 64
    return hmac.compare_digest(candidate, stored_digest)
