"""Who may call /api/*: a Keycloak service-account token of an allowed client, or the
shared secret from the environment. Anonymous callers get 401 (:func:`refuse_unknown_callers`,
every API blueprint's ``before_request``)."""

from __future__ import annotations

import hmac
import logging
import threading
import time

import requests
from flask import current_app, jsonify, request
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from portal_adapter.config import Settings
from portal_adapter.runtime import current_settings

log = logging.getLogger(__name__)
JWKS_TTL_SECONDS = 300.0
MIN_REFETCH_INTERVAL_SECONDS = 10.0  # an unknown key id fetches the keys again, at most this often


class Unauthenticated(Exception):
    pass


class ApiCallerCheck:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._keys: KeySet | None = None
        self._keys_at = 0.0
        self._refetched_at: float | None = None

    def _load(self) -> None:
        url = f"{self.settings.keycloak_url}/realms/{self.settings.realm}/protocol/openid-connect/certs"
        response = requests.get(url, timeout=self.settings.http_timeout_seconds)
        response.raise_for_status()
        self._keys = KeySet.import_key_set(response.json())
        self._keys_at = time.monotonic()

    def _key_set(self) -> KeySet:
        with self._lock:
            if self._keys is None or time.monotonic() - self._keys_at > JWKS_TTL_SECONDS:
                self._load()
            return self._keys

    def _refetched_key_set(self) -> KeySet | None:
        """The keys fetched again (one may have rotated); None when done too recently, so that
        tokens with made-up key ids cannot make every call a request to Keycloak."""
        with self._lock:
            now = time.monotonic()
            if self._refetched_at is not None and now - self._refetched_at < MIN_REFETCH_INTERVAL_SECONDS:
                return None
            self._refetched_at = now
            self._load()
            return self._keys

    def caller(self, authorization: str | None) -> str:
        """The caller's name, or Unauthenticated."""
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthenticated("no bearer credentials")
        credential = authorization[len("Bearer ") :].strip()
        if hmac.compare_digest(credential.encode(), self.settings.api_secret.encode()):
            return "shared-secret"
        if credential.count(".") != 2:
            raise Unauthenticated("not a token")
        try:
            try:
                token = jwt.decode(credential, self._key_set())
            except InvalidKeyIdError:  # the realm's keys may have rotated
                keys = self._refetched_key_set()
                if keys is None:
                    raise
                token = jwt.decode(credential, keys)
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.settings.issuer},
                exp={"essential": True},
            ).validate(token.claims)
        except (JoseError, ValueError, TypeError, requests.RequestException) as error:
            # TypeError: joserfc's answer to some ill-typed headers, e.g. {"alg": "RS256", "crit": true}
            raise Unauthenticated(f"invalid token: {type(error).__name__}") from error
        client = token.claims.get("azp") or token.claims.get("client_id")
        if client not in self.settings.api_client_ids:
            raise Unauthenticated(f"client {client!r} is not allowed")
        return f"client:{client}"


def refuse_unknown_callers():
    """For an API blueprint's ``before_request``: None when the caller may call (its name in the
    request's environ, ``hariane.api_caller``), else the 401 JSON answer."""
    extensions = current_app.extensions
    if "hariane_api_auth" not in extensions:
        extensions["hariane_api_auth"] = ApiCallerCheck(current_settings())
    try:
        request.environ["hariane.api_caller"] = extensions["hariane_api_auth"].caller(
            request.headers.get("Authorization")
        )
    except Unauthenticated as reason:
        log.info("API call refused: %s", reason)
        response = jsonify(error={"code": "unauthenticated", "message": "Authentification requise."})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="hariane-portal-adapter"'
        return response
    return None
