"""The home page « Démarches Voirie », the « Factures » page (profile gating, and a login
confirmed by the second factor: acr ``mfa``) and /health."""

from __future__ import annotations

from flask import Blueprint, render_template

from voirie_app.auth import SECOND_FACTOR, current_user, login_required, step_up
from voirie_app.errors import error_page

ALLOWED_FOR_INVOICES = {"privileged", "admin"}
INVOICES_REFUSED = (
    "Les factures et leur paiement sont réservés aux profils « privilégié » et « administrateur » "
    "de votre structure. Demandez à l'administrateur de votre structure de modifier votre profil."
)

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("accueil.html", user=current_user())


@bp.get("/factures")
@login_required
def invoices():
    user = current_user()
    if user.get("profile") not in ALLOWED_FOR_INVOICES:
        return error_page(403, "Accès refusé", INVOICES_REFUSED)
    if user.get("acr") != SECOND_FACTOR:
        return step_up(SECOND_FACTOR)
    return render_template("factures.html", user=user)


@bp.get("/health")
def health():
    return {"status": "UP"}
