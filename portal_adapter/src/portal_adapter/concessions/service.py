"""The concession use cases, between the pages and the building blocks: link (the guarded
check, the alerts it calls for, the identity written), detach, and the identity brought in
line with the database. Each returns a typed outcome; the pages choose the words and codes."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from enum import Enum, auto

import sqlalchemy as sa
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from portal_adapter.concessions import alerts
from portal_adapter.concessions.identity_sync import PublishError, publish
from portal_adapter.concessions.linking import Linker, Result
from portal_adapter.config import Settings
from portal_adapter.db import concession_accounts
from portal_adapter.members.service import Structure, StructureUsers
from portal_adapter.notices.service import SecurityNotices

log = logging.getLogger(__name__)


class LinkStatus(Enum):
    LINKED = auto()  # linked (now or before) and written to the identity
    LINKED_PENDING = auto()  # linked; the identity could not be written yet (repaired later)
    REFUSED = auto()  # wrong label or code, or a blocked concession: one answer
    TAKEN = auto()  # the account belongs to another structure (the metropolis is told)
    BLOCKED = auto()  # the person, the structure or the address tried too often


@dataclass(frozen=True)
class LinkOutcome:
    status: LinkStatus
    message: str  # French, for the page
    retry_after: float | None = None  # BLOCKED: seconds


class UnlinkStatus(Enum):
    UNLINKED = auto()
    NOT_LINKED = auto()


@dataclass(frozen=True)
class UnlinkOutcome:
    status: UnlinkStatus
    message: str


class ConcessionLinking:
    """The concession accounts of one administrator's structure."""

    def __init__(self, settings: Settings, engine: sa.Engine, admin: KeycloakAdmin) -> None:
        self.settings = settings
        self.engine = engine
        self.admin = admin
        self.linker = Linker(engine, settings.concession_code_pepper.encode())

    def link(self, structure: Structure, *, user_id: str, ip: str, label: str, code: str, actor: str) -> LinkOutcome:
        """``code``: normalised; ``actor``: « pro.prenom.nom (Prénom Nom) », for the audit and e-mails."""
        outcome = self.linker.attempt(
            user_id=user_id, siret=structure.siret, ip=ip, label=label, code=code, actor=actor
        )
        if outcome.hard_locked:
            alerts.hard_locked(self.settings, self.admin, label=outcome.label or "", holder_siret=outcome.holder_siret)
        if outcome.result is Result.TAKEN:
            alerts.claimed_by_second_structure(
                self.settings,
                label=outcome.label or "",
                holder_siret=outcome.holder_siret or "",
                requester_siret=structure.siret,
                actor=actor,
            )
            return LinkOutcome(LinkStatus.TAKEN, outcome.message)
        if outcome.result is Result.LINKED:
            self._tell_administrators("concession_linked", structure, actor, outcome.label or "", ip)
        if outcome.result in (Result.LINKED, Result.ALREADY_LINKED):
            if self.publish(structure.id, structure.siret):
                return LinkOutcome(LinkStatus.LINKED, outcome.message)
            return LinkOutcome(LinkStatus.LINKED_PENDING, outcome.message)
        if outcome.result is Result.BLOCKED:
            return LinkOutcome(LinkStatus.BLOCKED, outcome.message, outcome.retry_after)
        return LinkOutcome(LinkStatus.REFUSED, outcome.message)

    def unlink(self, structure: Structure, *, user_id: str, ip: str, account_id: int, actor: str) -> UnlinkOutcome:
        outcome = self.linker.unlink(user_id=user_id, siret=structure.siret, ip=ip, account_id=account_id, actor=actor)
        if outcome.result is Result.NOT_LINKED:
            return UnlinkOutcome(UnlinkStatus.NOT_LINKED, outcome.message)
        self.publish(structure.id, structure.siret)
        label = self._label(account_id)
        self._tell_administrators("concession_detached", structure, actor, label, ip)
        return UnlinkOutcome(UnlinkStatus.UNLINKED, outcome.message)

    def _label(self, account_id: int) -> str:
        with self.engine.connect() as connection:
            query = sa.select(concession_accounts.c.label).where(concession_accounts.c.id == account_id)
            return connection.execute(query).scalar() or ""

    def _tell_administrators(self, kind: str, structure: Structure, actor: str, label: str, ip: str) -> None:
        """The structure's active administrators get the security e-mail, in the background
        (reading them calls Keycloak; the page does not wait)."""

        def job() -> None:
            try:
                members = StructureUsers(self.admin, self.settings).members(structure)
            except (KeycloakError, OSError) as error:
                log.error("structure %s: no %s e-mail, its administrators unreadable: %s", structure.siret, kind, error)
                return
            recipients = [m.email for m in members if m.profile == "admin" and m.state == "active"]
            facts = {"structure": structure.name, "actor": actor, "concession": label}
            SecurityNotices(self.settings, self.engine, ip).send(kind, recipients, facts, wait=True)

        threading.Thread(target=job, name="concession-notice", daemon=True).start()

    def publish(self, organization_id: str, siret: str) -> bool:
        return publish_concessions(self.admin, self.engine, organization_id, siret)


def publish_concessions(admin: KeycloakAdmin, engine: sa.Engine, organization_id: str, siret: str) -> bool:
    """The identity follows the database; False (logged) when Keycloak could not be written
    (the structure's next visit to the dashboard repairs it)."""
    try:
        publish(admin, engine, organization_id, siret)
        return True
    except (KeycloakError, PublishError, OSError) as error:
        log.error("structure %s: concessions not written to the identity: %s", siret, error)
        return False
