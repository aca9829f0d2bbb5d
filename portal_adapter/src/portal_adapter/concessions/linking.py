"""Linking a legacy concession account to a structure: the guarded code check.

Every attempt runs in ONE serialized transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
table lock), so the counters read from the audit trail are exact and two parallel wrong
tries count twice. The counters ARE the audit trail (`link_attempts`): durable, and the code
never written. A wrong label, a wrong code and a blocked concession get the same answer,
after the same work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from portal_adapter.concessions import lockout
from portal_adapter.concessions.access_codes import matches
from portal_adapter.concessions.legacy_rows import label_key
from portal_adapter.db import concession_accounts, concession_links, link_attempts, serialized

log = logging.getLogger(__name__)
# One answer for a wrong label, a wrong code and a blocked or locked concession:
# which labels exist is never told. It names the way out for a legitimate administrator.
WRONG = (
    "L'intitulé du compte ou le code d'accès est incorrect, ou ce compte est bloqué après trop d'essais. "
    "Vérifiez-les ; si cela persiste, contactez le service Voirie de la Métropole."
)
# Blocks of the person, the structure or the address: the same for every label.
TOO_MANY = "Trop de tentatives : réessayez plus tard."
NO_ACCOUNT = -1  # the id the counters of an unknown label are read for (no account has it)
UNKNOWN_DIGEST = "0" * 64  # compared against for an unknown label: the HMAC is computed all the same


class Result(StrEnum):
    """What an attempt or a detachment came to (equal to its plain string, as logged)."""

    LINKED = "linked"
    ALREADY_LINKED = "already_linked"
    WRONG = "wrong"  # wrong label, wrong code, or a blocked concession: one answer
    BLOCKED = "blocked"  # the person, the structure or the address tried too often
    TAKEN = "taken"  # the right code, but the account belongs to another structure
    UNLINKED = "unlinked"
    NOT_LINKED = "not_linked"


@dataclass(frozen=True)
class Outcome:
    result: Result
    message: str
    account_id: int | None = None
    retry_after: float | None = None
    label: str | None = None  # the account's label, once the right code was given
    hard_locked: bool = False  # this failure engaged the hard lock of the concession
    holder_siret: str | None = None  # the structure holding the concession (alerts)


def _counters(failures: lockout.Failures, now: float, known: bool) -> str:
    """The counters after this failure, for the audit trail (docs/lockout.md asks for them)."""

    def within(times, window):
        return sum(1 for t in times if now - window < t <= now) + 1

    parts = [
        f"concession {failures.concession_total + 1}/10 since unlock" if known else "unknown label",
        f"user {within(failures.user, lockout.DAY)}/24h",
        f"siret {within(failures.siret, lockout.DAY)}/24h",
        f"ip {within(failures.ip, lockout.HOUR)}/h",
    ]
    return ", ".join(parts)


@dataclass
class Linker:
    engine: sa.Engine
    pepper: bytes
    clock: Callable[[], float] = time.time

    def _transaction(self):
        """One serialized transaction: committed when the block ends, rolled back on error."""
        return serialized(self.engine, "link_attempts")

    def attempt(self, *, user_id: str, siret: str, ip: str, label: str, code: str, actor: str = "") -> Outcome:
        """One guarded try; ``user_id`` counts the user's failures, ``actor`` (identifier and
        name) is what the audit trail shows of them."""
        now = self.clock()
        key = label_key(label)[:200]
        with self._transaction() as connection:
            return self._attempt(connection, now, user_id, siret, ip, key, code, actor[:200])

    def _failures(self, connection, now: float, account_id: int, user_id: str, siret: str, ip: str) -> lockout.Failures:
        """The failure times of every scope. The concession's queries run for an unknown label
        too (an id no account has): an unknown label costs the same round trips as a real one."""
        a = link_attempts
        failure = a.c.result == "failure"
        # a try refused because the concession is blocked counts against the person, structure
        # and address like a wrong label would (else their limits would tell the label exists)
        as_failure = sa.or_(failure, sa.and_(a.c.result == "blocked", a.c.detail.in_(lockout.CONCESSION_SCOPES)))

        def times(*conditions, window: float, counted=as_failure) -> list[float]:
            query = sa.select(a.c.at).where(counted, a.c.at > now - window, *conditions)
            return [row.at for row in connection.execute(query)]

        last_unlock = (
            connection.execute(
                sa.select(sa.func.max(a.c.at)).where(a.c.account_id == account_id, a.c.result == "unlocked")
            ).scalar()
            or 0.0
        )
        total = connection.execute(
            sa.select(sa.func.count()).where(
                a.c.account_id == account_id, a.c.result == "failure", a.c.at > last_unlock
            )
        ).scalar_one()
        return lockout.Failures(
            concession=times(a.c.account_id == account_id, a.c.at > last_unlock, window=lockout.HOUR, counted=failure),
            concession_total=total,
            user=times(a.c.user_id == user_id, window=lockout.DAY),
            siret=times(a.c.siret == siret, window=lockout.DAY),
            ip=times(a.c.ip == ip, window=lockout.DAY),
            service=times(window=lockout.HOUR),
        )

    def _attempt(self, connection, now, user_id, siret, ip, key, code, actor) -> Outcome:
        """The same work whatever the label: one account lookup, the counters, the holder, one
        HMAC, one audit row. What tells a real label from an unknown one (a block of the
        concession, its hard lock) is never in the answer, only in the audit trail and alerts."""
        c = concession_accounts
        account = connection.execute(
            sa.select(c.c.id, c.c.code_digest, c.c.code_binding, c.c.label).where(c.c.key == key)
        ).first()
        account_id = account.id if account else None
        probe = account_id if account_id is not None else NO_ACCOUNT
        failures = self._failures(connection, now, probe, user_id, siret, ip)
        holder = connection.execute(
            sa.select(concession_links.c.siret).where(concession_links.c.account_id == probe)
        ).scalar()
        right = (
            matches(
                self.pepper,
                (account.code_binding or key) if account else key,
                code,
                account.code_digest if account else UNKNOWN_DIGEST,
            )
            and account is not None
        )
        decision = lockout.decide(failures, now)
        if decision.alert:
            log.warning("concession linking: more than 20 failures in 10 minutes across the service")

        def audit(result: str, detail: str | None = None) -> None:
            connection.execute(
                sa.insert(link_attempts).values(
                    at=now,
                    user_id=user_id,
                    actor=actor or None,
                    siret=siret,
                    ip=ip,
                    label=key,
                    account_id=account_id,
                    result=result,
                    detail=detail,
                )
            )
            log.info(
                "concession link attempt: user=%s siret=%s ip=%s account=%s result=%s %s",
                user_id,
                siret,
                ip,
                account_id,
                result,
                detail or "",
            )

        if not decision.allowed:
            audit("blocked", decision.reason)
            if decision.reason in lockout.CONCESSION_SCOPES:  # said like a wrong label or code
                return Outcome(Result.WRONG, WRONG)
            return Outcome(Result.BLOCKED, TOO_MANY, retry_after=decision.retry_after)
        if not right:
            hard_locked = account is not None and failures.concession_total + 1 >= lockout.HARD_LOCK_FAILURES
            audit("failure", _counters(failures, now, known=account is not None))
            if hard_locked:
                log.error(
                    "ALERT concession %s: hard lock engaged after %d failures", account_id, lockout.HARD_LOCK_FAILURES
                )
                return Outcome(
                    Result.WRONG,
                    WRONG,
                    hard_locked=True,
                    account_id=account_id,
                    holder_siret=holder,
                    label=account.label,
                )
            return Outcome(Result.WRONG, WRONG)
        if holder == siret:
            audit("success", "already linked")
            return Outcome(
                Result.ALREADY_LINKED, "Ce compte est déjà rattaché à votre structure.", account_id, label=account.label
            )
        if holder is not None:
            audit("refused", "held by another structure")
            log.error("ALERT concession %s: right code from structure %s while linked to %s", account_id, siret, holder)
            return Outcome(
                Result.TAKEN,
                "Ce compte est déjà rattaché à une autre structure : le service Voirie de la Métropole "
                "a été prévenu et reviendra vers vous.",
                account_id,
                label=account.label,
                holder_siret=holder,
            )
        connection.execute(
            sa.insert(concession_links).values(account_id=account_id, siret=siret, linked_at=now, linked_by=user_id)
        )
        audit("success", "linked")
        return Outcome(
            Result.LINKED,
            f"Le compte « {account.label} » a été rattaché à votre structure.",
            account_id,
            label=account.label,
        )

    def unlink(
        self, *, user_id: str, siret: str, ip: str, account_id: int, actor: str = "", detail: str | None = None
    ) -> Outcome:
        """A structure's administrator (or a metropolis agent, ``detail`` their reason) detaches
        one of its concessions (audited)."""
        with self._transaction() as connection:
            removed = connection.execute(
                sa.delete(concession_links).where(
                    concession_links.c.account_id == account_id, concession_links.c.siret == siret
                )
            ).rowcount
            if removed:
                connection.execute(
                    sa.insert(link_attempts).values(
                        at=self.clock(),
                        user_id=user_id,
                        actor=actor[:200] or None,
                        siret=siret,
                        ip=ip,
                        label="",
                        account_id=account_id,
                        result="unlinked",
                        detail=detail or None,
                    )
                )
                log.info("concession %s unlinked from structure %s by %s", account_id, siret, user_id)
        if not removed:
            return Outcome(Result.NOT_LINKED, "Ce compte n'est pas rattaché à votre structure.")
        return Outcome(Result.UNLINKED, "Le compte a été détaché de votre structure.", account_id)

    def unlock(self, account_id: int, by: str, actor: str = "", reason: str = "") -> None:
        """A metropolis agent lifts the blocks: failures before now stop counting. ``by``: who
        (an identifier or user id), ``actor``: as people read it, ``reason``: why (audited)."""
        with self._transaction() as connection:
            connection.execute(
                sa.insert(link_attempts).values(
                    at=self.clock(),
                    user_id=by[:64],
                    actor=actor[:200] or None,
                    siret="",
                    ip="",
                    label="",
                    account_id=account_id,
                    result="unlocked",
                    detail=reason[:200] or None,
                )
            )
