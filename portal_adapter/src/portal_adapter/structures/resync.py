"""The SIRENE re-sync of every registered structure (``portal-adapter structures resync``).

Each structure (a Keycloak organization keyed by its SIRET) is read again from the register,
one after the other, through the lookup's own rate limiter (shared with the portal's lookups,
so the register never sees more than its published limits) and written to its cache:

- the register's values that differ from the declared ones are kept beside them
  (``sirene.<field>``, :mod:`.register_values`); what the structure declared is never touched;
- a closed establishment is flagged (``sireneState`` ``closed``, ``sireneClosedAt``, the
  successor SIRET when the register names one), its active administrators are e-mailed once,
  and its members see a notice on their dashboard (:mod:`.notice`);
- the run is resumable (:mod:`.runs`): a structure's result and the run's cursor are saved
  together, so a killed run resumes after the last structure done, and a run over unchanged
  data writes nothing to Keycloak and sends nothing.

An e-mail is sent before its structure's row says so: a crash between the two sends it again
on resumption (at least once, never lost).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
import sqlalchemy as sa
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from portal_adapter.config import Settings
from portal_adapter.identity.names import ORG_ATTR_SIRENE_SUCCESSOR
from portal_adapter.members.service import Structure, StructureUsers
from portal_adapter.sirene.errors import LookupFailed, RegisterRateLimited
from portal_adapter.sirene.lookup import StructureLookup
from portal_adapter.sirene.siret import InvalidSiret
from portal_adapter.structures import closure_mail, runs
from portal_adapter.structures.register_values import first, updated_attributes

log = logging.getLogger(__name__)
FAILURES = (LookupFailed, InvalidSiret, KeycloakError, requests.RequestException)


@dataclass(frozen=True)
class Result:
    """One structure's check: ``outcome`` is « inchangée », « modifiée », « fermée » or « erreur »."""

    siret: str
    outcome: str
    detail: str = ""


@dataclass
class Report:
    run: runs.Run | None  # None: a run limited to some SIRETs (not resumable, nothing to resume)
    results: list[Result] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def totals(self) -> dict[str, int]:
        """Structures checked, changed, closed, errors: the whole run's when resumable."""
        if self.run is not None:
            return {k: getattr(self.run, k) for k in ("checked", "changed", "closed", "errors")}
        return {
            "checked": len(self.results),
            "changed": self.count("modifiée"),
            "closed": self.count("fermée"),
            "errors": self.count("erreur"),
        }


@dataclass
class Resync:
    settings: Settings
    engine: sa.Engine
    admin: KeycloakAdmin
    lookup: StructureLookup
    pause: float = 0.0  # seconds between two structures, on top of the rate limiter
    patience: int = 5  # rate-limited answers waited out per structure before counting an error
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep

    def structures(self) -> list[tuple[str, str]]:
        """(SIRET, organization id) of every registered structure, in SIRET order."""
        organizations = self.admin.get_organizations({"briefRepresentation": "true"})
        return sorted((o["alias"], o["id"]) for o in organizations if o.get("alias"))

    def run(
        self,
        only: list[str] | None = None,
        started: Callable[[runs.Run | None, int], None] = lambda run, total: None,
        progress: Callable[[Result], None] = lambda result: None,
    ) -> Report:
        """Every structure (or only those SIRETs); RunInProgress when another run is going on."""
        structures = self.structures()
        if only:
            wanted = set(only)
            report = Report(None)
            todo = [s for s in structures if s[0] in wanted]
        else:
            report = Report(runs.start_or_resume(self.engine, self.clock()))
            todo = [s for s in structures if report.run.cursor is None or s[0] > report.run.cursor]
        started(report.run, len(todo))
        for index, (siret, organization_id) in enumerate(todo):
            if index and self.pause:
                self.sleep(self.pause)
            result, outcome = self._check_one(siret, organization_id)
            counts = {"checked": 1} | {
                name: int(result.outcome == outcome)  # integers: PostgreSQL adds no boolean to an integer
                for name, outcome in (("changed", "modifiée"), ("closed", "fermée"), ("errors", "erreur"))
            }
            report.run = runs.record(self.engine, report.run, siret, outcome, counts, self.clock())
            report.results.append(result)
            progress(result)
        if report.run is not None:
            report.run = runs.finish(self.engine, report.run, self.clock())
        return report

    def _check_one(self, siret: str, organization_id: str) -> tuple[Result, dict | None]:
        try:
            return self._check(siret, organization_id)
        except FAILURES as error:
            detail = getattr(error, "message", None) or type(error).__name__
            log.warning("resync: structure %s not checked: %s", siret, detail)
            return Result(siret, "erreur", detail), None
        except Exception:  # noqa: BLE001 - one structure's surprise must not stop every later run there
            log.exception("resync: structure %s not checked", siret)
            return Result(siret, "erreur", "erreur inattendue (voir le journal)"), None

    def _patiently(self, call: Callable):
        for attempt in range(self.patience + 1):
            try:
                return call()
            except RegisterRateLimited as limited:
                if attempt == self.patience:
                    raise
                self.sleep(max(limited.retry_after, 1.0))
        raise AssertionError("not reached")

    def _check(self, siret: str, organization_id: str) -> tuple[Result, dict]:
        record = self._patiently(lambda: self.lookup.refresh(siret))
        successor = None
        if not record.active:
            try:
                successor = self._patiently(lambda: self.lookup.successor(siret))
            except LookupFailed as error:  # the closure matters more: the successor waits for the next run
                log.warning("resync: successor of %s unreadable: %s", siret, error.code)
        now = self.clock()
        now_iso = datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        organization = self.admin.get_organization(organization_id)
        attributes = organization.get("attributes") or {}
        wanted, changed = updated_attributes(attributes, record, successor, now_iso)
        if wanted != attributes:
            organization["attributes"] = wanted
            self.admin.update_organization(organization_id, organization)
        previous = runs.last_check(self.engine, siret)
        closed = not record.active
        was_closed = previous is not None and previous.state == "closed"
        notified_at = previous.closed_notified_at if closed and was_closed else None
        name = first(attributes, "name") or organization.get("name") or siret
        if closed and notified_at is None:
            closure_mail.send(
                self.settings,
                self._administrators(Structure(organization_id, siret, name)),
                name=name,
                siret=siret,
                successor=first(wanted, ORG_ATTR_SIRENE_SUCCESSOR),
            )
            notified_at = now
            result = Result(siret, "fermée", first(wanted, ORG_ATTR_SIRENE_SUCCESSOR) or "")
        else:
            result = Result(siret, "modifiée" if changed else "inchangée")
        outcome = {
            "state": "closed" if closed else "active",
            "closed_seen_at": (previous.closed_seen_at if was_closed else now) if closed else None,
            "closed_notified_at": notified_at,
            "successor_siret": first(wanted, ORG_ATTR_SIRENE_SUCCESSOR),
        }
        return result, outcome

    def _administrators(self, structure: Structure) -> list[str]:
        members = StructureUsers(self.admin, self.settings).members(structure)
        return [m.email for m in members if m.profile == "admin" and m.state == "active" and m.email]
