"""What the join requests' views need per request: the service (the adapter's service account,
the database) and who decides. The agents' pages pass :func:`portal_adapter.web.agents.agent_required`."""

from __future__ import annotations

import logging

from flask import g

from portal_adapter.join_requests.service import JoinRequests
from portal_adapter.members.current import structure_users
from portal_adapter.runtime import current_engine, current_settings

log = logging.getLogger(__name__)


def join_requests() -> JoinRequests:
    if "join_requests" not in g:
        g.join_requests = JoinRequests(current_engine(), current_settings(), structure_users())
    return g.join_requests
