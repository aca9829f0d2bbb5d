"""The portal's login sessions, server-side: the signed cookie carries the identity read at
login and a random key; the session is live only while its row exists. A back-channel
logout (``backchannel.py``) deletes the rows, so every gunicorn worker refuses the cookie
at its next request."""

from __future__ import annotations

import secrets
import time

import sqlalchemy as sa

from portal_adapter.db import login_sessions

# Rows older than the realm's longest SSO session (10 h) cannot be live any more.
MAX_AGE_SECONDS = 12 * 3600.0


def open_session(
    engine: sa.Engine,
    sub: str,
    sid: str | None,
    now: float | None = None,
    acr: str | None = None,
    auth_time: float | None = None,
) -> str:
    """Record a new login session, with its ID token's ``acr`` and ``auth_time``; returns its
    key. Sessions past their maximum age are purged."""
    now = time.time() if now is None else now
    key = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(sa.delete(login_sessions).where(login_sessions.c.created_at < now - MAX_AGE_SECONDS))
        connection.execute(
            sa.insert(login_sessions).values(
                key=key, sub=sub, sid=sid, created_at=now, acr=acr, auth_time=_seconds(auth_time)
            )
        )
    return key


def _seconds(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def record_authentication(
    engine: sa.Engine, key: str, acr: str | None, auth_time: object, sid: str | None = None
) -> None:
    """A new ID token for this session (a step-up): its level and authentication time, and its
    realm session when Keycloak had to open a new one (the back-channel logout names it)."""
    values = {"acr": acr, "auth_time": _seconds(auth_time)}
    if sid:
        values["sid"] = sid
    with engine.begin() as connection:
        connection.execute(sa.update(login_sessions).where(login_sessions.c.key == key).values(**values))


def last_authentication(engine: sa.Engine, key: str) -> tuple[str | None, float | None]:
    """The ``acr`` and ``auth_time`` of this session's last ID token ((None, None) if unknown)."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(login_sessions.c.acr, login_sessions.c.auth_time).where(login_sessions.c.key == key)
        ).first()
    return (row.acr, row.auth_time) if row is not None else (None, None)


def is_live(engine: sa.Engine, key: str, now: float | None = None) -> bool:
    now = time.time() if now is None else now
    with engine.connect() as connection:
        created = connection.execute(
            sa.select(login_sessions.c.created_at).where(login_sessions.c.key == key)
        ).scalar_one_or_none()
    return created is not None and created >= now - MAX_AGE_SECONDS


def close_session(engine: sa.Engine, key: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.delete(login_sessions).where(login_sessions.c.key == key))


def end_sessions(engine: sa.Engine, sid: str | None, sub: str | None) -> int:
    """End the sessions of one realm session (``sid``, of that ``sub`` when given) or, with
    ``sub`` alone, every session of that user; returns how many ended. A session of that user
    whose ID token named no ``sid`` cannot be told apart: it ends too."""
    if sid:
        condition = login_sessions.c.sid == sid
        if sub:
            condition = sa.and_(sa.or_(condition, login_sessions.c.sid.is_(None)), login_sessions.c.sub == sub)
    elif sub:
        condition = login_sessions.c.sub == sub
    else:
        return 0
    with engine.begin() as connection:
        return connection.execute(sa.delete(login_sessions).where(condition)).rowcount
