"""What a back-office view needs: the agent of this request and their desk. Only users holding
the realm role ``metropolis-agent`` reach the back-office, read from the realm at every
request (a role withdrawn in the admin console closes the back-office at once); when
``PORTAL_AGENTS_REQUIRE_MFA`` is ``true``, only with a login that used a second factor."""

from __future__ import annotations

import base64
import functools
import json
import logging
from collections.abc import Callable

from flask import abort, g, render_template, session
from keycloak.exceptions import KeycloakError

from portal_adapter.backoffice.journal import Agent
from portal_adapter.backoffice.service import AgentDesk
from portal_adapter.identity.keycloak_admin import service_account_admin
from portal_adapter.identity.names import ROLE_METROPOLIS_AGENT
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web.current_user import current_user

log = logging.getLogger(__name__)
MFA = "mfa"  # the realm's acr for a login with a second factor (acr.loa.map)


def agent_desk() -> AgentDesk:
    if "agent_desk" not in g:
        settings = current_settings()
        g.agent_desk = AgentDesk(settings, current_engine(), service_account_admin(settings))
    return g.agent_desk


def current_agent() -> Agent:
    user = current_user() or {}
    name = " ".join(part for part in (user.get("given_name"), user.get("family_name")) if part)
    shown = f"{user.get('username') or user.get('sub')}" + (f" ({name})" if name else "")
    return Agent(user.get("sub") or "", shown)


def id_token_acr(id_token: object) -> str | None:
    """The ``acr`` of the ID token the portal validated at login (kept in its signed session)."""
    try:
        payload = str(id_token).split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))).get("acr")
    except (IndexError, ValueError, AttributeError):
        return None


def _is_agent(user_id: str) -> bool:
    """Whether the user holds the agents' role now; a French 503 page when the realm cannot say."""
    try:
        roles = service_account_admin(current_settings()).get_composite_realm_roles_of_user(user_id)
    except (KeycloakError, OSError) as error:
        log.error("back-office: the roles of %s could not be read: %s", user_id, error)
        abort(503)
    return any(role.get("name") == ROLE_METROPOLIS_AGENT for role in roles)


def agent_required(view: Callable) -> Callable:
    """Only metropolis agents reach the view (after ``login_required``): others get a French 403."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        user_id = current_user()["sub"]
        if not _is_agent(user_id):
            log.info("back-office refused to %s: not a metropolis agent", user_id)
            return render_template("backoffice/acces_refuse.html", second_factor=False), 403
        if current_settings().agents_require_mfa.lower() == "true" and id_token_acr(session.get("id_token")) != MFA:
            log.info("back-office refused to %s: no second factor at login", user_id)
            return render_template("backoffice/acces_refuse.html", second_factor=True), 403
        return view(*args, **kwargs)

    return wrapper
