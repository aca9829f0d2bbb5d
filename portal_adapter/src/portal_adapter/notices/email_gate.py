"""The durable throttle on what sends e-mails: one serialized transaction per request to send
(SQLite: BEGIN IMMEDIATE; PostgreSQL: a table lock), so two parallel requests count twice and
the counters read from the audit trail (``email_sends``) are exact; they survive a restart.
Every request is audited, sent or throttled: UTC time, action, recipient, client address, the
e-mail and, when refused, the limit — never a link, a code or a secret."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.config import Settings
from portal_adapter.db import email_sends, serialized
from portal_adapter.notices import throttle

log = logging.getLogger(__name__)
ACTIONS = ("activation_link", "password_reset", "security_email")
# How long the audit trail keeps a request (as long as the realm keeps its events); older rows
# are deleted as new ones come. Longer than any window: the counters never lose a counted send.
RETENTION_SECONDS = 90 * 86400.0


def limits_of(settings: Settings, action: str) -> tuple[tuple[throttle.Limit, ...], tuple[throttle.Limit, ...]]:
    """The (per address, per client) limits the settings give ``action``."""
    return (
        throttle.parse_limits(getattr(settings, f"throttle_{action}_per_address")),
        throttle.parse_limits(getattr(settings, f"throttle_{action}_per_client")),
    )


@dataclass
class EmailGate:
    engine: sa.Engine
    settings: Settings
    clock: Callable[[], float] = time.time

    def request(self, action: str, address: str, client: str, detail: str = "") -> throttle.Decision:
        """May an e-mail of ``action`` go to ``address``, asked from ``client``? The answer is
        recorded (a « sent » row counts against later requests); the caller sends only if allowed."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        address, client = address.strip().lower()[:320], (client or "unknown")[:64]
        address_limits, client_limits = limits_of(self.settings, action)
        s = email_sends
        with serialized(self.engine, "email_sends") as connection:
            # the time is read under the lock: a request never misses one that went just before it
            now = self.clock()
            since = now - throttle.longest_window(address_limits, client_limits)

            def sends(*conditions) -> list[float]:
                query = sa.select(s.c.at).where(s.c.action == action, s.c.result == "sent", s.c.at > since, *conditions)
                return [row.at for row in connection.execute(query)]

            decision = throttle.decide(
                sends(s.c.address == address), sends(s.c.client == client), address_limits, client_limits, now
            )
            result = "sent" if decision.allowed else "throttled"
            note = detail if decision.allowed else f"{detail} ({decision.reason})".strip()
            connection.execute(
                sa.insert(s).values(
                    at=now, action=action, address=address, client=client, result=result, detail=note[:200] or None
                )
            )
            kept = max(RETENTION_SECONDS, now - since)
            connection.execute(sa.delete(s).where(s.c.at < now - kept))
        log.info("e-mail %s to %s asked from %s: %s %s", action, address, client, result, note)
        return decision
