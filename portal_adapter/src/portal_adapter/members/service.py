"""The structure's user management (« Gestion des utilisateurs »), every rule checked here,
on the server, whatever the page sent:

- only an active administrator of a structure acts, and only on that structure's members;
- the last active administrator cannot be demoted, disabled or removed, even when two
  administrators act at the same moment: each change runs under the structure's lock
  (:mod:`portal_adapter.members.structure_lock`) and re-reads the members, the acting
  administrator included, inside it;
- exactly one profile per user;
- « Ajouter un collègue » never tells whether an address has an account elsewhere: such an
  address gets the same answer as a new colleague, nothing changes for its account, and its
  owner is e-mailed. A person the structure removed (disabled, outside any structure, still
  marked with the structure's SIRET) is taken back with the same address.

Keycloak is reached through the adapter's service account (python-keycloak).
"""

from __future__ import annotations

import functools
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakGetError, KeycloakPostError, raise_error_from_response

from portal_adapter import mailer
from portal_adapter.config import Settings
from portal_adapter.identity.names import (
    ACTIVATION_ACTION,
    ATTR_JOB_TITLE,
    ATTR_NEWSLETTER_OPT_IN,
    ATTR_STRUCTURE_SIRET,
    PROFILES,
)
from portal_adapter.members import login_identifier, person_fields
from portal_adapter.members.structure_lock import Lock
from portal_adapter.notices.service import SecurityNotices, quiet

log = logging.getLogger(__name__)
MEMBERS_PAGE = 500  # members per call to the extension's listing (it serves up to 1,000)
PROFILE_LABELS = {"standard": "Standard", "privileged": "Privilégié", "admin": "Administrateur"}


@dataclass(frozen=True)
class FederatedIdentity:
    """A person's identity at an identity provider that verified their address (ProConnect), and
    the CGU they accepted there (user attribute name -> value), for an account created without
    activation and linked to it."""

    provider: str
    user_id: str
    username: str
    cgu: dict[str, str]


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
    administrator_id: str = ""  # the active administrator acting on it


def _one_change_at_a_time(method: Callable) -> Callable:
    """Run a change of the structure's members under the structure's lock, so that its
    rules are checked and applied without another change in between."""

    @functools.wraps(method)
    def locked(self: StructureUsers, structure: Structure, *args, **kwargs):
        with self.lock(structure.siret):
            return method(self, structure, *args, **kwargs)

    return locked


def validate_colleague(first: str, last: str, email: str, job_title: str, profile: str) -> dict[str, str]:
    """French error per field; empty when the colleague can be added."""
    errors = person_fields.person_errors(first, last, email, "votre collègue : son prénom", "son nom")
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


def _no_lock(siret: str):
    raise RuntimeError("changing a structure's members needs the structure lock (structure_lock.database_lock)")


class StructureUsers:
    def __init__(
        self, admin: KeycloakAdmin, settings: Settings, lock: Lock = _no_lock, notices: SecurityNotices | None = None
    ) -> None:
        """``lock``: the structure lock of the adapter's database; readers may go without.
        ``notices``: the security e-mails each change sends once made (docs/security-emails.md)."""
        self.admin = admin
        self.settings = settings
        self.lock = lock
        self.notices = notices or quiet(settings)
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
        # The user's organizations come brief (no attributes): read the structure whole, for
        # the register's name the dashboard and the `structure` claim show.
        organization = self.admin.get_organization(organizations[0]["id"])
        name = ((organization.get("attributes") or {}).get("name") or [organization["name"]])[0]
        return Structure(organization["id"], organization["alias"], name, user_id)

    # -- reading ------------------------------------------------------------------------
    def members(self, structure: Structure) -> list[Member]:
        """Every member with their profile, from the extension's member listing: one call per
        MEMBERS_PAGE members, where the admin REST API needs one more call per member for the
        profile (docs/user-management.md)."""
        users: list[dict] = []
        while True:
            response = self.admin.connection.raw_get(
                f"realms/{self.settings.realm}/hariane/structures/{structure.id}/members",
                first=len(users),
                max=MEMBERS_PAGE,
            )
            page = raise_error_from_response(response, KeycloakGetError)
            users += page
            if len(page) < MEMBERS_PAGE:
                break
        members = (self._listed_member(u) for u in users)
        return sorted(members, key=lambda m: (m.last_name.lower(), m.first_name.lower()))

    def person(self, user_id: str) -> Member:
        """One user as a member (profile and state), whatever their structure."""
        return self._member(self.admin.get_user(user_id))

    def _member(self, user: dict) -> Member:
        groups = {g["name"] for g in self.admin.get_user_groups(user["id"])}
        return _as_member(user, next((p for p in reversed(PROFILES) if p in groups), None))

    @staticmethod
    def _listed_member(user: dict) -> Member:
        return _as_member(user, user.get("profile") if user.get("profile") in PROFILES else None)

    def _target(self, structure: Structure, user_id: str) -> tuple[Member, list[Member]]:
        """The member acted upon, and the structure's members (read once per action); the
        acting administrator must still be one (another may have just demoted them)."""
        members = self.members(structure)
        if structure.administrator_id and not any(
            m.id == structure.administrator_id and m.profile == "admin" and m.state == "active" for m in members
        ):
            raise NotAdministrator("La gestion des utilisateurs est réservée aux administrateurs de la structure.")
        target = next((m for m in members if m.id == user_id), None)
        if target is None:
            raise NotInStructure("Cet utilisateur n'appartient pas à votre structure.")
        return target, members

    def member(self, structure: Structure, user_id: str) -> tuple[Member, str | None]:
        """A member, and the French reason the rules refuse to disable, demote or remove
        them (None when they may), for the confirmation page."""
        target, members = self._target(structure, user_id)
        try:
            self._ensure_another_admin(members, target)
        except LastAdministrator as refused:
            return target, refused.message
        return target, None

    @staticmethod
    def last_active_administrator(members: list[Member]) -> str | None:
        """The id of the structure's only active administrator, when there is only one."""
        active = [m.id for m in members if m.profile == "admin" and m.state == "active"]
        return active[0] if len(active) == 1 else None

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
    def add_colleague(
        self,
        structure: Structure,
        first: str,
        last: str,
        email: str,
        job_title: str,
        profile: str,
        added_by: str = "",
        federated: FederatedIdentity | None = None,
    ) -> str:
        """Create the colleague (generated identifier), send the activation e-mail; returns the
        identifier. An address with an account gets the same answer (see the module's doc).
        ``federated``: the person's identity at ProConnect, which verified the address: the
        account is linked to it instead, already active (no activation e-mail)."""
        existing = self._account_with_email(email)
        if existing is not None:
            return self._existing_address(
                structure, existing, job_title, profile, added_by, login_identifier.base(first, last)
            )
        base = login_identifier.base(first, last)
        for attempt in range(1, 200):
            username = login_identifier.candidate(base, attempt)
            if self.admin.get_user_id(username) is not None:
                continue
            try:
                user_id = self.admin.create_user(
                    {
                        "username": username,
                        "enabled": True,
                        "emailVerified": federated is not None,
                        "firstName": first.strip(),
                        "lastName": last.strip(),
                        "email": email.strip().lower(),
                        "requiredActions": [] if federated else [ACTIVATION_ACTION],
                        "attributes": {
                            ATTR_JOB_TITLE: [job_title.strip()],
                            ATTR_NEWSLETTER_OPT_IN: ["false"],
                            ATTR_STRUCTURE_SIRET: [structure.siret],
                            **({name: [value] for name, value in federated.cgu.items()} if federated else {}),
                        },
                    }
                )
            except KeycloakPostError as error:
                if error.response_code == 409 and b"email" in (error.response_body or b"").lower():
                    # the address was taken meanwhile: the same answer as for any used address
                    self._notify_owner(structure, email, added_by)
                    return username
                if error.response_code == 409:
                    continue  # taken meanwhile: next candidate
                if error.response_code == 400 and b"email" in (error.response_body or b"").lower():
                    raise Refused(
                        "Indiquez une adresse de courriel valide, par exemple : prenom.nom@exemple.fr."
                    ) from error
                raise
            self.admin.group_user_add(user_id, self._groups[profile])
            self.admin.organization_user_add(user_id, structure.id)
            if federated is None:
                self._send_activation(structure, user_id)
            else:  # their next login through the provider finds this account by its sub
                self.admin.add_user_social_login(user_id, federated.provider, federated.user_id, federated.username)
            log.info("structure %s: colleague %s added with profile %s", structure.siret, user_id, profile)
            if profile == "admin":
                members = self.members(structure)
                added = next((m for m in members if m.id == user_id), None)
                self._tell_administrators("admin_added", structure, members, added, leaving=None)
            return username
        raise Refused("Impossible de générer un identifiant pour ce nom.")

    def _account_with_email(self, email: str) -> dict | None:
        address = email.strip().lower()
        users = self.admin.get_users({"email": address, "exact": "true", "briefRepresentation": "false"})
        return next((u for u in users if (u.get("email") or "").lower() == address), None)

    def _existing_address(
        self, structure: Structure, user: dict, job_title: str, profile: str, added_by: str, base: str
    ) -> str:
        """An address that already has an account: a member of this structure is named (the
        page lists them anyway), a person this structure removed is taken back, and any other
        account gets the answer a new colleague gets, its owner an e-mail, and nothing changes."""
        organizations = self.admin.get_user_organizations(user["id"])
        if any(o.get("id") == structure.id for o in organizations):
            raise Refused("Cette adresse de courriel est déjà celle d'un utilisateur de votre structure.")
        if self._removed_from(structure, user, organizations):
            return self._take_back(structure, user, job_title, profile)
        self._notify_owner(structure, user["email"], added_by)
        return next(
            login_identifier.candidate(base, attempt)
            for attempt in range(1, 200)
            if self.admin.get_user_id(login_identifier.candidate(base, attempt)) is None
        )

    @staticmethod
    def _removed_from(structure: Structure, user: dict, organizations: list[dict]) -> bool:
        siret = ((user.get("attributes") or {}).get(ATTR_STRUCTURE_SIRET) or [None])[0]
        return not organizations and not user.get("enabled", True) and siret == structure.siret

    def _take_back(self, structure: Structure, user: dict, job_title: str, profile: str) -> str:
        """A removed member back in the structure: same account and identifier, the profile
        chosen now, and a new activation (password and CGU) as for a new colleague."""
        user_id = user["id"]
        attributes = dict(user.get("attributes") or {})
        attributes[ATTR_JOB_TITLE] = [job_title.strip()]
        self.admin.update_user(
            user_id, {**user, "enabled": True, "attributes": attributes, "requiredActions": [ACTIVATION_ACTION]}
        )
        self.admin.group_user_add(user_id, self._groups[profile])
        self.admin.organization_user_add(user_id, structure.id)
        self._send_activation(structure, user_id)
        log.info("structure %s: removed member %s taken back with profile %s", structure.siret, user_id, profile)
        return user["username"]

    def _notify_owner(self, structure: Structure, email: str, added_by: str) -> None:
        """Tell an address's owner that a structure tried to add them (the adding administrator
        is told nothing)."""
        who = added_by or "Un administrateur"
        mailer.send(
            self.settings,
            [email],
            "Hariane PRO : tentative d'ajout de votre adresse à une structure",
            (
                "Bonjour,\n\n"
                f"{who}, administrateur de la structure « {structure.name} » (SIRET {structure.siret}) sur Hariane PRO, "
                f"a demandé à ajouter l'adresse {email} à sa structure en tant que collègue.\n\n"
                "Cette adresse est déjà celle d'un compte Hariane PRO : aucun nouveau compte n'a été créé et votre "
                "compte n'a pas été modifié. Vous n'avez rien à faire.\n\n"
                "Si vous travaillez désormais pour cette structure, demandez à l'assistance Hariane PRO de transférer "
                f"votre compte : {self.settings.help_url}\n"
                "Si vous ne connaissez pas cette structure, vous pouvez ignorer ce message.\n\n"
                "Hariane PRO – Le Havre Seine Métropole\n"
            ),
        )
        log.info("structure %s: an address with an account was given; its owner was e-mailed", structure.siret)

    @_one_change_at_a_time
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
        if profile != target.profile:
            self._tell_member(
                "profile_changed",
                structure,
                members,
                target,
                previous_profile=target.profile_label,
                new_profile=PROFILE_LABELS[profile],
            )
            if "admin" in (profile, target.profile) and target.state == "active":
                kind = "admin_added" if profile == "admin" else "admin_removed"
                self._tell_administrators(
                    kind, structure, members, target, leaving=target if kind == "admin_removed" else None
                )

    # Disabling or removing a member ends their sessions once the change is made and the
    # structure's lock released: Keycloak's back-channel logout calls this adapter back (its
    # session store), which must not wait for the lock its own caller holds.
    def set_enabled(self, structure: Structure, user_id: str, enabled: bool) -> None:
        self._apply_enabled(structure, user_id, enabled)
        if not enabled:
            self.admin.user_logout(user_id)

    def remove(self, structure: Structure, user_id: str) -> None:
        """Out of the structure: no profile, disabled (an account without structure opens nothing);
        the account keeps its identifier, e-mail and ``structureSiret``, so that this structure
        can take the person back (:meth:`add_colleague` with the same address)."""
        self._apply_removal(structure, user_id)
        self.admin.user_logout(user_id)

    @_one_change_at_a_time
    def _apply_enabled(self, structure: Structure, user_id: str, enabled: bool) -> None:
        target, members = self._target(structure, user_id)
        if not enabled:
            self._ensure_another_admin(members, target)
        self._set_enabled(user_id, enabled)
        log.info("structure %s: user %s %s", structure.siret, user_id, "enabled" if enabled else "disabled")
        if enabled != (target.state != "disabled"):
            self._tell_member("account_enabled" if enabled else "account_disabled", structure, members, target)
            if target.profile == "admin":
                kind = "admin_added" if enabled else "admin_removed"
                self._tell_administrators(kind, structure, members, target, leaving=None if enabled else target)

    @_one_change_at_a_time
    def _apply_removal(self, structure: Structure, user_id: str) -> None:
        target, members = self._target(structure, user_id)
        self._ensure_another_admin(members, target)
        self.admin.organization_user_remove(user_id, structure.id)
        for group_id in self._groups.values():
            self.admin.group_user_remove(user_id, group_id)
        self._set_enabled(user_id, False)
        log.info("structure %s: user %s removed", structure.siret, user_id)
        if target.state != "disabled":
            self._tell_member("account_disabled", structure, members, target)
        if target.profile == "admin" and target.state == "active":
            self._tell_administrators("admin_removed", structure, members, target, leaving=target)

    # -- security e-mails, once a change is made (docs/security-emails.md) ----------------------
    def _facts(self, structure: Structure, members: list[Member], member: Member | None) -> dict[str, str]:
        actor = next((m for m in members if m.id == structure.administrator_id), None)
        return {
            "structure": structure.name,
            "actor": f"{actor.first_name} {actor.last_name} ({actor.username})" if actor else "un administrateur",
            "member": f"{member.first_name} {member.last_name} ({member.username})" if member else "",
            "username": member.username if member else "",
        }

    def _tell_member(self, kind: str, structure: Structure, members: list[Member], member: Member, **facts) -> None:
        self.notices.send(kind, [member.email], self._facts(structure, members, member) | facts)

    def _tell_administrators(
        self, kind: str, structure: Structure, members: list[Member], member: Member | None, leaving: Member | None
    ) -> None:
        """Every active administrator of the structure once the change is made (the one who
        joins them included, the one who leaves them not)."""
        active = [m.email for m in members if m.profile == "admin" and m.state == "active" and m is not leaving]
        if kind == "admin_added" and member is not None and member.state != "pending":
            active.append(member.email)
        self.notices.send(kind, active, self._facts(structure, members, member))

    def _set_enabled(self, user_id: str, enabled: bool) -> None:
        # PUT /users/{id} replaces the whole representation: read, modify, write.
        user = self.admin.get_user(user_id)
        user["enabled"] = enabled
        self.admin.update_user(user_id, user)

    def resend_activation(self, structure: Structure, user_id: str) -> None:
        target, _ = self._target(structure, user_id)
        if target.state != "pending":
            raise Refused("Ce compte est déjà activé.")
        if not self.notices.may_send("activation_link", target.email, "renvoyé par un administrateur"):
            raise Refused(
                "Plusieurs courriels d'activation ont déjà été envoyés à cette adresse : "
                "réessayez dans une heure, et vérifiez l'adresse et le dossier des courriers indésirables."
            )
        self._send_activation(structure, user_id)

    def _send_activation(self, structure: Structure, user_id: str) -> None:
        """The colleague's activation e-mail, sent by the extension's endpoint so that it says
        which structure, which administrator and which profile (not the founder's wording).
        Without an administrator (a metropolis agent accepting a join request,
        docs/join-requests.md): the neutral activation e-mail of the admin REST API."""
        if not structure.administrator_id:
            self.admin.send_update_account(
                user_id=user_id,
                payload=[ACTIVATION_ACTION],
                client_id=self.settings.portal_client_id,
                redirect_uri=f"{self.settings.base_url}/",
            )
            return
        response = self.admin.connection.raw_post(
            f"realms/{self.settings.realm}/hariane/colleagues/{user_id}/activation-email",
            data="",
            invitedBy=structure.administrator_id,
            client_id=self.settings.portal_client_id,
            redirect_uri=f"{self.settings.base_url}/",
        )
        raise_error_from_response(response, KeycloakPostError, expected_codes=[204])


def _as_member(user: dict, profile: str | None) -> Member:
    """A Keycloak user (admin REST or the extension's member listing) as a member."""
    if not user.get("enabled", True):
        state = "disabled"
    elif ACTIVATION_ACTION in (user.get("requiredActions") or []):
        state = "pending"
    else:
        state = "active"
    return Member(
        user["id"],
        user["username"],
        user.get("firstName") or "",
        user.get("lastName") or "",
        user.get("email") or "",
        profile,
        state,
    )
