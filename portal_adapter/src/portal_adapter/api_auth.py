"""Who may call /api/*: a Keycloak service-account token of an allowed client, or the
shared secret from the environment. Anonymous callers get 401."""

from __future__ import annotations

import hmac
import logging
import threading
import time

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portal_adapter.config import Settings

log = logging.getLogger(__name__)
JWKS_TTL_SECONDS = 300.0


class Unauthenticated(Exception):
    pass


class ApiCallerCheck:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._keys: KeySet | None = None
        self._keys_at = 0.0

    def _key_set(self, refresh: bool = False) -> KeySet:
        with self._lock:
            if refresh or self._keys is None or time.monotonic() - self._keys_at > JWKS_TTL_SECONDS:
                url = f"{self.settings.keycloak_url}/realms/{self.settings.realm}/protocol/openid-connect/certs"
                response = requests.get(url, timeout=self.settings.http_timeout_seconds)
                response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
                self._keys_at = time.monotonic()
            return self._keys

    def caller(self, authorization: str | None) -> str:
        """The caller's name, or Unauthenticated."""
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthenticated("no bearer credentials")
        credential = authorization[len("Bearer "):].strip()
        if hmac.compare_digest(credential.encode(), self.settings.api_secret.encode()):
            return "shared-secret"
        if credential.count(".") != 2:
            raise Unauthenticated("not a token")
        try:
            try:
                token = jwt.decode(credential, self._key_set())
            except JoseError:
                token = jwt.decode(credential, self._key_set(refresh=True))  # keys may have rotated
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.settings.issuer},
                exp={"essential": True},
            ).validate(token.claims)
        except (JoseError, ValueError, requests.RequestException) as error:
            raise Unauthenticated(f"invalid token: {type(error).__name__}") from error
        client = token.claims.get("azp") or token.claims.get("client_id")
        if client not in self.settings.api_client_ids:
            raise Unauthenticated(f"client {client!r} is not allowed")
        return f"client:{client}"
