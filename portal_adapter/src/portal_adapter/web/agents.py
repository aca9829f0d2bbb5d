"""The gate of every metropolis agents' page (``/agents/``: the back-office and the join requests
escalated to the metropolis). Only users holding the realm role ``metropolis-agent`` pass; the
role is read from the realm at every request, so a role withdrawn in the admin console closes
the pages at once. When ``PORTAL_AGENTS_REQUIRE_MFA`` is ``true``, only with a login that used a
second factor (ID token ``acr`` ``mfa``, docs/claims.md): the default, since the role includes
``second-factor-required`` (every agent enrols a factor and gives it at each login). A login
that ended without it (the one where the agent enrolled their factor says ``pwd``) gets the
French 403 page with « Valider mon second facteur », a login asking the factor only, back to the
page asked."""

from __future__ import annotations

import base64
import functools
import json
import logging
from collections.abc import Callable

from flask import abort, render_template, request, session
from keycloak.exceptions import KeycloakError

from portal_adapter.identity.keycloak_admin import service_account_admin
from portal_adapter.identity.names import ROLE_METROPOLIS_AGENT
from portal_adapter.runtime import current_settings
from portal_adapter.web.current_user import current_user, login_required

log = logging.getLogger(__name__)
MFA = "mfa"  # the realm's acr for a login with a second factor (acr.loa.map)


def id_token_acr(id_token: object) -> str | None:
    """The ``acr`` of the ID token the portal validated at login (kept in its signed session)."""
    try:
        payload = str(id_token).split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))).get("acr")
    except (IndexError, ValueError, AttributeError):
        return None


def is_agent(user_id: str) -> bool:
    """Whether the user holds the agents' role now; a French 503 page when the realm cannot say."""
    try:
        roles = service_account_admin(current_settings()).get_composite_realm_roles_of_user(user_id)
    except (KeycloakError, OSError) as error:
        log.error("agents' pages: the roles of %s could not be read: %s", user_id, error)
        abort(503)
    return any(role.get("name") == ROLE_METROPOLIS_AGENT for role in roles)


def agent_required(view: Callable) -> Callable:
    """Logged-in metropolis agents only; a French 403 page for anyone else."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        user_id = current_user()["sub"]
        if not is_agent(user_id):
            log.info("agents' page refused to %s: not a metropolis agent", user_id)
            return render_template("web/acces_agents_refuse.html", second_factor=False), 403
        if current_settings().agents_require_mfa.lower() == "true" and id_token_acr(session.get("id_token")) != MFA:
            log.info("agents' page refused to %s: no second factor at login", user_id)
            session["after_login"] = request.path
            return render_template("web/acces_agents_refuse.html", second_factor=True), 403
        return view(*args, **kwargs)

    return wrapper
