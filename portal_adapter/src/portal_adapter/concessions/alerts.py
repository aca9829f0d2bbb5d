"""Who is told when the guarded code check sees something wrong (docs/lockout.md):

- the right code from a second structure: the metropolis's road-works service;
- the hard lock of a concession (10 failures): the service, and the structure holding it.
"""

from __future__ import annotations

import logging
import threading
import time

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from portal_adapter import mailer
from portal_adapter.config import Settings
from portal_adapter.members.service import Structure, StructureUsers

log = logging.getLogger(__name__)


def _utc(now: float | None = None) -> str:
    return time.strftime("%d/%m/%Y à %H:%M UTC", time.gmtime(now))


def claimed_by_second_structure(
    settings: Settings, *, label: str, holder_siret: str, requester_siret: str, actor: str
) -> None:
    """``label``: the registry's; ``actor``: « pro.prenom.nom (Prénom Nom) »."""
    mailer.send(
        settings,
        [settings.voirie_alert_email],
        f"[Hariane PRO] Compte de concession « {label} » demandé par une seconde structure",
        f"Le {_utc()}, la structure SIRET {requester_siret} (utilisateur {actor}) a donné le bon code "
        f"d'accès du compte de concession « {label} », déjà rattaché à la structure SIRET {holder_siret}.\n\n"
        "Le rattachement a été refusé. Vérifiez auprès des deux structures qui exploite ce compte ; "
        "pour le transférer, la structure actuelle le détache depuis son tableau de bord.\n",
    )


def hard_locked(
    settings: Settings, admin: KeycloakAdmin, *, label: str, holder_siret: str | None, wait: bool = False
) -> None:
    """``label``: the registry's label of the locked account (never what was typed). In the
    background: the answer to the try that engaged the lock must not take longer than any
    other wrong try (reading the holder's administrators calls Keycloak)."""
    thread = threading.Thread(
        target=_send_hard_locked, args=(settings, admin, label, holder_siret), name="hard-lock-alert", daemon=True
    )
    thread.start()
    if wait:
        thread.join()


def _send_hard_locked(settings: Settings, admin: KeycloakAdmin, label: str, holder_siret: str | None) -> None:
    mailer.send(
        settings,
        [settings.voirie_alert_email],
        f"[Hariane PRO] Compte de concession « {label} » bloqué",
        f"Le {_utc()}, le compte de concession « {label} » a été bloqué après 10 codes d'accès erronés.\n"
        f"Structure qui le détient : {holder_siret or 'aucune'}.\n\n"
        f"Pour le débloquer : l'espace des agents, {settings.base_url}/agents/concessions, ou\n"
        'portal-adapter concessions unlock "' + label + '" --by <votre identifiant> --motif <motif>\n',
    )
    if holder_siret:
        recipients = structure_admin_emails(settings, admin, holder_siret)
        mailer.send(
            settings,
            recipients,
            "Hariane PRO : votre compte de concession voirie a été bloqué",
            f"Bonjour,\n\nLe {_utc()}, le compte de concession voirie « {label} » rattaché à votre structure "
            "a été bloqué après plusieurs codes d'accès erronés saisis sur Hariane PRO.\n"
            "Vos démarches Voirie restent ouvertes. Pour le débloquer, et si ces tentatives ne viennent pas "
            f"de vous, contactez le service Voirie de la Métropole{_contact(settings)}.\n\n"
            "Hariane PRO – Le Havre Seine Métropole\n",
        )


def _contact(settings: Settings) -> str:
    return f" : {settings.voirie_contact}" if settings.voirie_contact else ""


def structure_of(admin: KeycloakAdmin, siret: str) -> Structure | None:
    """The structure (Keycloak organization) registered with ``siret``, if any; its name
    without the « (SIRET) » the organization's unique name ends with."""
    organization = next((o for o in admin.get_organizations({"search": siret}) if o.get("alias") == siret), None)
    if organization is None:
        return None
    return Structure(organization["id"], siret, organization.get("name", "").removesuffix(f" ({siret})"))


def structure_admin_emails(settings: Settings, admin: KeycloakAdmin, siret: str) -> list[str]:
    """The e-mail addresses of the structure's active administrators; none (logged) when
    Keycloak cannot be read."""
    try:
        structure = structure_of(admin, siret)
        if structure is None:
            return []
        members = StructureUsers(admin, settings).members(structure)
        return [m.email for m in members if m.profile == "admin" and m.state == "active" and m.email]
    except KeycloakError as error:
        log.error("structure %s: its administrators could not be read for an alert: %s", siret, error)
        return []
