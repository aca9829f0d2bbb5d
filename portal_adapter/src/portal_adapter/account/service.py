"""The person's own rights over their account (docs/account-deletion.md,
docs/personal-data-export.md): whether they may delete it, deleting it, and the copy of what
Hariane PRO holds on them. Keycloak through the adapter's service account (``view-users`` to
read, ``manage-users`` to log out and delete: held already, realm-config/README.md)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import sqlalchemy as sa
from keycloak import KeycloakAdmin

from portal_adapter.account.rules import deletion_refusal
from portal_adapter.concessions.links import linked_accounts
from portal_adapter.identity.names import (
    ATTR_CGU_ACCEPTED_AT,
    ATTR_CGU_TEXT_SHA256,
    ATTR_CGU_VERSION,
    ATTR_JOB_TITLE,
    ATTR_NEWSLETTER_OPT_IN,
    ATTR_STRUCTURE_SIRET,
)
from portal_adapter.members.second_factor import SECOND_FACTOR_TYPES
from portal_adapter.members.service import Member, Refused, Structure, StructureUsers
from portal_adapter.personal_data import Person, erase, iso, records, structure_attempts

log = logging.getLogger(__name__)
EXPORT_FORMAT = "hariane-pro-mes-donnees/1"
NO_STRUCTURE_LOCK = "sans-structure"


@dataclass(frozen=True)
class Situation:
    """Where the person stands: their structure (None outside any), its members, whether a
    second factor guards the account, and why they may not delete it (None when they may)."""

    member: Member
    structure: Structure | None
    members: list[Member]
    holds_factor: bool
    refusal: str | None


class AccountRights:
    def __init__(self, users: StructureUsers, engine: sa.Engine) -> None:
        """``users``: the members service (its Keycloak client, structure lock, notices)."""
        self.users = users
        self.admin: KeycloakAdmin = users.admin
        self.engine = engine

    def situation(self, user_id: str) -> Situation:
        member = self.users.person(user_id)
        structure = self._structure_of(user_id)
        members = self.users.members(structure) if structure else [member]
        factor = any(c.get("type") in SECOND_FACTOR_TYPES for c in self.admin.get_credentials(user_id))
        return Situation(member, structure, members, factor, deletion_refusal(user_id, members))

    def _structure_of(self, user_id: str) -> Structure | None:
        organizations = self.admin.get_user_organizations(user_id)
        if len(organizations) != 1:
            return None
        organization = self.admin.get_organization(organizations[0]["id"])
        name = ((organization.get("attributes") or {}).get("name") or [organization["name"]])[0]
        return Structure(organization["id"], organization["alias"], name)

    # -- « Supprimer mon compte » -------------------------------------------------------------
    def delete(self, user_id: str) -> Situation:
        """Delete ``user_id``'s account: their sessions ended everywhere (back-channel logout),
        the Keycloak user deleted — checked again under the structure's lock, so that two last
        administrators cannot both leave —, the adapter's records erased or made anonymous, the
        person and their structure's remaining administrators e-mailed. The structure itself
        stays (docs/account-deletion.md). :class:`Refused` when the rules say no."""
        before = self.situation(user_id)
        if before.refusal:
            raise Refused(before.refusal)
        # Outside the lock: the back-channel logout calls this adapter back, which writes.
        self.admin.user_logout(user_id)
        structure = before.structure
        with self.users.lock(structure.siret if structure else NO_STRUCTURE_LOCK):
            members = self.users.members(structure) if structure else [before.member]
            refusal = deletion_refusal(user_id, members)
            if refusal:
                raise Refused(refusal)
            self.admin.delete_user(user_id)
        me = before.member
        log.info("account %s deleted by its owner (structure %s)", user_id, structure.siret if structure else "none")
        # the person's own notice first, waited for: its e-mail counter is erased with the rest
        self.users.notices.send("account_deleted", [me.email], {"username": me.username}, wait=True)
        erase(self.engine, Person(user_id, me.username, me.email))
        if structure:
            administrators = [
                m.email for m in members if m.profile == "admin" and m.state == "active" and m.id != me.id
            ]
            facts = {"member": f"{me.first_name} {me.last_name} ({me.username})", "structure": structure.name}
            self.users.notices.send("member_deleted", administrators, facts)
        return before

    # -- « Télécharger mes données » ----------------------------------------------------------
    def export(self, user_id: str, now: float | None = None) -> dict:
        """What Hariane PRO holds on ``user_id`` (and, for an active administrator, on their
        structure), every field described in docs/personal-data-export.md. Never a password or
        its hash, a factor's secret, a concession's code or its digest, a token or a session key."""
        now = time.time() if now is None else now
        user = self.admin.get_user(user_id)
        situation = self.situation(user_id)
        attributes = user.get("attributes") or {}

        def attribute(name: str) -> str | None:
            return (attributes.get(name) or [None])[0]

        me = situation.member
        structure = situation.structure
        data = {
            "format": EXPORT_FORMAT,
            "exporte_le": iso(now),
            "compte": {
                "identifiant": me.username,
                "prenom": me.first_name,
                "nom": me.last_name,
                "courriel": me.email,
                "courriel_verifie": bool(user.get("emailVerified")),
                "fonction": attribute(ATTR_JOB_TITLE),
                "lettre_d_information": attribute(ATTR_NEWSLETTER_OPT_IN) == "true",
                "cree_le": iso((user.get("createdTimestamp") or 0) / 1000) if user.get("createdTimestamp") else None,
                "etat": me.state,
                "profil": me.profile,
                "siret_de_la_structure": attribute(ATTR_STRUCTURE_SIRET),
                "roles": sorted(
                    r["name"]
                    for r in self.admin.get_realm_roles_of_user(user_id)
                    if not r["name"].startswith("default-roles-")
                ),
                "moyens_de_connexion": [
                    {
                        "type": c.get("type"),
                        "nom": c.get("userLabel"),
                        "cree_le": iso(c["createdDate"] / 1000) if c.get("createdDate") else None,
                    }
                    for c in self.admin.get_credentials(user_id)
                ],
            },
            "conditions_generales": {
                "version": attribute(ATTR_CGU_VERSION),
                "empreinte_sha256_du_texte": attribute(ATTR_CGU_TEXT_SHA256),
                "acceptees_le": attribute(ATTR_CGU_ACCEPTED_AT),
            },
            "structure": {"siret": structure.siret, "nom": structure.name} if structure else None,
            "journal": records(self.engine, Person(user_id, me.username, me.email)),
        }
        if structure and me.profile == "admin" and me.state == "active":
            data["administration"] = self._structure_export(structure, situation.members)
        return data

    def _structure_export(self, structure: Structure, members: list[Member]) -> dict:
        organization = self.admin.get_organization(structure.id)
        return {
            "structure": {
                "siret": structure.siret,
                "nom": structure.name,
                "attributs": {k: list(v) for k, v in sorted((organization.get("attributes") or {}).items())},
                "domaines": [d.get("name") for d in organization.get("domains") or []],
            },
            "utilisateurs": [
                {
                    "identifiant": m.username,
                    "prenom": m.first_name,
                    "nom": m.last_name,
                    "courriel": m.email,
                    "profil": m.profile,
                    "etat": m.state,
                }
                for m in members
            ],
            "comptes_de_concession_rattaches": [
                {
                    "identifiant": a.public_id,
                    "intitule": a.label,
                    "type_de_reseau": a.network_type,
                    "rattache_le": iso(a.linked_at),
                }
                for a in linked_accounts(self.engine, structure.siret)
            ],
            "essais_de_rattachement": structure_attempts(self.engine, structure.siret),
        }
