"""French error pages for every HTTP error: never a stack trace, never a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Requête invalide", "La demande n'a pas pu être traitée. Veuillez réessayer."),
    403: ("Accès refusé", "Vous n'avez pas les droits nécessaires pour accéder à cette page."),
    404: ("Page introuvable", "La page demandée n'existe pas ou a été déplacée."),
    405: ("Action non autorisée", "Cette action n'est pas possible sur cette page."),
    503: (
        "Service indisponible",
        "Le service est momentanément indisponible. Veuillez réessayer dans quelques instants.",
    ),
}
DEFAULT = ("Une erreur est survenue", "Une erreur inattendue est survenue. Veuillez réessayer plus tard.")


def _page(
    code: int, title: str | None = None, message: str | None = None, headers: list[tuple[str, str]] | None = None
):
    default_title, default_message = MESSAGES.get(code, DEFAULT)
    if request.path.startswith("/api/"):
        response = jsonify(error={"code": "http_error", "message": message or default_message})
        response.status_code = code
    else:
        response = make_response(
            render_template(
                "web/erreur.html", code=code, title=title or default_title, message=message or default_message
            ),
            code,
        )
    # the exception's own headers (Allow of a 405, WWW-Authenticate...), never its content type
    for name, value in headers or ():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log.warning("CSRF check failed: %s", error.description)
        return _page(
            400,
            "Formulaire expiré",
            "Le formulaire a expiré ou n'est pas valide. Veuillez recharger la page et réessayer.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _page(error.code or 500, headers=error.get_headers())

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unexpected error", exc_info=error)
        return _page(InternalServerError.code)
