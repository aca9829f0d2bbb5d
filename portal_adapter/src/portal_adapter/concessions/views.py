"""« Rattacher un compte de concession voirie »: the structure's administrators link (and
detach) the accounts of the old Espace Concessionnaires Réseaux. Views parse the form, call
:mod:`portal_adapter.concessions.service` and respond."""

from __future__ import annotations

import logging
import math

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from portal_adapter.concessions.access_codes import InvalidCode, normalize_code
from portal_adapter.concessions.links import linked_accounts
from portal_adapter.concessions.service import ConcessionLinking, LinkStatus, UnlinkStatus
from portal_adapter.identity.keycloak_admin import service_account_admin
from portal_adapter.members.current import administered_structure, administrator_required
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web.current_user import actor_label, current_user, login_required
from portal_adapter.web.step_up import refill, require_step_up, resumed

log = logging.getLogger(__name__)
bp = Blueprint("concessions", __name__, url_prefix="/concessions")
PENDING = (
    "Le rattachement est enregistré. Il sera transmis aux applications Voirie dans quelques minutes ; "
    "rechargez le tableau de bord si le menu « Nouvelle démarche » ne les propose pas encore."
)
AVAILABLE = " Les démarches Voirie sont disponibles dans le menu « Nouvelle démarche »."


def concession_linking() -> ConcessionLinking:
    """The concession use cases of this request."""
    if "concession_linking" not in g:
        settings = current_settings()
        g.concession_linking = ConcessionLinking(settings, current_engine(), service_account_admin(settings))
    return g.concession_linking


def _form(values=None, errors=None, status: int = 200):
    """The form; what was typed for the label is kept, the code never written back."""
    return render_template(
        "concessions/rattacher_concession.html",
        form=values or {"intitule": ""},
        errors=errors or {},
        voirie_contact=current_settings().voirie_contact,
    ), status


@bp.get("/rattacher")
@login_required
@administrator_required
def link_form():
    return _form(refill() or None)


@bp.post("/rattacher")
@login_required
@administrator_required
def link():
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
    asked = require_step_up(
        "concessions.link",
        {"intitule": values["intitule"], "code": code},
        return_to=url_for("concessions.link_form"),
        resume_to=url_for("concessions.link_resumed"),
        shown=values,
    )
    return asked or _link(values, code)


@bp.get("/rattacher/reprise")
@login_required
@administrator_required
def link_resumed():
    """After the step-up: the link as it was submitted (kept server-side, code included)."""
    kept = resumed("concessions.link")
    if kept is None:
        return redirect(url_for("concessions.link_form"))
    return _link({"intitule": kept["intitule"]}, kept["code"])


def _link(values: dict, code: str):
    user = current_user()
    outcome = concession_linking().link(
        administered_structure(),
        user_id=user["sub"],
        ip=request.remote_addr or "",
        label=values["intitule"],
        code=code,
        actor=actor_label(user),
    )
    match outcome.status:
        case LinkStatus.LINKED:
            flash(outcome.message + AVAILABLE, "succes")
            return redirect(url_for("pages.dashboard"))
        case LinkStatus.LINKED_PENDING:
            flash(PENDING, "succes")
            return redirect(url_for("pages.dashboard"))
        case LinkStatus.BLOCKED:  # the person, structure or address: the same for every label
            page, status = _form(values, {"code": outcome.message}, 429)
            return page, status, {"Retry-After": str(math.ceil(outcome.retry_after or 60))}
        case LinkStatus.TAKEN:
            return _form(values, {"intitule": outcome.message}, 409)
        case LinkStatus.REFUSED:
            return _form(values, {"code": outcome.message}, 400)


def _linked_account(public_id: str):
    account = next(
        (a for a in linked_accounts(current_engine(), administered_structure().siret) if a.public_id == public_id[:64]),
        None,
    )
    if account is None:
        abort(404)
    return account


@bp.get("/<public_id>/detacher")
@login_required
@administrator_required
def unlink_confirmation(public_id: str):
    """« Détacher » asks first: what stops when the account is detached."""
    return render_template("concessions/detacher_concession.html", account=_linked_account(public_id))


@bp.post("/<public_id>/detacher")
@login_required
@administrator_required
def unlink(public_id: str):
    account = _linked_account(public_id)
    asked = require_step_up(
        "concessions.unlink",
        {"public_id": account.public_id},
        return_to=url_for("concessions.unlink_confirmation", public_id=account.public_id),
        resume_to=url_for("concessions.unlink_resumed", public_id=account.public_id),
    )
    return asked or _unlink(account)


@bp.get("/<public_id>/detacher/reprise")
@login_required
@administrator_required
def unlink_resumed(public_id: str):
    kept = resumed("concessions.unlink")
    if kept is None or kept.get("public_id") != public_id:
        return redirect(url_for("pages.dashboard"))
    return _unlink(_linked_account(public_id))


def _unlink(account):
    outcome = concession_linking().unlink(
        administered_structure(),
        user_id=current_user()["sub"],
        ip=request.remote_addr or "",
        account_id=account.account_id,
        actor=actor_label(current_user()),
    )
    if outcome.status is UnlinkStatus.NOT_LINKED:
        abort(404)
    flash(outcome.message, "succes")
    return redirect(url_for("pages.dashboard"))
