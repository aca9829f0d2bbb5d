"""The journal of what metropolis agents did, from the back-office or the command line:
who (their user id and as people read them), when, what, on what, and why."""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.db import agent_actions

ACTION_LABELS = {
    "import": "Import du registre",
    "unlock": "Déblocage",
    "detach": "Détachement",
}


@dataclass(frozen=True)
class Agent:
    """The agent acting: ``id`` their user id (or their identifier, on the command line)."""

    id: str
    name: str  # « agent.voirie (Prénom Nom) »


@dataclass(frozen=True)
class Entry:
    at: float
    agent: str
    action: str
    target: str
    reason: str
    detail: str

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def record(engine: sa.Engine, agent: Agent, action: str, target: str, reason: str = "", detail: str = "") -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.insert(agent_actions).values(
                at=time.time(),
                agent_id=agent.id[:64],
                agent=agent.name[:200],
                action=action,
                target=target[:300],
                reason=reason[:200] or None,
                detail=detail[:300] or None,
            )
        )


def latest(engine: sa.Engine, limit: int = 20) -> list[Entry]:
    a = agent_actions
    with engine.connect() as connection:
        rows = connection.execute(sa.select(a).order_by(a.c.id.desc()).limit(limit))
        return [Entry(r.at, r.agent, r.action, r.target, r.reason or "", r.detail or "") for r in rows]
