"""« Demander à rejoindre cette structure »: the requester's public pages (form, neutral
answer, address confirmation), the administrators' decisions on « Demandes en attente »
(shown in « Gestion des utilisateurs ») and the metropolis agents' pages under
/agents/demandes. Views parse, call :mod:`portal_adapter.join_requests.service`, respond."""

from __future__ import annotations

import logging
import threading

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from keycloak.exceptions import KeycloakError

from portal_adapter.identity.names import PROFILES
from portal_adapter.join_requests.current import join_requests
from portal_adapter.join_requests.rules import (
    EVENT_LABELS,
    MAX_MESSAGE_LENGTH,
    MAX_REASON_LENGTH,
    STATE_LABELS,
    validate_request,
)
from portal_adapter.join_requests.service import AlreadyHandled, Decision, JoinRequests
from portal_adapter.members.current import administered_structure, administrator_required
from portal_adapter.members.service import PROFILE_LABELS, Refused
from portal_adapter.sirene.siret import InvalidSiret, validate
from portal_adapter.web.agents import agent_required
from portal_adapter.web.current_user import actor_label, login_required

log = logging.getLogger(__name__)
public_bp = Blueprint("join", __name__, url_prefix="/rejoindre")
admin_bp = Blueprint("join_admin", __name__, url_prefix="/structure/utilisateurs/demandes")
agents_bp = Blueprint("join_agents", __name__, url_prefix="/agents/demandes")
FIELDS = ("siret", "prenom", "nom", "courriel", "fonction", "message")


# -- the requester (no login) ---------------------------------------------------------------
@public_bp.get("")
def form():
    typed = (request.args.get("siret") or "")[:40]
    return render_template("join_requests/demande.html", form={"siret": typed}, errors={})


@public_bp.post("")
def file():
    form = {key: (request.form.get(key) or "").strip() for key in FIELDS}
    form = {key: value[: MAX_MESSAGE_LENGTH + 1 if key == "message" else 255] for key, value in form.items()}
    errors = validate_request(form["prenom"], form["nom"], form["courriel"], form["fonction"], form["message"])
    try:
        siret = validate(form["siret"])
    except InvalidSiret as invalid:
        errors = {"siret": invalid.message, **errors}
    if errors:
        return render_template("join_requests/demande.html", form=form, errors=errors), 400
    service, ip = join_requests(), request.remote_addr or ""
    # after the response: its content and timing never say whether anything was sent
    threading.Thread(target=_file, args=(service, siret, form, ip), name="join-request", daemon=True).start()
    return render_template("join_requests/demande_envoyee.html")


def _file(service: JoinRequests, siret: str, form: dict, ip: str) -> None:
    try:
        service.file(siret, form["prenom"], form["nom"], form["courriel"], form["fonction"], form["message"], ip)
    except (KeycloakError, OSError) as error:
        log.error("join request to %s not filed: %s", siret, error)


@public_bp.get("/confirmation/<token>")
def confirmation(token: str):
    """A page with one button: opening the link (a mail scanner does) confirms nothing."""
    valid = len(token) <= 100 and join_requests().confirmable(token)
    return render_template("join_requests/confirmation.html", valid=valid, done=False, token=token)


@public_bp.post("/confirmation/<token>")
def confirm(token: str):
    done = len(token) <= 100 and join_requests().confirm(token)
    status = 200 if done else 410
    return render_template("join_requests/confirmation.html", valid=done, done=done, token=token), status


# -- the structure's administrators (« Gestion des utilisateurs ») ---------------------------
@public_bp.app_context_processor
def pending_for_administrators() -> dict:
    """« Demandes en attente » of a structure, for members/gestion_utilisateurs.html."""
    return {"join_requests_of": lambda siret: join_requests().open_requests(siret)}


@admin_bp.post("/<request_id>/accepter")
@login_required
@administrator_required
def accept(request_id: str):
    structure = administered_structure()
    try:
        username = join_requests().accept(
            structure, _number(request_id), Decision(request.form.get("profil", ""), actor_label())
        )
    except Refused as refused:
        return _refused(refused)
    flash(f"Demande acceptée : le compte {username} a été créé et un courriel d'activation envoyé.", "succes")
    return redirect(url_for("users.index"))


@admin_bp.post("/<request_id>/refuser")
@login_required
@administrator_required
def refuse(request_id: str):
    structure = administered_structure()
    reason = (request.form.get("motif") or "").strip()[:MAX_REASON_LENGTH]
    try:
        join_requests().refuse(structure.siret, _number(request_id), actor_label(), reason, structure.name)
    except Refused as refused:
        return _refused(refused)
    flash("Demande refusée : la personne en a été informée.", "succes")
    return redirect(url_for("users.index"))


def _number(request_id: str) -> int:
    """The request's number from the URL; 404 for anything else (the URL map's routes take any text)."""
    if not request_id.isascii() or not request_id.isdigit() or len(request_id) > 12:
        abort(404)
    return int(request_id)


def _refused(refused: Refused, back: str = "users.index"):
    if refused.status == 404:
        abort(404)
    log.info("join request decision refused: %s", refused.message)
    flash(refused.message, "erreur")
    return redirect(url_for(back))


# -- the metropolis's agents ---------------------------------------------------------------
@agents_bp.get("")
@agent_required
def agents_index():
    return render_template(
        "join_requests/agents_demandes.html", requests=join_requests().open_requests(), labels=STATE_LABELS
    )


@agents_bp.get("/<request_id>")
@agent_required
def agents_detail(request_id: str, form: dict | None = None, error: str = "", status: int = 200):
    service, number = join_requests(), _number(request_id)
    try:
        join_request = service.get(number)
    except Refused:
        abort(404)
    structure, administrators = service.structure_state(join_request["siret"])
    return render_template(
        "join_requests/agents_demande.html",
        demande=join_request,
        structure=structure,
        administrators=administrators,
        events=service.events(number),
        labels=STATE_LABELS,
        event_labels=EVENT_LABELS,
        profiles=PROFILES,
        profile_labels=PROFILE_LABELS,
        form=form or {"profil": "admin" if not administrators else "standard", "motif": ""},
        error=error,
    ), status


@agents_bp.post("/<request_id>/accepter")
@agent_required
def agents_accept(request_id: str):
    form = {"profil": request.form.get("profil", ""), "motif": (request.form.get("motif") or "")[:MAX_REASON_LENGTH]}
    try:
        username = join_requests().accept_as_agent(
            _number(request_id), Decision(form["profil"], actor_label()), form["motif"]
        )
    except AlreadyHandled as handled:
        return _refused(handled, "join_agents.agents_index")
    except Refused as refused:
        if refused.status == 404:
            abort(404)
        return agents_detail(request_id, form=form, error=refused.message, status=400)
    flash(f"Demande acceptée : le compte {username} a été créé et un courriel d'activation envoyé.", "succes")
    return redirect(url_for("join_agents.agents_index"))


@agents_bp.post("/<request_id>/refuser")
@agent_required
def agents_refuse(request_id: str):
    service, number = join_requests(), _number(request_id)
    reason = (request.form.get("motif-refus") or "").strip()[:MAX_REASON_LENGTH]
    try:
        join_request = service.get(number)
        structure = service.structure(join_request["siret"])
        name = structure.name if structure else join_request["siret"]
        service.refuse(join_request["siret"], number, actor_label(), reason, name)
    except Refused as refused:
        return _refused(refused, "join_agents.agents_index")
    flash("Demande refusée : la personne en a été informée.", "succes")
    return redirect(url_for("join_agents.agents_index"))
