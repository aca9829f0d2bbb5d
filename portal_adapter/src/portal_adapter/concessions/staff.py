"""What metropolis staff do with the legacy registry, from the command line
(``portal-adapter concessions import|audit|unlock``) or the agents' back-office (``/agents/``):
one code for both. Import a registry file, find a concession, read its link and its attempt
history (never a code nor a digest), unlock it, detach it from its structure."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.concessions import lockout
from portal_adapter.concessions.label_folding import fold
from portal_adapter.concessions.legacy_rows import LegacyAccount, Rejected, label_key, read_registry
from portal_adapter.concessions.linking import Linker, Result
from portal_adapter.concessions.registry_import import ImportReport, import_rows
from portal_adapter.db import concession_accounts, concession_links, link_attempts

REASON_MAX = 200  # what the audit trail's detail column holds
# What each audited result means, as staff read it
RESULT_LABELS = {
    "success": "Rattachement réussi",
    "failure": "Code ou intitulé erroné",
    "blocked": "Essai refusé (blocage)",
    "refused": "Refusé : compte rattaché à une autre structure",
    "unlinked": "Détaché",
    "unlocked": "Débloqué",
}

# The audit trail's details (written in English for the logs), as staff read them
DETAIL_LABELS = {
    "linked": "rattaché",
    "already linked": "déjà rattaché à cette structure",
    "held by another structure": "rattaché à une autre structure",
    "unknown label": "intitulé inconnu",
    "concession": "compte bloqué 15 minutes",
    "concession_hard_lock": "compte bloqué jusqu'à son déblocage",
    "user": "trop d'essais de la personne",
    "siret": "trop d'essais de la structure",
    "ip_hour": "trop d'essais de l'adresse IP (heure)",
    "ip_day": "trop d'essais de l'adresse IP (jour)",
    "service_paused": "rattachements suspendus (trop d'échecs sur le service)",
}
_COUNTERS = (
    (re.compile(r"concession (\d+)/10 since unlock"), r"compte \1/10 depuis le déblocage"),
    (re.compile(r"user (\d+)/24h"), r"personne \1/24 h"),
    (re.compile(r"siret (\d+)/24h"), r"structure \1/24 h"),
    (re.compile(r"ip (\d+)/h"), r"adresse IP \1/h"),
    (re.compile(r"unknown label"), "intitulé inconnu"),
)


def detail_label(result: str, detail: str) -> str:
    """An audited detail in French: the counters of a failure, the block that refused a try;
    a reason given by an agent (unlock, detach) is shown as written."""
    if result in ("unlocked", "unlinked"):
        return detail
    if detail in DETAIL_LABELS:
        return DETAIL_LABELS[detail]
    for pattern, french in _COUNTERS:
        detail = pattern.sub(french, detail)
    return detail


def read_rows(data: bytes, filename: str, *, encoding: str | None = None, delimiter: str | None = None):
    """Every row of a registry file, read before anything is written (raises
    :class:`~portal_adapter.concessions.registry_file.UnreadableRegistry`)."""
    return list(read_registry(data, filename, encoding=encoding, delimiter=delimiter))


def import_registry(
    engine: sa.Engine,
    pepper: bytes,
    rows: Iterable[LegacyAccount | Rejected],
    progress: Callable[[int], None] = lambda n: None,
) -> ImportReport:
    """The import of rows read by :func:`read_rows`; the report lists rejected rows and remarks by line."""
    report = import_rows(engine, pepper, rows, progress)
    report.rejected.sort(key=lambda entry: entry.line)
    report.remarks.sort(key=lambda entry: entry.line)
    return report


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def summary(report: ImportReport) -> str:
    """« 3 créés, 0 mis à jour, 0 inchangé, 2 refusés »."""
    return (
        f"{plural(report.created, 'créé')}, {report.updated} mis à jour, {plural(report.unchanged, 'inchangé')}, "
        f"{plural(len(report.rejected), 'refusé')}"
    )


@dataclass(frozen=True)
class Concession:
    id: int
    public_id: str
    label: str
    company_name: str
    siret: str | None  # the registry's, when known
    network_type: str | None
    holder_siret: str | None  # the structure it is linked to
    linked_at: float | None
    linked_by: str | None  # who linked it, as the audit trail names them
    state: str  # "free" | "blocked" (15 min) | "locked" (until unlocked)

    @property
    def state_label(self) -> str:
        return {
            "free": "Ouvert",
            "blocked": "Bloqué 15 minutes après 3 codes erronés",
            "locked": "Bloqué jusqu'à son déblocage (10 codes erronés)",
        }[self.state]


@dataclass(frozen=True)
class Attempt:
    at: float
    actor: str
    siret: str
    ip: str
    result: str
    detail: str

    @property
    def result_label(self) -> str:
        return RESULT_LABELS.get(self.result, self.result)

    @property
    def detail_label(self) -> str:
        return detail_label(self.result, self.detail)


def _concession_query():
    a, link = concession_accounts, concession_links
    return sa.select(
        a.c.id,
        a.c.key,
        a.c.public_id,
        a.c.label,
        a.c.company_name,
        a.c.siret,
        a.c.network_type,
        link.c.siret.label("holder_siret"),
        link.c.linked_at,
        link.c.linked_by,
    ).join(link, link.c.account_id == a.c.id, isouter=True)


def _state(connection, account_id: int, now: float) -> str:
    a = link_attempts
    last_unlock = (
        connection.execute(
            sa.select(sa.func.max(a.c.at)).where(a.c.account_id == account_id, a.c.result == "unlocked")
        ).scalar()
        or 0.0
    )
    failures = [
        row.at
        for row in connection.execute(
            sa.select(a.c.at).where(a.c.account_id == account_id, a.c.result == "failure", a.c.at > last_unlock)
        )
    ]
    decision = lockout.decide(lockout.Failures(concession=failures, concession_total=len(failures)), now)
    return {"concession_hard_lock": "locked", "concession": "blocked"}.get(decision.reason or "", "free")


def _linked_by(connection, row) -> str | None:
    """Who linked it: the actor of the audit row of that link, else the user id the link keeps."""
    if row.holder_siret is None:
        return None
    a = link_attempts
    actor = connection.execute(
        sa.select(a.c.actor)
        .where(a.c.account_id == row.id, a.c.result == "success", a.c.detail == "linked", a.c.siret == row.holder_siret)
        .order_by(a.c.at.desc())
        .limit(1)
    ).scalar()
    return actor or row.linked_by


def _concession(connection, row, now: float) -> Concession:
    return Concession(
        row.id,
        row.public_id,
        row.label,
        row.company_name,
        row.siret,
        row.network_type,
        row.holder_siret,
        row.linked_at,
        _linked_by(connection, row),
        _state(connection, row.id, now),
    )


def search(engine: sa.Engine, typed: str, limit: int = 50) -> list[Concession]:
    """Concessions whose identifier or label contains what was typed, both folded the way
    labels are (case, accents, apostrophes, dashes and spaces do not matter)."""
    folded = fold(typed)
    if not folded:
        return []
    a = concession_accounts
    pattern = "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    query = (
        _concession_query()
        .where(sa.or_(a.c.key.like(pattern, escape="\\"), sa.func.lower(a.c.public_id).like(pattern, escape="\\")))
        .order_by(a.c.public_id)
        .limit(limit)
    )
    now = time.time()
    with engine.connect() as connection:
        return [_concession(connection, row, now) for row in connection.execute(query)]


def by_public_id(engine: sa.Engine, public_id: str) -> Concession | None:
    with engine.connect() as connection:
        row = connection.execute(_concession_query().where(concession_accounts.c.public_id == public_id[:64])).first()
        return _concession(connection, row, time.time()) if row else None


def by_label(engine: sa.Engine, label: str) -> Concession | None:
    with engine.connect() as connection:
        row = connection.execute(_concession_query().where(concession_accounts.c.key == label_key(label))).first()
        return _concession(connection, row, time.time()) if row else None


def history(engine: sa.Engine, *, label: str | None = None, account_id: int | None = None, limit: int = 100):
    """The latest audited attempts, newest first: every one when neither is given; else those
    on the account (by id) or typed with its label. Never a code (none is ever written)."""
    a = link_attempts
    query = sa.select(a).order_by(a.c.id.desc()).limit(limit)
    conditions = []
    if account_id is not None:
        conditions.append(a.c.account_id == account_id)
    if label is not None:
        conditions.append(a.c.label == label_key(label))
    if conditions:
        query = query.where(sa.or_(*conditions))
    with engine.connect() as connection:
        return list(connection.execute(query))


def attempts(engine: sa.Engine, concession: Concession, limit: int = 100) -> list[Attempt]:
    """The attempt history of one concession, as the back-office shows it."""
    return [
        Attempt(row.at, row.actor or row.user_id, row.siret, row.ip, row.result, row.detail or "")
        for row in history(engine, account_id=concession.id, label=concession.label, limit=limit)
    ]


def unlock(linker: Linker, concession: Concession, *, by: str, actor: str = "", reason: str = "") -> None:
    """Lift the concession's blocks: the failures before now stop counting (audited with who and why)."""
    linker.unlock(concession.id, by=by, actor=actor, reason=reason[:REASON_MAX])


def detach(linker: Linker, concession: Concession, *, by: str, actor: str, ip: str, reason: str) -> bool:
    """Detach the concession from the structure holding it (audited with who and why); False
    when it was linked to none (any more)."""
    if concession.holder_siret is None:
        return False
    outcome = linker.unlink(
        user_id=by,
        siret=concession.holder_siret,
        ip=ip,
        account_id=concession.id,
        actor=actor,
        detail=reason[:REASON_MAX],
    )
    return outcome.result is Result.UNLINKED
