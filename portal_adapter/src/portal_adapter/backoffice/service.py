"""The use cases of the agents' back-office. Each calls the concession room's staff use cases
(:mod:`portal_adapter.concessions.staff`, the same the command line calls), then writes the
agent's journal; a detachment also brings the structure's identity in line and e-mails its
administrators."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import jinja2
import sqlalchemy as sa
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from portal_adapter import mailer
from portal_adapter.backoffice import journal
from portal_adapter.backoffice.journal import Agent
from portal_adapter.concessions import staff
from portal_adapter.concessions.alerts import structure_admin_emails, structure_of
from portal_adapter.concessions.linking import Linker
from portal_adapter.concessions.registry_import import ImportReport
from portal_adapter.concessions.service import publish_concessions
from portal_adapter.concessions.staff import Concession
from portal_adapter.config import Settings
from portal_adapter.identity.names import (
    ORG_ATTR_SIRENE_CHANGED_AT,
    ORG_ATTR_SIRENE_CLOSED_AT,
    ORG_ATTR_SIRENE_PREFIX,
    ORG_ATTR_SIRENE_STATE,
    ORG_ATTR_SIRENE_SUCCESSOR,
)

log = logging.getLogger(__name__)
STRUCTURES_PER_PAGE = 20
_MAILS = jinja2.Environment(
    loader=jinja2.PackageLoader("portal_adapter", "templates"), autoescape=False, keep_trailing_newline=True
)


def reason_error(reason: str) -> str | None:
    """The French message for a missing or too long reason; None when it can be recorded."""
    if not reason.strip():
        return "Indiquez le motif : il est inscrit au journal."
    if len(reason) > staff.REASON_MAX:
        return f"Le motif ne peut dépasser {staff.REASON_MAX} caractères."
    return None


def target(concession: Concession) -> str:
    return f"{concession.public_id} ({concession.label})"


@dataclass(frozen=True)
class SireneState:
    """A structure's establishment as the last SIRENE re-sync saw it (docs/sirene.md), in French."""

    state: str  # « Active », « Fermée le 01/12/2026 », « Non vérifiée » (never re-synced)
    successor: str  # the successor establishment's SIRET the register names, or ""
    changed: str  # « Modifiée le 01/12/2026 » when the register's name or address differ, or ""


def _day(value: str | None) -> str:
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return ""
    return moment.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y") if moment.tzinfo else ""


def sirene_state(attributes: dict[str, list[str]]) -> SireneState:
    """What the structures list shows of the organization attributes the re-sync writes."""

    def first(name: str) -> str | None:
        return (attributes.get(name) or [None])[0]

    state = first(ORG_ATTR_SIRENE_STATE)
    if state == "closed":
        closed_on = _day(first(ORG_ATTR_SIRENE_CLOSED_AT))
        label = f"Fermée le {closed_on}" if closed_on else "Fermée"
    else:
        label = "Active" if state == "active" else "Non vérifiée"
    differs = any(name.startswith(ORG_ATTR_SIRENE_PREFIX) and values for name, values in attributes.items())
    changed_on = _day(first(ORG_ATTR_SIRENE_CHANGED_AT)) if differs else ""
    changed = (f"Modifiée le {changed_on}" if changed_on else "Modifiée") if differs else ""
    return SireneState(label, first(ORG_ATTR_SIRENE_SUCCESSOR) or "", changed)


@dataclass(frozen=True)
class StructureRow:
    name: str
    siret: str
    members: int
    sirene: SireneState


@dataclass(frozen=True)
class StructurePage:
    rows: list[StructureRow]
    page: int
    has_next: bool


class AgentDesk:
    """What a metropolis agent does from the back-office."""

    def __init__(self, settings: Settings, engine: sa.Engine, admin: KeycloakAdmin) -> None:
        self.settings = settings
        self.engine = engine
        self.admin = admin
        self.linker = Linker(engine, settings.concession_code_pepper.encode())

    def import_registry(self, agent: Agent, data: bytes, filename: str) -> ImportReport:
        """Raises :class:`~portal_adapter.concessions.registry_file.UnreadableRegistry` before
        anything is written when the file cannot be read."""
        rows = staff.read_rows(data, filename)
        report = staff.import_registry(self.engine, self.settings.concession_code_pepper.encode(), rows)
        journal.record(self.engine, agent, "import", filename, detail=staff.summary(report))
        log.info("registry %s imported by agent %s: %s", filename, agent.id, staff.summary(report))
        return report

    def search(self, typed: str) -> list[Concession]:
        return staff.search(self.engine, typed)

    def concession(self, public_id: str) -> Concession | None:
        return staff.by_public_id(self.engine, public_id)

    def attempts(self, concession: Concession) -> list[staff.Attempt]:
        return staff.attempts(self.engine, concession)

    def unlock(self, agent: Agent, concession: Concession, reason: str) -> None:
        staff.unlock(self.linker, concession, by=agent.id, actor=agent.name, reason=reason)
        journal.record(self.engine, agent, "unlock", target(concession), reason)
        log.info("concession %s unlocked by agent %s", concession.id, agent.id)

    def detach(self, agent: Agent, concession: Concession, reason: str, ip: str) -> bool:
        """False when the concession was not linked (any more). Else the structure's identity
        follows and its active administrators are e-mailed (who acted is not named: the service)."""
        siret = concession.holder_siret
        if siret is None or not staff.detach(
            self.linker, concession, by=agent.id, actor=agent.name, ip=ip, reason=reason
        ):
            return False
        journal.record(self.engine, agent, "detach", target(concession), reason, f"structure SIRET {siret}")
        log.info("concession %s detached from structure %s by agent %s", concession.id, siret, agent.id)
        try:
            structure = structure_of(self.admin, siret)
        except (KeycloakError, OSError) as error:  # the structure's next dashboard visit repairs it
            log.error("structure %s: not found in the realm after a detachment: %s", siret, error)
            structure = None
        if structure is not None:
            publish_concessions(self.admin, self.engine, structure.id, siret)
        body = _MAILS.get_template("backoffice/courriel_detachement.txt").render(
            label=concession.label, public_id=concession.public_id, reason=reason, contact=self.settings.voirie_contact
        )
        mailer.send(
            self.settings,
            structure_admin_emails(self.settings, self.admin, siret),
            "Hariane PRO : un compte de concession voirie a été détaché de votre structure",
            body,
        )
        return True

    def structures(self, page: int, typed: str = "") -> StructurePage:
        """One page of the registered structures (Keycloak organizations) whose name or SIRET
        contains ``typed``, with their member counts and SIRENE state."""
        page = max(page, 1)
        query = {
            "first": (page - 1) * STRUCTURES_PER_PAGE,
            "max": STRUCTURES_PER_PAGE + 1,
            "briefRepresentation": "false",
        }
        if typed:
            query["search"] = typed
        found = self.admin.get_organizations(query)
        rows = [
            StructureRow(
                ((o.get("attributes") or {}).get("name") or [o.get("name", "")])[0],
                o.get("alias", ""),
                self.admin.get_organization_members_count(o["id"]),
                sirene_state(o.get("attributes") or {}),
            )
            for o in found[:STRUCTURES_PER_PAGE]
        ]
        return StructurePage(rows, page, len(found) > STRUCTURES_PER_PAGE)
