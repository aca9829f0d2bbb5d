"""The structure's user management (« Gestion des utilisateurs »), every rule checked here,
on the server, whatever the page sent:

- only an active administrator of a structure acts, and only on that structure's members;
- the last active administrator cannot be demoted, disabled or removed;
- exactly one profile per user.

Keycloak is reached through the adapter's service account (python-keycloak).
"""

from __future__ import annotations

import logging
import re
import weakref
from dataclasses import dataclass

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakPostError, raise_error_from_response

from portal_adapter import login_identifier
from portal_adapter.activation import ACTIVATION_ACTION
from portal_adapter.config import Settings
from portal_adapter.identity_names import ATTR_JOB_TITLE, ATTR_NEWSLETTER_OPT_IN, ATTR_STRUCTURE_SIRET, PROFILES

log = logging.getLogger(__name__)
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
NAME = re.compile(r"^[^\W\d_][\w '’.-]*$")
PROFILE_LABELS = {"standard": "Standard", "privileged": "Privilégié", "admin": "Administrateur"}


class Refused(Exception):
    """An action the rules refuse; ``message`` is French, for the page."""

    status = 403

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAdministrator(Refused):
    pass


class NotInStructure(Refused):
    status = 404


class LastAdministrator(Refused):
    status = 409


@dataclass(frozen=True)
class Member:
    id: str
    username: str
    first_name: str
    last_name: str
    email: str
    profile: str | None
    state: str  # "active" | "pending" | "disabled"

    @property
    def profile_label(self) -> str:
        return PROFILE_LABELS.get(self.profile or "", "Aucun profil")

    @property
    def state_label(self) -> str:
        return {"active": "Actif", "pending": "Activation en attente", "disabled": "Désactivé"}[self.state]


@dataclass(frozen=True)
class Structure:
    id: str
    siret: str
    name: str
    administrator_id: str = ""  # the active administrator acting on it (named in activation e-mails)


def validate_colleague(first: str, last: str, email: str, job_title: str, profile: str) -> dict[str, str]:
    """French error per field; empty when the colleague can be added."""
    errors: dict[str, str] = {}
    for field, value, label in (("prenom", first, "votre collègue : son prénom"), ("nom", last, "son nom")):
        if not value.strip():
            errors[field] = f"Indiquez {label}."
        elif len(value) > 100 or not NAME.match(value.strip()):
            errors[field] = "Ce champ ne peut contenir que des lettres, des espaces, des apostrophes et des traits d'union."
        elif not login_identifier.is_usable(value):
            errors[field] = ("Ce nom ne permet pas de former l'identifiant de connexion : "
                             "ajoutez à la suite son écriture en lettres latines (de A à Z).")
    if not EMAIL.match(email.strip()):
        errors["courriel"] = "Indiquez une adresse de courriel valide, par exemple : prenom.nom@exemple.fr."
    if not job_title.strip() or len(job_title) > 100:
        errors["fonction"] = "Indiquez sa fonction (100 caractères au maximum)."
    if profile not in PROFILES:
        errors["profil"] = "Choisissez un profil."
    return errors


_GROUPS: weakref.WeakKeyDictionary[KeycloakAdmin, dict[str, str]] = weakref.WeakKeyDictionary()


def _profile_groups(admin: KeycloakAdmin) -> dict[str, str]:
    """Profile group name -> id; read once per admin client (the realm's groups do not move)."""
    if admin not in _GROUPS:
        groups = admin.get_groups({"briefRepresentation": "true"})
        _GROUPS[admin] = {g["name"]: g["id"] for g in groups if g["name"] in PROFILES}
    return _GROUPS[admin]


class StructureUsers:
    def __init__(self, admin: KeycloakAdmin, settings: Settings) -> None:
        self.admin = admin
        self.settings = settings
        self._groups = _profile_groups(admin)

    # -- who is asking ------------------------------------------------------------------
    def structure_administered_by(self, user_id: str) -> Structure:
        """The caller's structure, when the caller is one of its active administrators."""
        organizations = self.admin.get_user_organizations(user_id)
        if len(organizations) != 1:
            raise NotAdministrator("Vous n'êtes rattaché(e) à aucune structure.")
        member = self._member(self.admin.get_user(user_id))
        if member.profile != "admin" or member.state != "active":
            raise NotAdministrator("La gestion des utilisateurs est réservée aux administrateurs de la structure.")
        organization = organizations[0]
        name = (organization.get("attributes", {}).get("name") or [organization["name"]])[0]
        return Structure(organization["id"], organization["alias"], name, user_id)

    # -- reading ------------------------------------------------------------------------
    def members(self, structure: Structure) -> list[Member]:
        users = self.admin.get_organization_members(structure.id, {"max": 500})
        # The members listing is brief (no required actions): read each user whole.
        full = (self.admin.get_user(u["id"]) for u in users)
        return sorted((self._member(u) for u in full), key=lambda m: (m.last_name.lower(), m.first_name.lower()))

    def _member(self, user: dict) -> Member:
        groups = {g["name"] for g in self.admin.get_user_groups(user["id"])}
        profile = next((p for p in reversed(PROFILES) if p in groups), None)
        if not user.get("enabled", True):
            state = "disabled"
        elif ACTIVATION_ACTION in (user.get("requiredActions") or []):
            state = "pending"
        else:
            state = "active"
        return Member(user["id"], user["username"], user.get("firstName", ""), user.get("lastName", ""),
                      user.get("email", ""), profile, state)

    def _target(self, structure: Structure, user_id: str) -> tuple[Member, list[Member]]:
        """The member acted upon, and the structure's members (read once per action)."""
        members = self.members(structure)
        target = next((m for m in members if m.id == user_id), None)
        if target is None:
            raise NotInStructure("Cet utilisateur n'appartient pas à votre structure.")
        return target, members

    @staticmethod
    def _ensure_another_admin(members: list[Member], leaving: Member) -> None:
        if leaving.profile == "admin" and leaving.state == "active":
            others = [m for m in members if m.profile == "admin" and m.state == "active" and m.id != leaving.id]
            if not others:
                raise LastAdministrator(
                    "Votre structure doit garder au moins un administrateur actif : "
                    "nommez d'abord un autre administrateur."
                )

    # -- actions ------------------------------------------------------------------------
    def add_colleague(self, structure: Structure, first: str, last: str, email: str, job_title: str, profile: str) -> str:
        """Create the colleague (generated identifier), send the activation e-mail; returns the identifier."""
        base = login_identifier.base(first, last)
        for attempt in range(1, 200):
            username = login_identifier.candidate(base, attempt)
            if self.admin.get_user_id(username) is not None:
                continue
            try:
                user_id = self.admin.create_user({
                    "username": username, "enabled": True, "emailVerified": False,
                    "firstName": first.strip(), "lastName": last.strip(), "email": email.strip().lower(),
                    "requiredActions": [ACTIVATION_ACTION],
                    "attributes": {ATTR_JOB_TITLE: [job_title.strip()], ATTR_NEWSLETTER_OPT_IN: ["false"],
                                   ATTR_STRUCTURE_SIRET: [structure.siret]},
                })
            except KeycloakPostError as error:
                if error.response_code == 409 and b"email" in (error.response_body or b"").lower():
                    raise Refused("Cette adresse de courriel est déjà utilisée par un compte Hariane PRO.") from error
                if error.response_code == 409:
                    continue  # taken meanwhile: next candidate
                raise
            self.admin.group_user_add(user_id, self._groups[profile])
            self.admin.organization_user_add(user_id, structure.id)
            self._send_activation(structure, user_id)
            log.info("structure %s: colleague %s added with profile %s", structure.siret, user_id, profile)
            return username
        raise Refused("Impossible de générer un identifiant pour ce nom.")

    def change_profile(self, structure: Structure, user_id: str, profile: str) -> None:
        if profile not in PROFILES:
            raise Refused("Choisissez un profil.")
        target, members = self._target(structure, user_id)
        if profile != "admin":
            self._ensure_another_admin(members, target)
        for name, group_id in self._groups.items():
            if name != profile and name == target.profile:
                self.admin.group_user_remove(user_id, group_id)
        self.admin.group_user_add(user_id, self._groups[profile])
        log.info("structure %s: user %s now has profile %s", structure.siret, user_id, profile)

    def set_enabled(self, structure: Structure, user_id: str, enabled: bool) -> None:
        target, members = self._target(structure, user_id)
        if not enabled:
            self._ensure_another_admin(members, target)
        self._set_enabled(user_id, enabled)
        if not enabled:
            self.admin.user_logout(user_id)
        log.info("structure %s: user %s %s", structure.siret, user_id, "enabled" if enabled else "disabled")

    def remove(self, structure: Structure, user_id: str) -> None:
        """Out of the structure: no profile, disabled (an account without structure opens nothing)."""
        target, members = self._target(structure, user_id)
        self._ensure_another_admin(members, target)
        self.admin.organization_user_remove(user_id, structure.id)
        for group_id in self._groups.values():
            self.admin.group_user_remove(user_id, group_id)
        self._set_enabled(user_id, False)
        self.admin.user_logout(user_id)
        log.info("structure %s: user %s removed", structure.siret, user_id)

    def _set_enabled(self, user_id: str, enabled: bool) -> None:
        # PUT /users/{id} replaces the whole representation: read, modify, write.
        user = self.admin.get_user(user_id)
        user["enabled"] = enabled
        self.admin.update_user(user_id, user)

    def resend_activation(self, structure: Structure, user_id: str) -> None:
        target, _ = self._target(structure, user_id)
        if target.state != "pending":
            raise Refused("Ce compte est déjà activé.")
        self._send_activation(structure, user_id)

    def _send_activation(self, structure: Structure, user_id: str) -> None:
        """The colleague's activation e-mail, sent by the extension's endpoint so that it says
        which structure, which administrator and which profile (not the founder's wording)."""
        response = self.admin.connection.raw_post(
            f"realms/{self.settings.realm}/hariane/colleagues/{user_id}/activation-email", data="",
            invitedBy=structure.administrator_id, client_id=self.settings.portal_client_id,
            redirect_uri=f"{self.settings.base_url}/",
        )
        raise_error_from_response(response, KeycloakPostError, expected_codes=[204])

