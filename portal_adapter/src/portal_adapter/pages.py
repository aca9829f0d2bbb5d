"""The portal's pages: home and dashboard (« tableau de bord »)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from portal_adapter.auth import current_user, login_required
from portal_adapter.identity_names import CLAIM_PROFILE

bp = Blueprint("pages", __name__)

PROFILE_LABELS = {"standard": "Standard", "privileged": "Privilégié", "admin": "Administrateur"}


@bp.get("/")
def home():
    """Public home: log in, or create a Hariane PRO account."""
    if current_user():
        return redirect(url_for("pages.dashboard"))
    return render_template("accueil.html")


@bp.get("/tableau-de-bord")
@login_required
def dashboard():
    """The logged-in user's dashboard."""
    user = current_user()
    return render_template(
        "tableau_de_bord.html",
        user=user,
        profile_label=PROFILE_LABELS.get(user.get(CLAIM_PROFILE) or "", "Aucun profil"),
    )
