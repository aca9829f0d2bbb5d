"""Linking a legacy concession account to a structure: the guarded code check.

Every attempt runs in ONE serialized transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
table lock), so the counters read from the audit trail are exact and two parallel wrong
tries count twice. The counters ARE the audit trail (`link_attempts`): durable, and the code
never written. A wrong label and a wrong code get the same answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.concessions import lockout
from portal_adapter.concessions.access_codes import matches
from portal_adapter.concessions.legacy_rows import label_key
from portal_adapter.db import concession_accounts, concession_links, link_attempts

log = logging.getLogger(__name__)
WRONG = "L'intitulé du compte ou le code d'accès est incorrect."


@dataclass(frozen=True)
class Outcome:
    result: str  # linked | already_linked | wrong | blocked | taken | unlinked | not_linked
    message: str
    account_id: int | None = None
    retry_after: float | None = None
    label: str | None = None  # the account's label, once the right code was given
    hard_locked: bool = False  # this failure engaged the hard lock of the concession
    holder_siret: str | None = None  # the structure holding the concession (alerts)


def _counters(failures: lockout.Failures, now: float, known: bool) -> str:
    """The counters after this failure, for the audit trail (security.md asks for them)."""
    def within(times, window):
        return sum(1 for t in times if now - window < t <= now) + 1
    parts = [f"concession {failures.concession_total + 1}/10 since unlock" if known else "unknown label",
             f"user {within(failures.user, lockout.DAY)}/24h", f"siret {within(failures.siret, lockout.DAY)}/24h",
             f"ip {within(failures.ip, lockout.HOUR)}/h"]
    return ", ".join(parts)


@dataclass
class Linker:
    engine: sa.Engine
    pepper: bytes
    clock: Callable[[], float] = time.time

    @contextmanager
    def _transaction(self):
        """One serialized transaction: committed when the block ends, rolled back on error."""
        connection = self._serialized()
        try:
            yield connection
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()

    def _serialized(self):
        connection = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.begin()
            connection.exec_driver_sql("LOCK TABLE link_attempts IN SHARE ROW EXCLUSIVE MODE")
        return connection

    def attempt(self, *, user_id: str, siret: str, ip: str, label: str, code: str) -> Outcome:
        now = self.clock()
        key = label_key(label)[:200]
        with self._transaction() as connection:
            return self._attempt(connection, now, user_id, siret, ip, key, code)

    def _failures(self, connection, now: float, account_id: int | None, user_id: str, siret: str, ip: str) -> lockout.Failures:
        a = link_attempts

        def times(*conditions, window: float) -> list[float]:
            query = sa.select(a.c.at).where(a.c.result == "failure", a.c.at > now - window, *conditions)
            return [row.at for row in connection.execute(query)]

        total = 0
        concession: list[float] = []
        if account_id is not None:
            last_unlock = connection.execute(
                sa.select(sa.func.max(a.c.at)).where(a.c.account_id == account_id, a.c.result == "unlocked")
            ).scalar() or 0.0
            total = connection.execute(
                sa.select(sa.func.count()).where(a.c.account_id == account_id, a.c.result == "failure", a.c.at > last_unlock)
            ).scalar_one()
            concession = times(a.c.account_id == account_id, a.c.at > last_unlock, window=lockout.HOUR)
        return lockout.Failures(
            concession=concession, concession_total=total,
            user=times(a.c.user_id == user_id, window=lockout.DAY),
            siret=times(a.c.siret == siret, window=lockout.DAY),
            ip=times(a.c.ip == ip, window=lockout.DAY),
            service=times(window=lockout.HOUR),
        )

    def _attempt(self, connection, now, user_id, siret, ip, key, code) -> Outcome:
        c = concession_accounts
        account = connection.execute(
            sa.select(c.c.id, c.c.code_digest, c.c.label).where(c.c.key == key)
        ).first()
        account_id = account.id if account else None
        failures = self._failures(connection, now, account_id, user_id, siret, ip)
        decision = lockout.decide(failures, now)
        if decision.alert:
            log.warning("concession linking: more than 20 failures in 10 minutes across the service")

        def audit(result: str, detail: str | None = None) -> None:
            connection.execute(sa.insert(link_attempts).values(
                at=now, user_id=user_id, siret=siret, ip=ip, label=key, account_id=account_id, result=result, detail=detail))
            log.info("concession link attempt: user=%s siret=%s ip=%s account=%s result=%s %s",
                     user_id, siret, ip, account_id, result, detail or "")

        if not decision.allowed:
            audit("blocked", decision.reason)
            message = ("Ce compte est bloqué : contactez le service Voirie de la Métropole."
                       if decision.reason == "concession_hard_lock"
                       else "Trop de tentatives : réessayez plus tard.")
            return Outcome("blocked", message, retry_after=decision.retry_after)
        holder = None
        if account is not None:
            holder = connection.execute(
                sa.select(concession_links.c.siret).where(concession_links.c.account_id == account_id)
            ).scalar()
        if account is None or not matches(self.pepper, key, code, account.code_digest):
            hard_locked = account is not None and failures.concession_total + 1 >= lockout.HARD_LOCK_FAILURES
            audit("failure", _counters(failures, now, known=account is not None))
            if hard_locked:
                log.error("ALERT concession %s: hard lock engaged after %d failures", account_id, lockout.HARD_LOCK_FAILURES)
            return Outcome("wrong", WRONG, hard_locked=hard_locked, account_id=account_id if hard_locked else None,
                           holder_siret=holder if hard_locked else None)
        if holder == siret:
            audit("success", "already linked")
            return Outcome("already_linked", "Ce compte est déjà rattaché à votre structure.", account_id, label=account.label)
        if holder is not None:
            audit("refused", "held by another structure")
            log.error("ALERT concession %s: right code from structure %s while linked to %s", account_id, siret, holder)
            return Outcome("taken", "Ce compte est déjà rattaché à une autre structure : le service Voirie de la Métropole "
                           "a été prévenu et reviendra vers vous.", account_id, label=account.label, holder_siret=holder)
        connection.execute(sa.insert(concession_links).values(account_id=account_id, siret=siret, linked_at=now, linked_by=user_id))
        audit("success", "linked")
        return Outcome("linked", f"Le compte « {account.label} » a été rattaché à votre structure.", account_id,
                       label=account.label)

    def unlink(self, *, user_id: str, siret: str, ip: str, account_id: int) -> Outcome:
        """A structure's administrator detaches one of its concessions (audited)."""
        with self._transaction() as connection:
            removed = connection.execute(sa.delete(concession_links).where(
                concession_links.c.account_id == account_id, concession_links.c.siret == siret)).rowcount
            if removed:
                connection.execute(sa.insert(link_attempts).values(
                    at=self.clock(), user_id=user_id, siret=siret, ip=ip, label="", account_id=account_id,
                    result="unlinked"))
                log.info("concession %s unlinked from structure %s by %s", account_id, siret, user_id)
        if not removed:
            return Outcome("not_linked", "Ce compte n'est pas rattaché à votre structure.")
        return Outcome("unlinked", "Le compte a été détaché de votre structure.", account_id)

    def unlock(self, account_id: int, by: str) -> None:
        """A metropolis administrator lifts the hard lock: failures before now stop counting."""
        with self._transaction() as connection:
            connection.execute(sa.insert(link_attempts).values(
                at=self.clock(), user_id=by, siret="", ip="", label="", account_id=account_id, result="unlocked"))
