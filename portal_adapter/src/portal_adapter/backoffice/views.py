"""The agents' back-office (``/agents/``): import the legacy registry, find a concession, read
its link and history, unlock or detach it with a reason, list the structures. Views parse,
call :class:`~portal_adapter.backoffice.service.AgentDesk` and respond; every page is for
metropolis agents only (:func:`~portal_adapter.web.agents.agent_required`)."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, validate_csrf
from keycloak.exceptions import KeycloakError
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import ValidationError

from portal_adapter.backoffice import journal
from portal_adapter.backoffice.current import agent_desk, current_agent
from portal_adapter.backoffice.service import reason_error
from portal_adapter.concessions.alerts import structure_of
from portal_adapter.concessions.legacy_rows import NETWORK_LABELS
from portal_adapter.concessions.registry_file import UnreadableRegistry
from portal_adapter.runtime import current_engine
from portal_adapter.web.agents import agent_required
from portal_adapter.web.csrf import csrf

log = logging.getLogger(__name__)
bp = Blueprint("agents", __name__, url_prefix="/agents")
MAX_REGISTRY_BYTES = 5 * 1024 * 1024
TOO_LARGE = (
    "Le fichier dépasse 5 Mo : enregistrez le registre en CSV (sans mise en forme) "
    "ou importez-le en plusieurs fichiers."
)


@bp.get("/")
@agent_required
def home():
    return render_template("backoffice/accueil.html", entries=journal.latest(current_engine()))


def _registry_page(errors=None, report=None, filename: str = "", status: int = 200):
    return render_template(
        "backoffice/registre.html",
        errors=errors or {},
        report=report,
        filename=filename,
        max_megabytes=MAX_REGISTRY_BYTES // (1024 * 1024),
    ), status


@bp.get("/registre")
@agent_required
def registry_form():
    return _registry_page()


@bp.post("/registre")
@csrf.exempt  # checked below, once the size is known to be acceptable (never parse a huge body)
@agent_required
def registry_import():
    if (request.content_length or 0) > MAX_REGISTRY_BYTES + 64 * 1024:
        return _registry_page({"fichier": TOO_LARGE}, status=413)
    request.max_content_length = MAX_REGISTRY_BYTES + 64 * 1024
    try:
        validate_csrf(request.form.get("csrf_token"))
        upload = request.files.get("fichier")
    except RequestEntityTooLarge:
        return _registry_page({"fichier": TOO_LARGE}, status=413)
    except ValidationError as invalid:
        raise CSRFError(str(invalid)) from invalid
    if upload is None or not upload.filename:
        return _registry_page({"fichier": "Choisissez le fichier du registre (CSV ou JSON)."}, status=400)
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    data = upload.read(MAX_REGISTRY_BYTES + 1)
    if len(data) > MAX_REGISTRY_BYTES:
        return _registry_page({"fichier": TOO_LARGE}, filename=filename, status=413)
    try:
        report = agent_desk().import_registry(current_agent(), data, filename)
    except UnreadableRegistry as unreadable:
        return _registry_page({"fichier": unreadable.message}, filename=filename, status=400)
    return _registry_page(report=report, filename=filename)


@bp.get("/concessions")
@agent_required
def concessions():
    typed = " ".join((request.args.get("recherche") or "").split())[:200]
    found = agent_desk().search(typed) if typed else None
    return render_template("backoffice/concessions.html", typed=typed, found=found, networks=NETWORK_LABELS)


def _concession(public_id: str):
    concession = agent_desk().concession(public_id)
    if concession is None:
        abort(404)
    return concession


def _concession_page(public_id: str, errors=None, form=None, status: int = 200):
    desk = agent_desk()
    concession = _concession(public_id)
    holder = None
    if concession.holder_siret:
        try:
            holder = structure_of(desk.admin, concession.holder_siret)
        except KeycloakError as error:
            log.warning("back-office: structure %s not read: %s", concession.holder_siret, error)
    return render_template(
        "backoffice/concession.html",
        concession=concession,
        holder=holder,
        attempts=desk.attempts(concession),
        networks=NETWORK_LABELS,
        errors=errors or {},
        form=form or {},
    ), status


@bp.get("/concessions/<public_id>")
@agent_required
def concession(public_id: str):
    return _concession_page(public_id)


def _reason(field: str) -> tuple[str, str | None]:
    reason = " ".join((request.form.get(field) or "").split())
    return reason, reason_error(reason)


@bp.post("/concessions/<public_id>/debloquer")
@agent_required
def unlock(public_id: str):
    reason, error = _reason("motif_deblocage")
    if error:
        return _concession_page(public_id, {"motif_deblocage": error}, {"motif_deblocage": reason[:1000]}, 400)
    concession = _concession(public_id)
    agent_desk().unlock(current_agent(), concession, reason)
    flash(f"Le compte « {concession.label} » est débloqué.", "succes")
    return redirect(url_for("agents.concession", public_id=concession.public_id))


@bp.post("/concessions/<public_id>/detacher")
@agent_required
def detach(public_id: str):
    reason, error = _reason("motif_detachement")
    if error:
        return _concession_page(public_id, {"motif_detachement": error}, {"motif_detachement": reason[:1000]}, 400)
    concession = _concession(public_id)
    if not agent_desk().detach(current_agent(), concession, reason, request.remote_addr or ""):
        flash(f"Le compte « {concession.label} » n'est rattaché à aucune structure.", "erreur")
    else:
        flash(
            f"Le compte « {concession.label} » a été détaché de la structure SIRET {concession.holder_siret} ; "
            "ses administrateurs ont été prévenus par courriel.",
            "succes",
        )
    return redirect(url_for("agents.concession", public_id=concession.public_id))


@bp.get("/structures")
@agent_required
def structures():
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and 0 < len(page) < 6 else 1
    typed = " ".join((request.args.get("recherche") or "").split())[:100]
    try:
        listing = agent_desk().structures(number, typed)
    except KeycloakError as error:
        log.error("back-office: the structures could not be read: %s", error)
        abort(503)
    return render_template("backoffice/structures.html", listing=listing, typed=typed)
