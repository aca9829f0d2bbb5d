"""The portal's pages: home and dashboard (« tableau de bord »)."""

from __future__ import annotations

import logging

from flask import Blueprint, g, redirect, render_template, url_for
from sqlalchemy.exc import SQLAlchemyError

from portal_adapter.concessions.legacy_rows import NETWORK_LABELS
from portal_adapter.concessions.links import LinkedAccount, linked_accounts
from portal_adapter.dashboard.service import still_member
from portal_adapter.identity.keycloak_admin import service_account_admin
from portal_adapter.identity.names import CLAIM_STRUCTURE
from portal_adapter.members.service import PROFILE_LABELS
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.structures.notice import closed_establishment
from portal_adapter.web.current_user import current_user, login_required

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    """Public home: log in, or create a Hariane PRO account."""
    if current_user():
        return redirect(url_for("pages.dashboard"))
    return render_template("dashboard/accueil.html")


@bp.get("/tableau-de-bord")
@login_required
def dashboard():
    """The logged-in user's dashboard."""
    user = current_user()
    siret = (user.get(CLAIM_STRUCTURE) or {}).get("siret")
    if siret and not still_member(service_account_admin(current_settings()), current_engine(), user["sub"], siret):
        # the session predates a removal from the structure: show nothing of the structure
        user = user | {CLAIM_STRUCTURE: None}
        g.structure_links = []
    accounts = structure_links()
    structure = user.get(CLAIM_STRUCTURE) or {}
    return render_template(
        "dashboard/tableau_de_bord.html",
        user=user,
        profile_label=PROFILE_LABELS.get(user.get("profile") or "", "Aucun profil"),
        accounts=accounts,
        network_labels=NETWORK_LABELS,
        closed_notice=closed_establishment(current_engine(), structure["siret"]) if structure.get("siret") else None,
    )


def structure_links() -> list[LinkedAccount]:
    """The logged-in user's structure's linked accounts, read once per request."""
    if "structure_links" not in g:
        siret = ((current_user() or {}).get(CLAIM_STRUCTURE) or {}).get("siret")
        g.structure_links = linked_accounts(current_engine(), siret) if siret else []
    return g.structure_links


def demarches_menu() -> list[tuple[str, str]]:
    """The « Nouvelle démarche » entries of the logged-in user: the two Voirie démarches
    when, and only when, the user's structure has a linked concession account."""
    try:
        if not structure_links():
            return []
    except SQLAlchemyError as error:  # the menu never breaks a page, not even an error page
        log.error("menu: the structure's links are unreadable: %s", error)
        return []
    voirie = current_settings().voirie_url
    return [
        ("Consulter vos demandes d'autorisation", f"{voirie}/demandes"),
        ("Demander une autorisation d'ouverture de voirie", f"{voirie}/demandes/nouvelle"),
    ]
