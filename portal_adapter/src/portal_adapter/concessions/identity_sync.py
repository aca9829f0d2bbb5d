"""The links as identity data: the structure's Keycloak organization carries the attribute
``concessions`` (one ``"<id>|<label>"`` value per linked account), from which the extension's
``hariane-concessions-mapper`` gives every member a ``concessions`` claim. Only the adapter's
service account (manage-organizations) and metropolis staff write organizations.

The adapter's database stays the truth; ``publish`` makes the organization say the same,
and re-reads the database after writing, so two administrators linking at the same moment
cannot leave a stale list behind (the last writer re-checks and writes again).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from keycloak import KeycloakAdmin

from portal_adapter.concessions.links import LinkedAccount, linked_accounts
from portal_adapter.identity.names import ORG_ATTR_CONCESSIONS

log = logging.getLogger(__name__)
ROUNDS = 5


class PublishError(RuntimeError):
    """The organization could not be brought in line with the database."""


def attribute_values(accounts: list[LinkedAccount]) -> list[str]:
    return sorted(f"{account.public_id}|{account.label}" for account in accounts)


def publish(admin: KeycloakAdmin, engine: sa.Engine, organization_id: str, siret: str) -> bool:
    """Bring the organization's ``concessions`` attribute in line; True when it had to change.

    After writing, the database is read again: if it moved meanwhile (another administrator
    linked or detached), this writer may have overwritten a newer list, so it writes again.
    The last writer therefore always leaves the organization equal to the database."""
    changed = False
    wanted = attribute_values(linked_accounts(engine, siret))
    for _ in range(ROUNDS):
        organization = admin.get_organization(organization_id)
        if organization.get("alias") != siret:
            raise PublishError(f"organization {organization_id} is not structure {siret}")
        attributes = dict(organization.get("attributes") or {})
        if sorted(attributes.get(ORG_ATTR_CONCESSIONS) or []) == wanted:
            return changed
        if wanted:
            attributes[ORG_ATTR_CONCESSIONS] = wanted
        else:
            attributes.pop(ORG_ATTR_CONCESSIONS, None)
        organization["attributes"] = attributes
        admin.update_organization(organization_id, organization)
        changed = True
        log.info("structure %s: identity now lists concessions %s", siret, [v.split("|")[0] for v in wanted])
        now = attribute_values(linked_accounts(engine, siret))
        if now == wanted:
            return changed
        wanted = now
    raise PublishError(f"structure {siret}: the concessions attribute kept changing")
