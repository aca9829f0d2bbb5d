"""« Gestion des utilisateurs »: the structure's administrators manage its members.
Views only parse the form and call :mod:`portal_adapter.structure_users`, which holds the rules."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from portal_adapter.auth import current_user, login_required
from portal_adapter.identity_names import PROFILES
from portal_adapter.keycloak_admin import service_account_admin
from portal_adapter.settings import current_settings
from portal_adapter.structure_users import PROFILE_LABELS, Refused, StructureUsers, validate_colleague

log = logging.getLogger(__name__)
bp = Blueprint("users", __name__, url_prefix="/structure/utilisateurs")
EMPTY_FORM = {"prenom": "", "nom": "", "courriel": "", "fonction": "", "profil": "standard"}


def _service() -> StructureUsers:
    return StructureUsers(service_account_admin(current_settings()), current_settings())


def _administered_structure(service: StructureUsers):
    """The caller's structure; a French 403 page for anyone but its active administrators."""
    try:
        return service.structure_administered_by(current_user()["sub"])
    except Refused as refused:
        log.info("user management refused to %s: %s", current_user()["sub"], refused.message)
        abort(403)


def _page(service: StructureUsers, structure, form=None, errors=None, status: int = 200):
    return render_template(
        "gestion_utilisateurs.html", structure=structure, members=service.members(structure),
        form=form or EMPTY_FORM, errors=errors or {}, profiles=PROFILES, profile_labels=PROFILE_LABELS,
        me=current_user()["sub"],
    ), status


@bp.get("")
@login_required
def index():
    service = _service()
    return _page(service, _administered_structure(service))


@bp.post("/ajouter")
@login_required
def add():
    service = _service()
    structure = _administered_structure(service)
    form = {key: (request.form.get(key) or "").strip()[:255] for key in EMPTY_FORM}
    errors = validate_colleague(form["prenom"], form["nom"], form["courriel"], form["fonction"], form["profil"])
    if errors:
        return _page(service, structure, form, errors, 400)
    try:
        identifier = service.add_colleague(structure, form["prenom"], form["nom"], form["courriel"], form["fonction"], form["profil"])
    except Refused as refused:
        return _page(service, structure, form, {"courriel": refused.message}, 400)
    flash(f"Le compte {identifier} a été créé ; un courriel d'activation a été envoyé à {form['courriel']}.", "succes")
    return redirect(url_for("users.index"))


@bp.post("/<user_id>/<action>")
@login_required
def act(user_id: str, action: str):
    service = _service()
    structure = _administered_structure(service)
    try:
        if action == "profil":
            service.change_profile(structure, user_id, request.form.get("profil", ""))
            flash("Le profil a été modifié. Il s'applique à la prochaine connexion de l'utilisateur.", "succes")
        elif action == "desactiver":
            service.set_enabled(structure, user_id, False)
            flash("Le compte a été désactivé.", "succes")
        elif action == "reactiver":
            service.set_enabled(structure, user_id, True)
            flash("Le compte a été réactivé.", "succes")
        elif action == "retirer":
            service.remove(structure, user_id)
            flash("L'utilisateur a été retiré de la structure.", "succes")
        elif action == "renvoyer-activation":
            service.resend_activation(structure, user_id)
            flash("Un nouveau courriel d'activation a été envoyé.", "succes")
        else:
            abort(404)
    except Refused as refused:
        log.info("user management action %s on %s refused: %s", action, user_id, refused.message)
        flash(refused.message, "erreur")
        if refused.status == 404:
            abort(404)
    return redirect(url_for("users.index"))
