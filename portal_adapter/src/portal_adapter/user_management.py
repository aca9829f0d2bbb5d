"""« Gestion des utilisateurs »: the structure's administrators manage its members.
Views only parse the form and call :mod:`portal_adapter.structure_users`, which holds the rules."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from portal_adapter.auth import current_user, login_required
from portal_adapter.identity_names import PROFILES
from portal_adapter.keycloak_admin import service_account_admin
from portal_adapter.settings import current_engine, current_settings
from portal_adapter.structure_lock import database_lock
from portal_adapter.structure_users import PROFILE_LABELS, Refused, StructureUsers, validate_colleague

log = logging.getLogger(__name__)
bp = Blueprint("users", __name__, url_prefix="/structure/utilisateurs")
EMPTY_FORM = {"prenom": "", "nom": "", "courriel": "", "fonction": "", "profil": "standard"}
# The actions that ask for a confirmation first: (title, button, what happens).
CONFIRMED_ACTIONS = {
    "desactiver": (
        "Désactiver le compte",
        "Désactiver le compte",
        "Cette personne ne pourra plus se connecter à Hariane PRO ni aux applications des démarches, "
        "et ses connexions en cours seront fermées. Son compte reste dans votre structure : "
        "vous pourrez le réactiver.",
    ),
    "retirer": (
        "Retirer de la structure",
        "Retirer de la structure",
        "Cette personne quittera votre structure : son compte sera désactivé, perdra son profil "
        "et ses connexions en cours seront fermées. Elle n'apparaîtra plus dans la liste. Vous pourrez "
        "la reprendre plus tard en l'ajoutant à nouveau avec la même adresse de courriel.",
    ),
}


def _service() -> StructureUsers:
    return StructureUsers(
        service_account_admin(current_settings()), current_settings(), database_lock(current_engine())
    )


def _administered_structure(service: StructureUsers):
    """The caller's structure; a French 403 page for anyone but its active administrators."""
    try:
        return service.structure_administered_by(current_user()["sub"])
    except Refused as refused:
        log.info("user management refused to %s: %s", current_user()["sub"], refused.message)
        abort(403)


def _page(service: StructureUsers, structure, form=None, errors=None, status: int = 200):
    members = service.members(structure)
    return render_template(
        "gestion_utilisateurs.html",
        structure=structure,
        members=members,
        form=form or EMPTY_FORM,
        errors=errors or {},
        profiles=PROFILES,
        profile_labels=PROFILE_LABELS,
        me=current_user()["sub"],
        last_admin=service.last_active_administrator(members),
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
        identifier = service.add_colleague(
            structure,
            form["prenom"],
            form["nom"],
            form["courriel"],
            form["fonction"],
            form["profil"],
            added_by=_full_name(current_user()),
        )
    except Refused as refused:
        return _page(service, structure, form, {"courriel": refused.message}, 400)
    flash(f"Le compte {identifier} a été créé ; un courriel d'activation a été envoyé à {form['courriel']}.", "succes")
    return redirect(url_for("users.index"))


def _full_name(user: dict) -> str:
    return f"{user.get('given_name', '')} {user.get('family_name', '')}".strip()


@bp.get("/<user_id>/<action>/confirmer")
@login_required
def confirm(user_id: str, action: str):
    """Say what will happen before a destructive action; the page's form posts it (with
    its CSRF token). When the rules refuse it, the page says why and offers no button."""
    if action not in CONFIRMED_ACTIONS:
        abort(404)
    service = _service()
    structure = _administered_structure(service)
    try:
        member, refusal = service.member(structure, user_id)
    except Refused:
        abort(404)
    title, button, consequence = CONFIRMED_ACTIONS[action]
    return render_template(
        "confirmation_utilisateur.html",
        member=member,
        action=action,
        title=title,
        button=button,
        consequence=consequence,
        refusal=refusal,
    )


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
