"""What the join requests' views need per request: the service (the adapter's service account,
the database), and ``agent_required``, the gate of the metropolis agents' pages."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from flask import abort, g

from portal_adapter.join_requests.service import JoinRequests
from portal_adapter.members.current import structure_users
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web.current_user import current_user, login_required

log = logging.getLogger(__name__)
# The realm role of the metropolis's agents, granted by the metropolis in the Keycloak admin console.
AGENT_ROLE = "metropolis-agent"


def join_requests() -> JoinRequests:
    if "join_requests" not in g:
        g.join_requests = JoinRequests(current_engine(), current_settings(), structure_users())
    return g.join_requests


def is_agent(user_id: str) -> bool:
    """Whether the user holds the agents' realm role now (read from the realm, not the token:
    a role withdrawn in the console closes the pages at once)."""
    roles = structure_users().admin.get_composite_realm_roles_of_user(user_id)
    return any(role.get("name") == AGENT_ROLE for role in roles)


def agent_required(view: Callable) -> Callable:
    """Logged-in users holding ``metropolis-agent`` only; a French 403 page for anyone else."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        user_id = current_user()["sub"]
        if not is_agent(user_id):
            log.info("agents' page refused to %s", user_id)
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def actor() -> str:
    """Who decides, as the audit trail and the e-mails say it: « pro.prenom.nom (Prénom Nom) »."""
    user = current_user()
    name = f"{user.get('given_name', '')} {user.get('family_name', '')}".strip()
    return f"{user.get('username')} ({name})"
