"""French error pages for every HTTP error: never a stack trace, never a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Requête invalide", "La demande n'a pas pu être traitée. Veuillez réessayer."),
    403: ("Accès refusé", "Vous n'avez pas les droits nécessaires pour accéder à cette page."),
    404: ("Page introuvable", "La page demandée n'existe pas ou a été déplacée."),
    405: ("Action non autorisée", "Cette action n'est pas possible sur cette page."),
    413: ("Demande trop volumineuse", "Les informations envoyées sont trop volumineuses."),
    503: (
        "Service indisponible",
        "Le service est momentanément indisponible. Veuillez réessayer dans quelques instants.",
    ),
}
DEFAULT = ("Une erreur est survenue", "Une erreur inattendue est survenue. Veuillez réessayer plus tard.")


def error_page(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(code, DEFAULT)
    return render_template("erreur.html", title=title or default_title, message=message or default_message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log.warning("CSRF check failed: %s", error.description)
        return error_page(
            400,
            "Formulaire expiré",
            "Le formulaire a expiré ou n'est pas valide. Veuillez recharger la page et réessayer.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_page(error.code or InternalServerError.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unexpected error", exc_info=error)
        return error_page(InternalServerError.code)
