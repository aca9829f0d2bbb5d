"""« Gestion des utilisateurs »: the structure's administrators manage its members; and
« Recevoir un nouveau lien d'activation ». Views only parse the form and call
:mod:`portal_adapter.members.service` (the rules) or :mod:`portal_adapter.members.activation`."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from portal_adapter.identity.names import PROFILES
from portal_adapter.members.activation import resend_in_background
from portal_adapter.members.current import administered_structure, administrator_required, structure_users
from portal_adapter.members.service import PROFILE_LABELS, Refused, StructureUsers, validate_colleague
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web.current_user import current_user, login_required

log = logging.getLogger(__name__)
bp = Blueprint("users", __name__, url_prefix="/structure/utilisateurs")
activation_bp = Blueprint("activation", __name__, url_prefix="/activation")
MAX_IDENTIFIER_LENGTH = 255
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


def _page(service: StructureUsers, structure, form=None, errors=None, status: int = 200):
    members = service.members(structure)
    return render_template(
        "members/gestion_utilisateurs.html",
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
@administrator_required
def index():
    return _page(structure_users(), administered_structure())


@bp.post("/ajouter")
@login_required
@administrator_required
def add():
    service, structure = structure_users(), administered_structure()
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
    service, structure = structure_users(), administered_structure()
    try:
        member, refusal = service.member(structure, user_id)
    except Refused:
        abort(404)
    title, button, consequence = CONFIRMED_ACTIONS[action]
    return render_template(
        "members/confirmation_utilisateur.html",
        member=member,
        action=action,
        title=title,
        button=button,
        consequence=consequence,
        refusal=refusal,
    )


@bp.post("/<user_id>/<action>")
@login_required
@administrator_required
def act(user_id: str, action: str):
    service, structure = structure_users(), administered_structure()
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


@activation_bp.route("/nouveau-lien", methods=["GET", "POST"])
def new_link():
    """Ask for a new activation link (identifier or e-mail)."""
    if request.method == "GET":
        return render_template("members/nouveau_lien.html", value="", error=None, sent=False)
    value = (request.form.get("identifiant") or "").strip()
    if not value or len(value) > MAX_IDENTIFIER_LENGTH:
        error = "Indiquez votre identifiant (pro.prenom.nom) ou votre adresse de courriel."
        page = render_template(
            "members/nouveau_lien.html", value=value[:MAX_IDENTIFIER_LENGTH], error=error, sent=False
        )
        return page, 400
    resend_in_background(current_settings(), value, current_engine(), request.remote_addr or "")
    current_app.logger.info("new activation link requested")
    return render_template("members/nouveau_lien.html", value="", error=None, sent=True)
