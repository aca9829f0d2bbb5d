"""« Réinitialiser le second facteur »: an administrator of a structure removes a member's
lost second factor (authenticator app, passkeys, recovery codes); the member enrols a new one
at their next login. Audited (who, whose, when, from where) in ``second_factor_resets``;
the member and the administrator are e-mailed once the change is made.

Keycloak is reached through the adapter's service account: listing a user's credentials
needs ``view-users``, deleting one and adding a required action ``manage-users`` (both
already held, realm-config/README.md); no role is added for this.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import sqlalchemy as sa

from portal_adapter.db import second_factor_resets
from portal_adapter.identity.names import SECOND_FACTOR_ACTION
from portal_adapter.members.service import Member, Refused, Structure, StructureUsers

log = logging.getLogger(__name__)

# Keycloak's credential types of a second factor (a password is never removed here).
SECOND_FACTOR_TYPES = ("otp", "webauthn", "webauthn-passwordless", "recovery-authn-codes")
# The required action that makes the member enrol again at their next login: « Protéger votre
# compte » (passkey or authenticator app, then recovery codes).
ENROLMENT_ACTION = SECOND_FACTOR_ACTION


class OwnFactor(Refused):
    status = 409


@dataclass(frozen=True)
class FactorReset:
    member: Member
    removed: tuple[str, ...]  # the credential types removed (possibly none)


def reset_second_factor(
    users: StructureUsers,
    engine: sa.Engine,
    structure: Structure,
    member_id: str,
    *,
    actor: str,
    ip: str,
    now: float | None = None,
) -> FactorReset:
    """Remove ``member_id``'s second-factor credentials, ask them to enrol again, end their
    sessions, audit and e-mail. ``structure.administrator_id`` acts; only on their own
    structure's members (:class:`~portal_adapter.members.service.NotInStructure` otherwise)."""
    now = time.time() if now is None else now
    member, _ = users.member(structure, member_id)
    if member.id == structure.administrator_id:
        raise OwnFactor(
            "Vous ne pouvez pas réinitialiser votre propre second facteur : demandez-le à un autre "
            "administrateur de votre structure."
        )
    admin = users.admin
    removed = []
    for credential in admin.get_credentials(member.id):
        if credential.get("type") in SECOND_FACTOR_TYPES:
            admin.delete_credential(member.id, credential["id"])
            removed.append(credential["type"])
    user = admin.get_user(member.id)  # PUT /users/{id} replaces the whole representation
    actions = list(user.get("requiredActions") or [])
    if ENROLMENT_ACTION not in actions:
        user["requiredActions"] = [*actions, ENROLMENT_ACTION]
        admin.update_user(member.id, user)
    admin.user_logout(member.id)
    kinds = tuple(sorted(set(removed)))
    with engine.begin() as connection:
        connection.execute(
            sa.insert(second_factor_resets).values(
                at=now,
                siret=structure.siret,
                member_id=member.id,
                member=f"{member.username} ({member.first_name} {member.last_name})"[:200],
                actor_id=structure.administrator_id,
                actor=actor[:200],
                ip=ip[:64],
                removed=",".join(kinds)[:200],
            )
        )
    log.info(
        "structure %s: second factor of %s reset by %s (%s)",
        structure.siret,
        member.id,
        structure.administrator_id,
        ",".join(kinds) or "none",
    )
    administrator = admin.get_user(structure.administrator_id)
    member_label = f"{member.username} ({member.first_name} {member.last_name})"
    users.notices.send(
        "factor_reset", [member.email], {"actor": actor, "structure": structure.name, "username": member.username}
    )
    users.notices.send(
        "factor_reset_by_you", [administrator.get("email", "")], {"member": member_label, "structure": structure.name}
    )
    return FactorReset(member, kinds)
