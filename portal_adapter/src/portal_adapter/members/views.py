"""« Gestion des utilisateurs »: the structure's administrators manage its members; and
« Recevoir un nouveau lien d'activation ». Views only parse the form and call
:mod:`portal_adapter.members.service` (the rules) or :mod:`portal_adapter.members.activation`."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from portal_adapter.identity.names import PROFILES
from portal_adapter.members.activation import resend_in_background
from portal_adapter.members.current import administered_structure, administrator_required, structure_users
from portal_adapter.members.second_factor import reset_second_factor
from portal_adapter.members.service import (
    PROFILE_LABELS,
    NotInStructure,
    Refused,
    StructureUsers,
    validate_colleague,
)
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web.current_user import current_user, login_required
from portal_adapter.web.step_up import require_step_up, resumed

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
    "reinitialiser-second-facteur": (
        "Réinitialiser le second facteur",
        "Réinitialiser le second facteur",
        "Son application d'authentification, ses clés d'accès et ses codes de récupération ne lui permettront "
        "plus de se connecter, et ses connexions en cours seront fermées. À sa prochaine connexion, après son "
        "identifiant et son mot de passe, il lui sera demandé d'enregistrer un nouveau second facteur. "
        "Cette personne et vous-même recevrez un courriel.",
    ),
}
RESET_FACTOR = "reinitialiser-second-facteur"
# Changes that need the second factor within the last 15 minutes (docs/step-up.md).
STEP_UP_ACTIONS = frozenset({"profil", RESET_FACTOR})
OWN_FACTOR = (
    "Vous ne pouvez pas réinitialiser votre propre second facteur : demandez-le à un autre "
    "administrateur de votre structure."
)


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
        abort(403 if action == RESET_FACTOR else 404)
    if action == RESET_FACTOR:
        refusal = OWN_FACTOR if member.id == structure.administrator_id else None
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
    form = {"profil": (request.form.get("profil") or "")[:32]}
    if action in STEP_UP_ACTIONS:
        try:
            structure_users().member(administered_structure(), user_id)  # before any step-up
        except Refused:
            abort(403 if action == RESET_FACTOR else 404)
        asked = require_step_up(
            f"members.{action}",
            {"user_id": user_id, **form},
            return_to=url_for("users.confirm", user_id=user_id, action=action)
            if action in CONFIRMED_ACTIONS
            else url_for("users.index"),
            resume_to=url_for("users.act_resumed", user_id=user_id, action=action),
        )
        if asked:
            return asked
    return _apply(user_id, action, form)


@bp.get("/<user_id>/<action>/reprise")
@login_required
@administrator_required
def act_resumed(user_id: str, action: str):
    """After the step-up: the change as it was submitted (kept server-side)."""
    if action not in STEP_UP_ACTIONS:
        abort(404)
    kept = resumed(f"members.{action}")
    if kept is None or kept.get("user_id") != user_id:
        return redirect(url_for("users.index"))
    return _apply(user_id, action, {"profil": str(kept.get("profil", ""))})


def _apply(user_id: str, action: str, form: dict):
    service, structure = structure_users(), administered_structure()
    try:
        if action == "profil":
            service.change_profile(structure, user_id, form["profil"])
            flash("Le profil a été modifié. Il s'applique à la prochaine connexion de l'utilisateur.", "succes")
        elif action == RESET_FACTOR:
            reset = reset_second_factor(
                service,
                current_engine(),
                structure,
                user_id,
                actor=f"{current_user().get('username')} ({_full_name(current_user())})",
                ip=request.remote_addr or "",
            )
            flash(
                f"Le second facteur de {reset.member.first_name} {reset.member.last_name} a été réinitialisé : "
                "il lui sera demandé d'en enregistrer un nouveau à sa prochaine connexion. "
                "Un courriel vous a été envoyé, ainsi qu'à cette personne.",
                "succes",
            )
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
        if isinstance(refused, NotInStructure) and action == RESET_FACTOR:
            abort(403)
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
