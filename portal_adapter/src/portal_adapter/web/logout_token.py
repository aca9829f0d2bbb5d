"""Validation of a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, §2.6),
with joserfc: a pure function of the token, the realm's JWKS and the expected issuer and
audience. The caller fetches the keys (and fetches them again for an unknown key id)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256")  # the realm's asymmetric keys only
LEEWAY_SECONDS = 60


class InvalidLogoutToken(Exception):
    """Not a logout token this client may act on; the message says why (for the logs)."""


class UnknownSigningKey(InvalidLogoutToken):
    """Signed with a key the JWKS given does not hold (it may have rotated)."""


@dataclass(frozen=True)
class LogoutSubject:
    """One realm session (``sid``), or every session of a user (``sub`` alone)."""

    sid: str | None
    sub: str | None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def validate(raw: str, jwks: Mapping[str, Any], *, issuer: str, audience: str, now: float) -> LogoutSubject:
    if not isinstance(raw, str) or raw.count(".") != 2:
        raise InvalidLogoutToken("not a compact JWS")
    try:
        keys = KeySet.import_key_set(dict(jwks))
        claims = jwt.decode(raw, keys, algorithms=ALGORITHMS).claims
        jwt.JWTClaimsRegistry(
            now=lambda: int(now),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            iat={"essential": True},
        ).validate(claims)
    except JoseError as error:
        if error.error == "invalid_key_id":
            raise UnknownSigningKey(str(error)) from error
        raise InvalidLogoutToken(f"{type(error).__name__}: {error}") from error
    except (ValueError, TypeError) as error:
        raise InvalidLogoutToken(f"{type(error).__name__}: {error}") from error
    events = claims.get("events")
    if not isinstance(events, Mapping) or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), Mapping):
        raise InvalidLogoutToken("the back-channel logout event is missing")
    if "nonce" in claims:
        raise InvalidLogoutToken("a logout token never carries a nonce")
    subject = LogoutSubject(sid=_text(claims.get("sid")), sub=_text(claims.get("sub")))
    if subject.sid is None and subject.sub is None:
        raise InvalidLogoutToken("the token names neither a session (sid) nor a user (sub)")
    return subject
