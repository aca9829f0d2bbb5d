"""The legal pages: static French texts, no login, where the metropolis fills in its own
details at the places marked « [À compléter par la Métropole : …] »."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal_adapter.runtime import current_settings

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


def _months(days: int) -> int:
    return round(days * 12 / 365.25)


@bp.get("/donnees-personnelles")
def personal_data():
    settings = current_settings()  # the inactive-account delays the lifecycle job follows
    delays = (settings.account_warn_days, settings.account_disable_days, settings.account_delete_days)
    return render_template(PAGES["donnees-personnelles"], inactivity_months=[_months(d) for d in delays])
