"""The dashboard's use case: is the user still a member of the structure their session names?"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from portal_adapter.concessions.service import publish_concessions

log = logging.getLogger(__name__)


def still_member(admin: KeycloakAdmin, engine: sa.Engine, user_id: str, siret: str) -> bool:
    """Whether the user is still a member of that structure, as Keycloak says now (the session's
    claims may be older); unreadable counts as no. Should an earlier identity write have
    failed, the structure's next visit repairs it."""
    try:
        organizations = admin.get_user_organizations(user_id)
    except (KeycloakError, OSError) as error:
        log.warning("dashboard: organizations of %s unreadable: %s", user_id, error)
        return False
    for organization in organizations:
        if organization.get("alias") == siret:
            publish_concessions(admin, engine, organization["id"], siret)
            return True
    return False
