"""« Rattacher un compte de concession voirie »: the structure's administrators link (and
detach) the accounts of the old Espace Concessionnaires Réseaux. Views parse the form; the
guarded check lives in :mod:`portal_adapter.concessions.linking`, the identity write in
:mod:`portal_adapter.concessions.identity_sync`."""

from __future__ import annotations

import logging
import math

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from keycloak.exceptions import KeycloakError

from portal_adapter.auth import current_user, login_required
from portal_adapter.concessions import alerts
from portal_adapter.concessions.access_codes import InvalidCode, normalize_code
from portal_adapter.concessions.identity_sync import PublishError, publish
from portal_adapter.concessions.linking import Linker
from portal_adapter.concessions.links import linked_accounts
from portal_adapter.keycloak_admin import service_account_admin
from portal_adapter.settings import current_engine, current_settings
from portal_adapter.structure_users import Refused, StructureUsers

log = logging.getLogger(__name__)
bp = Blueprint("concessions", __name__, url_prefix="/concessions")
PENDING = (
    "Le rattachement est enregistré. Il sera transmis aux applications Voirie dans quelques minutes ; "
    "rechargez le tableau de bord si le menu « Nouvelle démarche » ne les propose pas encore."
)


def _administered(admin):
    try:
        return StructureUsers(admin, current_settings()).structure_administered_by(current_user()["sub"])
    except Refused as refused:
        log.info("concession linking refused to %s: %s", current_user()["sub"], refused.message)
        abort(403)


def _form(values=None, errors=None, status: int = 200):
    """The form; what was typed for the label is kept, the code never written back."""
    return render_template(
        "rattacher_concession.html",
        form=values or {"intitule": ""},
        errors=errors or {},
        voirie_contact=current_settings().voirie_contact,
    ), status


def _actor(user: dict) -> str:
    """Who acts, as the audit trail and the e-mails show them: « pro.prenom.nom (Prénom Nom) »."""
    name = " ".join(part for part in (user.get("given_name"), user.get("family_name")) if part)
    return f"{user.get('username') or user.get('sub')}" + (f" ({name})" if name else "")


def publish_for(admin, organization_id: str, siret: str) -> bool:
    """The identity follows the database; False (logged) when Keycloak could not be written."""
    try:
        publish(admin, current_engine(), organization_id, siret)
        return True
    except (KeycloakError, PublishError, OSError) as error:
        log.error("structure %s: concessions not written to the identity: %s", siret, error)
        return False


@bp.get("/rattacher")
@login_required
def link_form():
    _administered(service_account_admin(current_settings()))
    return _form()


@bp.post("/rattacher")
@login_required
def link():
    settings = current_settings()
    admin = service_account_admin(settings)
    structure = _administered(admin)
    values = {"intitule": " ".join((request.form.get("intitule") or "").split())[:200]}
    typed_code = (request.form.get("code") or "")[:20]
    errors = {}
    if not values["intitule"]:
        errors["intitule"] = "Indiquez l'intitulé du compte utilisé sur l'Espace Concessionnaires Réseaux."
    try:
        code = normalize_code(typed_code)
    except InvalidCode:
        errors["code"] = "Le code d'accès comporte 4 chiffres, par exemple : 0427."
    if errors:
        return _form(values, errors, 400)
    user = current_user()
    outcome = Linker(current_engine(), settings.concession_code_pepper.encode()).attempt(
        user_id=user["sub"],
        siret=structure.siret,
        ip=request.remote_addr or "",
        label=values["intitule"],
        code=code,
        actor=_actor(user),
    )
    if outcome.hard_locked:
        alerts.hard_locked(settings, admin, label=outcome.label or "", holder_siret=outcome.holder_siret)
    if outcome.result == "taken":
        alerts.claimed_by_second_structure(
            settings,
            label=outcome.label or "",
            holder_siret=outcome.holder_siret or "",
            requester_siret=structure.siret,
            actor=_actor(user),
        )
    if outcome.result in ("linked", "already_linked"):
        if publish_for(admin, structure.id, structure.siret):
            flash(
                outcome.message + " Les démarches Voirie sont disponibles dans le menu « Nouvelle démarche ».", "succes"
            )
        else:
            flash(PENDING, "succes")
        return redirect(url_for("pages.dashboard"))
    if outcome.result == "blocked":  # the person, structure or address: the same for every label
        page, status = _form(values, {"code": outcome.message}, 429)
        return page, status, {"Retry-After": str(math.ceil(outcome.retry_after or 60))}
    field = "intitule" if outcome.result == "taken" else "code"
    return _form(values, {field: outcome.message}, 409 if outcome.result == "taken" else 400)


def _linked_account(admin, public_id: str):
    structure = _administered(admin)
    account = next(
        (a for a in linked_accounts(current_engine(), structure.siret) if a.public_id == public_id[:64]), None
    )
    if account is None:
        abort(404)
    return structure, account


@bp.get("/<public_id>/detacher")
@login_required
def unlink_confirmation(public_id: str):
    """« Détacher » asks first: what stops when the account is detached."""
    _structure, account = _linked_account(service_account_admin(current_settings()), public_id)
    return render_template("detacher_concession.html", account=account)


@bp.post("/<public_id>/detacher")
@login_required
def unlink(public_id: str):
    settings = current_settings()
    admin = service_account_admin(settings)
    structure, account = _linked_account(admin, public_id)
    outcome = Linker(current_engine(), settings.concession_code_pepper.encode()).unlink(
        user_id=current_user()["sub"],
        siret=structure.siret,
        ip=request.remote_addr or "",
        account_id=account.account_id,
        actor=_actor(current_user()),
    )
    if outcome.result == "not_linked":
        abort(404)
    publish_for(admin, structure.id, structure.siret)
    flash(outcome.message, "succes")
    return redirect(url_for("pages.dashboard"))
