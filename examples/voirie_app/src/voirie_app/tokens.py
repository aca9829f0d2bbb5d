"""Explicit validation of the ID token the application receives, and the identity read from it.

authlib already checks the ID token (and its nonce) during the login callback; this module
checks it again, on its own terms, so that what the application trusts is visible and unit
tested: the signature against the realm's JWKS (found through the discovery document's
``jwks_uri``, cached, fetched again once when a token names an unknown key), the issuer, the
audience (the client id), the expiry (with a small leeway) and the token type.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256")  # asymmetric only: never "none" nor HMAC
LEEWAY_SECONDS = 60
JWKS_TTL_SECONDS = 3600.0
MIN_REFETCH_INTERVAL_SECONDS = 10.0  # an unknown kid cannot make us hammer Keycloak
CONCESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # as the identity emits it
MAX_CONCESSION_LABEL = 200
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"

FetchJson = Callable[[str], Any]


class InvalidIdToken(Exception):
    """The token must not be trusted; the message says why (for the logs, never shown)."""


def http_json(timeout: float) -> FetchJson:
    def fetch(url: str) -> Any:
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
        return response.json()

    return fetch


class RealmKeys:
    """The realm's public signing keys, from the discovery document's ``jwks_uri``."""

    def __init__(
        self,
        discovery_url: str,
        fetch_json: FetchJson,
        *,
        ttl: float = JWKS_TTL_SECONDS,
        min_refetch_interval: float = MIN_REFETCH_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.discovery_url = discovery_url
        self._fetch_json = fetch_json
        self._ttl = ttl
        self._min_refetch_interval = min_refetch_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._refetched_at: float | None = None

    def current(self) -> KeySet:
        with self._lock:
            if self._keys is None or self._clock() - self._fetched_at > self._ttl:
                self._load()
            return self._keys

    def refetch(self) -> KeySet | None:
        """Fetch the keys again (a key may have rotated); None when done too recently."""
        with self._lock:
            now = self._clock()
            if self._refetched_at is not None and now - self._refetched_at < self._min_refetch_interval:
                return None
            self._refetched_at = now
            self._load()
            return self._keys

    def _load(self) -> None:
        try:
            discovery = self._fetch_json(self.discovery_url)
            jwks_uri = discovery["jwks_uri"]
            key_set = KeySet.import_key_set(self._fetch_json(jwks_uri))
        except (OSError, ValueError, KeyError, TypeError, JoseError) as error:  # requests errors are OSErrors
            raise InvalidIdToken(f"the realm's keys are unavailable: {type(error).__name__}: {error}") from error
        self._keys, self._fetched_at = key_set, self._clock()
        log.info("realm keys loaded from %s (%d keys)", jwks_uri, len(key_set.keys))


def _verified_claims(raw: str, keys: RealmKeys, registry: jwt.JWTClaimsRegistry) -> dict[str, Any]:
    """The claims of a compact JWS signed by one of the realm's keys (fetched again once for
    an unknown key id), checked by ``registry``; InvalidIdToken otherwise."""
    if not isinstance(raw, str) or raw.count(".") != 2:
        raise InvalidIdToken("not a compact JWS")
    try:
        try:
            token = jwt.decode(raw, keys.current(), algorithms=ALGORITHMS)
        except InvalidKeyIdError:
            refetched = keys.refetch()
            if refetched is None:
                raise
            token = jwt.decode(raw, refetched, algorithms=ALGORITHMS)
        registry.validate(token.claims)
    except (JoseError, ValueError) as error:
        raise InvalidIdToken(f"{type(error).__name__}: {error}") from error
    return token.claims


class IdTokenValidator:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: RealmKeys,
        leeway: int = LEEWAY_SECONDS,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.leeway = leeway
        self._now = now

    def validate(self, raw: str) -> dict[str, Any]:
        """The token's claims once every check has passed; otherwise InvalidIdToken."""
        claims = _verified_claims(raw, self.keys, self._registry("exp", "sub"))
        self._check_party(claims)
        return claims

    def validate_logout_token(self, raw: str) -> LogoutSubject:
        """A back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6):
        signed by the realm, this issuer, this client as audience, ``iat`` present, the
        back-channel logout event, no ``nonce``, and a ``sid`` or a ``sub``."""
        claims = _verified_claims(raw, self.keys, self._registry("iat"))
        events = claims.get("events")
        if not isinstance(events, Mapping) or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), Mapping):
            raise InvalidIdToken("no back-channel logout event")
        if "nonce" in claims:
            raise InvalidIdToken("a logout token must not carry a nonce")
        sid, sub = claims.get("sid"), claims.get("sub")
        sid = sid if isinstance(sid, str) and sid else None
        sub = sub if isinstance(sub, str) and sub else None
        if sid is None and sub is None:
            raise InvalidIdToken("neither sid nor sub")
        return LogoutSubject(sid=sid, sub=sub)

    def _registry(self, *essential: str) -> jwt.JWTClaimsRegistry:
        """Checks of this issuer and this audience, plus the ``essential`` claims' presence
        (``exp``, when present, is checked in any case, with the leeway)."""
        return jwt.JWTClaimsRegistry(
            now=lambda: int(self._now()),
            leeway=self.leeway,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            **{name: {"essential": True} for name in essential},
        )

    def _check_party(self, claims: Mapping[str, Any]) -> None:
        token_type = claims.get("typ")
        if token_type is not None and token_type != "ID":
            raise InvalidIdToken(f"not an ID token (typ {token_type!r})")
        audience = claims.get("aud")
        azp = claims.get("azp")
        if azp is not None and azp != self.audience:
            raise InvalidIdToken(f"issued to another party (azp {azp!r})")
        if isinstance(audience, list) and len(audience) > 1 and azp is None:
            raise InvalidIdToken("several audiences and no azp")


@dataclass(frozen=True)
class LogoutSubject:
    """Whose sessions a logout token ends: one realm session (``sid``), or every session of
    the user (``sub`` alone)."""

    sid: str | None
    sub: str | None


@dataclass(frozen=True)
class Concession:
    id: str
    label: str


def concessions_from(claims: Mapping[str, Any]) -> list[Concession]:
    """The ``concessions`` claim, read defensively: malformed entries are skipped, an id is
    kept once (its first entry); absent, empty or not a list means none."""
    value = claims.get("concessions")
    if not isinstance(value, list):
        return []
    seen: dict[str, Concession] = {}
    for entry in value:
        if not isinstance(entry, Mapping):
            continue
        concession_id, label = entry.get("id"), entry.get("label")
        if not isinstance(concession_id, str) or not isinstance(label, str):
            continue
        concession_id, label = concession_id.strip(), label.strip()
        if not CONCESSION_ID.match(concession_id) or not label or len(label) > MAX_CONCESSION_LABEL:
            continue
        seen.setdefault(concession_id, Concession(concession_id, label))
    return list(seen.values())


def structure_from(claims: Mapping[str, Any]) -> dict[str, str] | None:
    """The ``structure`` claim ({"siret", "name"}), or None when absent or malformed."""
    value = claims.get("structure")
    if not isinstance(value, Mapping):
        return None
    siret, name = value.get("siret"), value.get("name")
    if not isinstance(siret, str) or not isinstance(name, str):
        return None
    return {"siret": siret, "name": name}


def identity_from(claims: Mapping[str, Any]) -> dict[str, Any]:
    """What the application keeps in its session: read from the validated claims only."""

    def text(name: str) -> str:
        value = claims.get(name)
        return value if isinstance(value, str) else ""

    profile = claims.get("pro_profile")
    given, family = text("given_name"), text("family_name")
    return {
        "sub": text("sub"),
        "preferred_username": text("preferred_username"),
        "given_name": given,
        "family_name": family,
        "name": text("name") or f"{given} {family}".strip() or text("preferred_username"),
        "profile": profile if isinstance(profile, str) else None,
        "structure": structure_from(claims),
        "concessions": [{"id": c.id, "label": c.label} for c in concessions_from(claims)],
        # the level of the login: "pwd" (password alone) or "mfa" (second factor within 900 s)
        "acr": text("acr"),
    }
