"""The security e-mails' use case: each notice goes to its recipients after the change it
tells of is committed, in the background (never blocking nor failing the change), one e-mail
per recipient, each through the throttle (per recipient and per client address)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

import sqlalchemy as sa

from portal_adapter import mailer
from portal_adapter.config import Settings
from portal_adapter.notices.email_gate import EmailGate
from portal_adapter.notices.messages import KINDS, render

log = logging.getLogger(__name__)


class SecurityNotices:
    """``client``: the address of whoever caused the change (the throttle's per-client counter)."""

    def __init__(self, settings: Settings, engine: sa.Engine | None, client: str = "") -> None:
        self.settings = settings
        self.engine = engine
        self.client = client or "unknown"

    def send(self, kind: str, recipients: Iterable[str], facts: dict[str, str], *, wait: bool = False) -> None:
        """Tell ``recipients`` (each once) that ``kind`` happened now; errors are logged, never raised."""
        if kind not in KINDS:
            raise ValueError(f"unknown security notice {kind!r}")
        addresses = sorted({a.strip().lower() for a in recipients if a and a.strip()})
        if not addresses or self.engine is None:
            return
        at = time.time()
        thread = threading.Thread(
            target=self._deliver, args=(kind, addresses, dict(facts), at), name="security-notice", daemon=True
        )
        thread.start()
        if wait:
            thread.join()

    def may_send(self, action: str, address: str, detail: str = "") -> bool:
        """Through the throttle (docs/throttles.md): may an e-mail of ``action`` go to ``address``
        now, from this client? Recorded; True without a database (nothing to count with)."""
        if self.engine is None:
            return True
        return EmailGate(self.engine, self.settings).request(action, address, self.client, detail).allowed

    def _deliver(self, kind: str, addresses: list[str], facts: dict[str, str], at: float) -> None:
        gate = EmailGate(self.engine, self.settings)
        message = render(kind, facts, at=at, help_url=self.settings.help_url, portal_url=self.settings.base_url)
        for address in addresses:
            try:
                if gate.request("security_email", address, self.client, kind).allowed:
                    mailer.send(self.settings, [address], message.subject, message.text, html=message.html, wait=True)
            except (sa.exc.SQLAlchemyError, OSError) as error:
                log.error("security e-mail %s to %s not sent: %s", kind, address, error)


def quiet(settings: Settings) -> SecurityNotices:
    """Notices that send nothing (a use case run without a database, e.g. a command)."""
    return SecurityNotices(settings, None)
