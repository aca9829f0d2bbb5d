"""The legal pages: static French texts, no login, where the metropolis fills in its own
details at the places marked « [À compléter par la Métropole : …] »."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("legal", __name__)

# path -> template (also the footer's order); the URLs are the login theme's too (footer.ftl)
PAGES = {
    "accessibilite": "legal/accessibilite.html",
    "mentions-legales": "legal/mentions_legales.html",
    "donnees-personnelles": "legal/donnees_personnelles.html",
}


@bp.get("/accessibilite")
def accessibility():
    return render_template(PAGES["accessibilite"])


@bp.get("/mentions-legales")
def legal_notice():
    return render_template(PAGES["mentions-legales"])


@bp.get("/donnees-personnelles")
def personal_data():
    return render_template(PAGES["donnees-personnelles"])
