"""What a back-office view needs: the agent of this request and their desk. The gate of the
agents' pages is :func:`portal_adapter.web.agents.agent_required`."""

from __future__ import annotations

import logging

from flask import g

from portal_adapter.backoffice.journal import Agent
from portal_adapter.backoffice.service import AgentDesk
from portal_adapter.identity.keycloak_admin import service_account_admin
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web.current_user import actor_label, current_user

log = logging.getLogger(__name__)


def agent_desk() -> AgentDesk:
    if "agent_desk" not in g:
        settings = current_settings()
        g.agent_desk = AgentDesk(settings, current_engine(), service_account_admin(settings))
    return g.agent_desk


def current_agent() -> Agent:
    user = current_user() or {}
    return Agent(user.get("sub") or "", actor_label(user))
