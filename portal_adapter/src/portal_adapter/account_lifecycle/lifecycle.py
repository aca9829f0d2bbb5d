"""The inactive-account lifecycle (``portal-adapter accounts lifecycle``, docs/account-lifecycle.md).

Every account of the realm is read page by page (never all at once) through the adapter's
service account; :mod:`.stages` says which step is due from its last activity (the day of its
last login, ``harianeLastLoginDate``, written by the extension; else its creation) and the
run's clock (``now``, movable for tests and demos):

- **warn** (23 months): the owner is e-mailed the day their account will be disabled; a
  structure's last active administrator gets the e-mail that says so and asks them to name
  another administrator first;
- **disable** (24 months, and never less than the notice period after the warning): the
  account is disabled and its sessions ended, its owner told; when it was the last active
  administrator of a structure, that structure's other active members are told nobody can
  administer it any more;
- **delete** (36 months): the Keycloak user goes, and what the adapter holds on them is
  erased or made anonymous (:func:`portal_adapter.personal_data.erase`, the same as « Supprimer mon compte »);
- **reenabled**: staff re-enabled an account the lifecycle had disabled: its clock restarts.

Each step is claimed in the adapter's database before it is done (:mod:`.steps`): a re-run does
nothing twice, a run killed half-way is simply run again. E-mails go straight to the mail server
(not through the throttle: one per account and step), before the step is marked done: a step
whose e-mail the server refused is given back and tried again by the next run.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import requests
import sqlalchemy as sa
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from portal_adapter import mailer, personal_data
from portal_adapter.account_lifecycle import stages, steps
from portal_adapter.config import Settings
from portal_adapter.identity.names import ATTR_LAST_LOGIN_DATE
from portal_adapter.members.service import Member, Structure, StructureUsers
from portal_adapter.members.structure_lock import database_lock
from portal_adapter.notices.messages import render

log = logging.getLogger(__name__)
FAILURES = (KeycloakError, requests.RequestException, sa.exc.SQLAlchemyError, OSError, smtplib.SMTPException)
COUNTED = {stages.WARN: "warned", stages.DISABLE: "disabled", stages.DELETE: "deleted"}


@dataclass
class Totals:
    checked: int = 0
    warned: int = 0
    disabled: int = 0
    deleted: int = 0
    errors: int = 0


@dataclass(frozen=True)
class Orphaned:
    """A structure whose last active administrator the lifecycle is disabling, and who else is in it."""

    structure: Structure
    others: list[Member] = field(default_factory=list)


def _french_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass
class Lifecycle:
    settings: Settings
    engine: sa.Engine
    admin: KeycloakAdmin
    clock: Callable[[], float] = time.time
    page_size: int = 100
    search: str = ""  # only the accounts Keycloak's user search finds for this text (tests, demos)

    @property
    def delays(self) -> stages.Delays:
        s = self.settings
        return stages.Delays(s.account_warn_days, s.account_disable_days, s.account_delete_days)

    def run(self, progress: Callable[[str | None], None] = lambda step: None) -> Totals:
        """Every account, page by page; ``progress`` is told each account's step (None: nothing due)."""
        totals = Totals()
        first = 0
        while True:
            query: dict[str, object] = {"first": first, "max": self.page_size, "briefRepresentation": "false"}
            if self.search:
                query["search"] = self.search
            page = self.admin.get_users(query)
            deleted = 0
            for user in page:
                if user.get("serviceAccountClientId"):
                    continue
                totals.checked += 1
                step = self._one(user)
                if step in COUNTED:
                    setattr(totals, COUNTED[step], getattr(totals, COUNTED[step]) + 1)
                elif step == "error":
                    totals.errors += 1
                deleted += step == stages.DELETE
                progress(step)
            if len(page) < self.page_size:
                return totals
            first += len(page) - deleted  # the deleted accounts no longer take a place in the listing

    def _one(self, user: dict) -> str | None:
        try:
            return self._step(user)
        except FAILURES as error:
            log.warning("lifecycle: account %s: %s", user.get("id"), getattr(error, "error_message", None) or error)
            return "error"
        except Exception:  # noqa: BLE001 - one account's surprise must not stop the others
            log.exception("lifecycle: account %s", user.get("id"))
            return "error"

    def _step(self, user: dict) -> str | None:
        now = self.clock()
        today = datetime.fromtimestamp(now, UTC).date()
        user_id = user["id"]
        history = steps.done(self.engine, user_id)
        login = stages.parse_day(((user.get("attributes") or {}).get(ATTR_LAST_LOGIN_DATE) or [None])[0])
        created = datetime.fromtimestamp(user.get("createdTimestamp", 0) / 1000, UTC).date()
        reenabled = max((d.on for d in history if d.step == stages.REENABLED), default=None)
        since = stages.parse_day(self.settings.account_last_login_since)
        activity = stages.last_activity(login, created, reenabled, since)
        cycle = activity.isoformat()
        this_period = {d.step: d.on for d in history if d.cycle == cycle}
        account = stages.Account(
            activity, user.get("enabled", True), this_period.get(stages.WARN), this_period.get(stages.DISABLE)
        )
        step = stages.due(account, today, self.delays)
        if step is None or not steps.claim(self.engine, user_id, cycle, step, now):
            return None
        try:
            detail = {
                stages.WARN: self._warn,
                stages.DISABLE: self._disable,
                stages.DELETE: self._delete,
                stages.REENABLED: lambda user, account, today, now: "",
            }[step](user, account, today, now)
        except BaseException:
            steps.release(self.engine, user_id, cycle, step)
            raise
        steps.finish(self.engine, user_id, cycle, step, now, detail)
        log.info("lifecycle: account %s: %s (inactive since %s)", user_id, step, cycle)
        return step

    # -- the steps ------------------------------------------------------------------------
    def _facts(self, user: dict, account: stages.Account, today: date) -> dict[str, str]:
        delays = self.delays
        disable_on = stages.disabling_on(account, today, delays)
        delete_on = max(
            account.last_activity + timedelta(days=delays.delete_days),
            (account.disabled_on or disable_on) + timedelta(days=delays.notice_days),
        )
        return {
            "username": user["username"],
            "last_login": _french_day(account.last_activity),
            "days_left": str((disable_on - today).days),
            "disable_on": _french_day(disable_on),
            "delete_on": _french_day(delete_on),
        }

    def _mail(self, kind: str, to: list[str], facts: dict[str, str], now: float) -> None:
        message = render(kind, facts, at=now, help_url=self.settings.help_url, portal_url=self.settings.base_url)
        mailer.send_now(self.settings, to, message.subject, message.text, html=message.html)

    def _warn(self, user: dict, account: stages.Account, today: date, now: float) -> str:
        orphaned = self._would_orphan(user["id"])
        facts = self._facts(user, account, today)
        kind = "inactive_warning_last_admin" if orphaned else "inactive_warning"
        if orphaned:
            facts["structure"] = " », « ".join(o.structure.name for o in orphaned)
        self._mail(kind, [user.get("email", "")], facts, now)
        return kind

    def _disable(self, user: dict, account: stages.Account, today: date, now: float) -> str:
        user_id = user["id"]
        with contextlib.ExitStack() as locked:  # the structures' members do not change meanwhile
            lock = database_lock(self.engine)
            for siret in sorted(o["alias"] for o in self.admin.get_user_organizations(user_id)):
                locked.enter_context(lock(siret))
            orphaned = self._would_orphan(user_id)
            current = self.admin.get_user(user_id)  # PUT replaces the whole representation
            current["enabled"] = False
            self.admin.update_user(user_id, current)
        self.admin.user_logout(user_id)
        facts = self._facts(user, stages.Account(account.last_activity, False, account.warned_on, today), today)
        self._mail("inactive_disabled", [user.get("email", "")], facts, now)
        for each in orphaned:
            member = f"{user.get('firstName', '')} {user.get('lastName', '')} ({user['username']})".strip()
            told = [m.email for m in each.others if m.state == "active" and m.email]
            self._mail("structure_without_admin", told, {"member": member, "structure": each.structure.name}, now)
        return "structures sans administrateur : " + ", ".join(o.structure.siret for o in orphaned) if orphaned else ""

    def _delete(self, user: dict, account: stages.Account, today: date, now: float) -> str:
        person = personal_data.Person(user["id"], user["username"], user.get("email") or "")
        personal_data.erase(self.engine, person)
        self.admin.delete_user(user["id"])
        return ""

    # -- structures -----------------------------------------------------------------------
    def _would_orphan(self, user_id: str) -> list[Orphaned]:
        """The structures the user is the only active administrator of, with other members."""
        found = []
        users = StructureUsers(self.admin, self.settings)
        for brief in self.admin.get_user_organizations(user_id):
            organization = self.admin.get_organization(brief["id"])
            name = ((organization.get("attributes") or {}).get("name") or [organization["name"]])[0]
            structure = Structure(organization["id"], organization["alias"], name)
            members = users.members(structure)
            others = [m for m in members if m.id != user_id]
            if users.last_active_administrator(members) == user_id and others:
                found.append(Orphaned(structure, others))
        return found
