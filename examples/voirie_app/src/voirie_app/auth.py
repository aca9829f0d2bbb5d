"""OIDC login and logout against the realm (authorization code + PKCE S256, through authlib).

authlib runs the flow and checks the nonce; the ID token is then validated again by
``tokens.IdTokenValidator`` and the session keeps only what that validated token says.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, flash, redirect, request, session, url_for

from voirie_app.errors import error_page
from voirie_app.settings import Settings
from voirie_app.tokens import IdTokenValidator, InvalidIdToken, identity_from

log = logging.getLogger(__name__)
LOGIN_FAILED = "La connexion n'a pas pu aboutir. Veuillez réessayer."


def current_user() -> dict[str, Any] | None:
    return session.get("user")


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to the login, then back to the page they asked for."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            session["after_login"] = request.path
            return redirect(url_for("auth.login"))
        return view(*args, **kwargs)

    return wrapper


def auth_blueprint(settings: Settings, client, validator: IdTokenValidator) -> Blueprint:
    """``client``: the authlib Flask client registered for the realm."""
    bp = Blueprint("auth", __name__)

    @bp.get("/connexion")
    def login():
        try:
            return client.authorize_redirect(settings.callback_url)
        except (AuthlibBaseError, OSError, ValueError) as error:
            log.warning("identity provider unreachable at login: %s", error)
            return error_page(503, "Connexion impossible",
                              "Le service de connexion Hariane PRO est momentanément indisponible. "
                              "Veuillez réessayer dans quelques instants.")

    @bp.get("/auth/callback")
    def callback():
        if "error" in request.args:
            log.info("login refused by the identity provider: %s", request.args.get("error"))
            return error_page(400, "Connexion impossible", LOGIN_FAILED)
        try:
            token = client.authorize_access_token()
            claims = validator.validate(token.get("id_token"))
        except (AuthlibBaseError, InvalidIdToken, OSError, ValueError) as error:
            log.warning("login callback rejected: %s: %s", type(error).__name__, error)
            return error_page(400, "Connexion impossible", LOGIN_FAILED)
        after_login = session.pop("after_login", None)
        session.clear()
        session["user"] = identity_from(claims)
        session["id_token"] = token["id_token"]
        log.info("login: user %s, %d concessions", claims.get("sub"), len(session["user"]["concessions"]))
        return redirect(after_login or url_for("pages.home"))

    @bp.post("/deconnexion")
    def logout():
        id_token = session.get("id_token")
        session.clear()
        flash("Vous êtes déconnecté(e) des démarches Voirie.", "succes")
        try:
            end_session = client.load_server_metadata().get("end_session_endpoint")
        except (AuthlibBaseError, OSError, ValueError) as error:
            log.warning("identity provider unreachable at logout: %s", error)
            end_session = None
        if not end_session:
            return redirect(url_for("pages.home"))
        query = {"post_logout_redirect_uri": f"{settings.base_url}/", "client_id": settings.client_id}
        if id_token:
            query["id_token_hint"] = id_token
        return redirect(f"{end_session}?{urlencode(query)}")

    return bp
