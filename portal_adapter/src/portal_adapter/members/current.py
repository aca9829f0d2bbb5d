"""What a view of a structure's administrator needs: the structure's members service for this
request, and « the structure this user administers », read once per request (in ``g``)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from flask import abort, g, request

from portal_adapter.identity.keycloak_admin import service_account_admin
from portal_adapter.members.service import Refused, Structure, StructureUsers
from portal_adapter.members.structure_lock import database_lock
from portal_adapter.notices.service import SecurityNotices
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web.current_user import current_user

log = logging.getLogger(__name__)


def structure_users() -> StructureUsers:
    """The members service of this request (the adapter's service account, the structure lock,
    the security e-mails, throttled per this request's client address)."""
    if "structure_users" not in g:
        settings = current_settings()
        notices = SecurityNotices(settings, current_engine(), request.remote_addr or "")
        g.structure_users = StructureUsers(
            service_account_admin(settings), settings, database_lock(current_engine()), notices
        )
    return g.structure_users


def administered_structure() -> Structure:
    """The structure the logged-in user administers; a French 403 page for anyone but its
    active administrators."""
    if "administered_structure" not in g:
        user_id = current_user()["sub"]
        try:
            g.administered_structure = structure_users().structure_administered_by(user_id)
        except Refused as refused:
            log.info("%s refused to %s: %s", request.blueprint, user_id, refused.message)
            abort(403)
    return g.administered_structure


def administrator_required(view: Callable) -> Callable:
    """Only the active administrators of a structure reach the view (after ``login_required``);
    the view reads their structure with :func:`administered_structure`."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        administered_structure()
        return view(*args, **kwargs)

    return wrapper
