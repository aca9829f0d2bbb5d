"""Server-side login sessions: the browser's cookie carries only a random key; the identity
and the tokens stay here, in the application's SQLite file, so that

- a back-channel logout from the realm (by ``sid`` or ``sub``) ends the session in every
  gunicorn worker at once (``end``);
- the tokens can be refreshed when the access token expires, and the identity re-read from
  the new ID token (``auth.py``), without ever handing a refresh token to the browser.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voirie_app import sqlite_file

# A session nobody used for this long is dropped (the realm's SSO idle timeout ends it anyway).
IDLE_SECONDS = 12 * 3600.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS login_sessions (
    key TEXT PRIMARY KEY,
    sub TEXT NOT NULL,
    sid TEXT,
    identity TEXT NOT NULL,
    id_token TEXT NOT NULL,
    access_token TEXT NOT NULL,
    refresh_token TEXT,
    access_expires_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_login_sessions_sub ON login_sessions (sub);
CREATE INDEX IF NOT EXISTS ix_login_sessions_sid ON login_sessions (sid);
"""


@dataclass(frozen=True)
class Tokens:
    """What the token endpoint answered, as the session keeps it."""

    id_token: str
    access_token: str
    refresh_token: str | None
    access_expires_at: float

    @classmethod
    def from_response(cls, token: Mapping[str, Any], now: float) -> Tokens:
        expires_at = token.get("expires_at")
        if not isinstance(expires_at, int | float):
            expires_at = now + float(token.get("expires_in") or 0)
        return cls(
            id_token=token["id_token"],
            access_token=token["access_token"],
            refresh_token=token.get("refresh_token"),
            access_expires_at=float(expires_at),
        )


@dataclass(frozen=True)
class LoginSession:
    key: str
    sub: str
    sid: str | None
    identity: dict[str, Any]
    tokens: Tokens

    def access_expired(self, now: float, margin: float = 5.0) -> bool:
        return now + margin >= self.tokens.access_expires_at


class SessionStore:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock

    def initialize(self) -> None:
        sqlite_file.create_schema(self.path, SCHEMA)

    def create(self, *, sub: str, sid: str | None, identity: dict[str, Any], tokens: Tokens) -> str:
        """A new session; returns its key (for the cookie). Long-idle sessions are purged."""
        key = secrets.token_urlsafe(32)
        now = self._clock()
        with sqlite_file.write(self.path) as connection:
            connection.execute("DELETE FROM login_sessions WHERE updated_at < ?", (now - IDLE_SECONDS,))
            connection.execute(
                "INSERT INTO login_sessions (key, sub, sid, identity, id_token, access_token, refresh_token, "
                "access_expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    sub,
                    sid,
                    json.dumps(identity),
                    tokens.id_token,
                    tokens.access_token,
                    tokens.refresh_token,
                    tokens.access_expires_at,
                    now,
                ),
            )
        return key

    def get(self, key: str) -> LoginSession | None:
        with sqlite_file.connect(self.path) as connection:
            row = connection.execute("SELECT * FROM login_sessions WHERE key = ?", (key,)).fetchone()
        if row is None or row["updated_at"] < self._clock() - IDLE_SECONDS:
            return None
        return LoginSession(
            key=row["key"],
            sub=row["sub"],
            sid=row["sid"],
            identity=json.loads(row["identity"]),
            tokens=Tokens(row["id_token"], row["access_token"], row["refresh_token"], row["access_expires_at"]),
        )

    def refreshed(self, key: str, identity: dict[str, Any], tokens: Tokens) -> bool:
        """Store the refreshed tokens and identity; False when the session ended meanwhile
        (a back-channel logout arrived during the refresh): it stays ended."""
        with sqlite_file.write(self.path) as connection:
            cursor = connection.execute(
                "UPDATE login_sessions SET identity = ?, id_token = ?, access_token = ?, refresh_token = ?, "
                "access_expires_at = ?, updated_at = ? WHERE key = ?",
                (
                    json.dumps(identity),
                    tokens.id_token,
                    tokens.access_token,
                    tokens.refresh_token,
                    tokens.access_expires_at,
                    self._clock(),
                    key,
                ),
            )
        return cursor.rowcount == 1

    def delete(self, key: str) -> None:
        with sqlite_file.write(self.path) as connection:
            connection.execute("DELETE FROM login_sessions WHERE key = ?", (key,))

    def end(self, *, sid: str | None, sub: str | None) -> int:
        """Back-channel logout: end the sessions of that realm session (``sid``), or every
        session of that user (``sub`` alone); returns how many ended. A session of that user
        whose ID token named no ``sid`` cannot be told apart: it ends too."""
        if sid:
            where, values = "sid = ?", [sid]
            if sub:
                where, values = "(sid = ? OR sid IS NULL) AND sub = ?", [sid, sub]
        elif sub:
            where, values = "sub = ?", [sub]
        else:
            return 0
        with sqlite_file.write(self.path) as connection:
            return connection.execute(f"DELETE FROM login_sessions WHERE {where}", values).rowcount  # noqa: S608
