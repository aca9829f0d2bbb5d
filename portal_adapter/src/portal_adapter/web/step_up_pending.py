"""Forms waiting for a second-factor check (step-up), kept server-side: one per login session,
one-time, for 10 minutes. What was typed (a concession's access code among it) never goes into
a page, a URL or the cookie; in the database it is sealed with AES-GCM under a key derived from
the portal's secret key, bound to its row (id, login session, person, action), so that a copy of
the database alone reads nothing and a row cannot be replayed for another session."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from portal_adapter.db import step_up_pending

PENDING_SECONDS = 600.0
_KEY_LABEL = b"hariane-pro step-up pending forms v1"


def _cipher(secret_key: str) -> AESGCM:
    return AESGCM(hmac.new(secret_key.encode(), _KEY_LABEL, hashlib.sha256).digest())


def _bound_to(pending_id: str, session_key: str, sub: str, action: str) -> bytes:
    return "\x1f".join((pending_id, session_key, sub, action)).encode()


def keep(
    engine: sa.Engine,
    secret_key: str,
    *,
    session_key: str,
    sub: str,
    action: str,
    payload: dict,
    now: float | None = None,
) -> str:
    """Keep ``payload`` for ``action`` of this login session (replacing any form it kept
    before); returns the pending form's id. Expired forms of anyone are purged."""
    now = time.time() if now is None else now
    pending_id = secrets.token_urlsafe(32)
    nonce = os.urandom(12)
    sealed = nonce + _cipher(secret_key).encrypt(
        nonce, json.dumps(payload).encode(), _bound_to(pending_id, session_key, sub, action)
    )
    with engine.begin() as connection:
        connection.execute(
            sa.delete(step_up_pending).where(
                sa.or_(step_up_pending.c.expires_at < now, step_up_pending.c.session_key == session_key)
            )
        )
        connection.execute(
            sa.insert(step_up_pending).values(
                id=pending_id,
                session_key=session_key,
                sub=sub,
                action=action,
                sealed_payload=base64.b64encode(sealed).decode(),
                created_at=now,
                expires_at=now + PENDING_SECONDS,
            )
        )
    return pending_id


def take(
    engine: sa.Engine,
    secret_key: str,
    pending_id: str,
    *,
    session_key: str,
    sub: str,
    action: str,
    now: float | None = None,
) -> dict | None:
    """The payload kept under ``pending_id`` for this session, person and action, once: the
    row is deleted whatever the answer. None when it is gone, expired or not theirs."""
    now = time.time() if now is None else now
    with engine.begin() as connection:
        row = connection.execute(sa.select(step_up_pending).where(step_up_pending.c.id == pending_id)).first()
        if row is None:
            return None
        taken = connection.execute(sa.delete(step_up_pending).where(step_up_pending.c.id == pending_id)).rowcount
    if taken != 1 or row.expires_at < now or (row.session_key, row.sub, row.action) != (session_key, sub, action):
        return None  # another request took it first, too late, or someone else's
    sealed = base64.b64decode(row.sealed_payload)
    try:
        plain = _cipher(secret_key).decrypt(sealed[:12], sealed[12:], _bound_to(pending_id, session_key, sub, action))
    except InvalidTag:
        return None
    return json.loads(plain)


def drop(engine: sa.Engine, pending_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.delete(step_up_pending).where(step_up_pending.c.id == pending_id))
