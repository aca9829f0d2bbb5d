"""OIDC login and logout against the realm, through authlib (authorization code + PKCE S256).

authlib validates the ID token: signature against the realm's JWKS, issuer, audience,
expiry and nonce. The session keeps the user's identity and the ID token (for logout).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from urllib.parse import urlencode

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for

from portal_adapter.config import Settings
from portal_adapter.identity_names import CLAIM_PROFILE, CLAIM_ROLES, CLAIM_STRUCTURE
from portal_adapter.settings import current_settings

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
oauth = OAuth()


def init_app(app: Flask, settings: Settings) -> None:
    oauth.init_app(app)
    oauth.register(
        "keycloak",
        client_id=settings.portal_client_id,
        client_secret=settings.portal_client_secret,
        server_metadata_url=settings.metadata_url,
        client_kwargs={
            "scope": "openid profile email",
            "code_challenge_method": "S256",
            "timeout": settings.http_timeout_seconds,
        },
    )
    app.register_blueprint(bp)


def current_user() -> dict | None:
    return session.get("user")


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to the login, then back to where they were going."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            session["after_login"] = request.path
            return redirect(url_for("auth.login"))
        return view(*args, **kwargs)

    return wrapper


@bp.get("/connexion")
def login():
    try:
        return oauth.keycloak.authorize_redirect(current_settings().callback_url)
    except (AuthlibBaseError, OSError) as error:
        log.warning("identity provider unreachable at login: %s", error)
        return render_template("connexion_impossible.html"), 503


@bp.get("/auth/callback")
def callback():
    if "error" in request.args:
        log.info("login refused by the identity provider: %s", request.args.get("error"))
        return render_template("connexion_impossible.html"), 400
    try:
        token = oauth.keycloak.authorize_access_token()
    except (AuthlibBaseError, OSError, ValueError) as error:
        log.warning("login callback rejected: %s", error)
        return render_template("connexion_impossible.html"), 400
    claims = token.get("userinfo") or {}
    session.clear()
    session["user"] = {
        "sub": claims.get("sub"),
        "username": claims.get("preferred_username"),
        "given_name": claims.get("given_name", ""),
        "family_name": claims.get("family_name", ""),
        "email": claims.get("email", ""),
        "profile": claims.get(CLAIM_PROFILE),  # the session's own key, read by the templates
        CLAIM_ROLES: claims.get(CLAIM_ROLES, []),
        CLAIM_STRUCTURE: claims.get(CLAIM_STRUCTURE),
    }
    session["id_token"] = token.get("id_token")
    log.info("login: user %s", claims.get("sub"))
    return redirect(session.pop("after_login", None) or url_for("pages.dashboard"))


@bp.post("/deconnexion")
def logout():
    settings = current_settings()
    id_token = session.get("id_token")
    session.clear()
    try:
        metadata = oauth.keycloak.load_server_metadata()
    except (AuthlibBaseError, OSError):
        return redirect(url_for("pages.home"))
    end_session = metadata.get("end_session_endpoint")
    if not end_session:
        abort(503)
    query = {"post_logout_redirect_uri": f"{settings.base_url}/", "client_id": settings.portal_client_id}
    if id_token:
        query["id_token_hint"] = id_token
    return redirect(f"{end_session}?{urlencode(query)}")
