"""OIDC login and logout against the realm (authorization code + PKCE S256, through authlib),
server-side sessions that the realm can end (back-channel logout), and token refresh.

authlib runs the flow and checks the nonce; the ID token is then validated again by
``tokens.IdTokenValidator`` and the session keeps only what that validated token says. The
session lives in ``login_sessions.SessionStore`` (the cookie holds its random key only):

- when the access token has expired, the next request refreshes the tokens and re-reads the
  identity (structure, profile, concessions) from the new ID token, so what the application
  knows is never older than the access token's lifetime; a refused refresh (the realm's
  session ended: logout, disabled user) ends the session;
- ``step_up`` sends a user whose login did not reach the level a page demands back through the
  realm with ``acr_values`` (« Factures »: ``mfa``, the second factor); the callback checks the
  new ID token's ``acr`` before going back to the page;
- ``POST /auth/backchannel-logout`` receives the realm's logout token (OpenID Connect
  Back-Channel Logout 1.0) and ends the sessions it names, in every worker.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for

from voirie_app.errors import error_page
from voirie_app.login_sessions import LoginSession, SessionStore, Tokens
from voirie_app.settings import Settings
from voirie_app.tokens import IdTokenValidator, InvalidIdToken, identity_from

log = logging.getLogger(__name__)
LOGIN_FAILED = "La connexion n'a pas pu aboutir. Veuillez réessayer."
SECOND_FACTOR = "mfa"  # the realm's acr for a login with a second factor (docs/claims.md)
STEP_UP_NOT_DONE = (
    "Cette page demande une connexion confirmée par votre second facteur (clé d'accès ou application "
    "d'authentification), et votre connexion ne l'a pas été. Si vous venez d'enregistrer votre second "
    "facteur, ouvrez à nouveau la page : il vous sera demandé."
)
NO_STORE = {"Cache-Control": "no-store"}
EXTENSION = "voirie_auth"


class Authentication:
    """The realm's client, the token validator and the session store, for one application."""

    def __init__(
        self, client, validator: IdTokenValidator, store: SessionStore, clock: Callable[[], float] = time.time
    ) -> None:
        self.client = client  # the authlib Flask client registered for the realm
        self.validator = validator
        self.store = store
        self.clock = clock

    def start(self, token: dict[str, Any]) -> LoginSession:
        """A session for a validated login; InvalidIdToken when the ID token fails."""
        claims = self.validator.validate(token.get("id_token"))
        identity, tokens = identity_from(claims), Tokens.from_response(token, self.clock())
        sid = claims.get("sid") if isinstance(claims.get("sid"), str) else None
        key = self.store.create(sub=identity["sub"], sid=sid, identity=identity, tokens=tokens)
        return LoginSession(key, identity["sub"], sid, identity, tokens)

    def current(self, key: str) -> LoginSession | None:
        """The live session of that key, refreshed when its access token has expired; None when
        it ended (or cannot be brought up to date just now: the identity is not served stale)."""
        record = self.store.get(key)
        if record is None or not record.access_expired(self.clock()):
            return record
        return self._refresh(record)

    def _refresh(self, record: LoginSession) -> LoginSession | None:
        if not record.tokens.refresh_token:
            self.store.delete(record.key)
            return None
        try:
            token = self.client.fetch_access_token(
                grant_type="refresh_token", refresh_token=record.tokens.refresh_token
            )
            claims = self.validator.validate(token.get("id_token"))
        except AuthlibBaseError as error:
            if getattr(error, "error", None) in ("invalid_grant", "unauthorized_client"):
                log.info("session of %s ended by the realm at refresh: %s", record.sub, error)
                self.store.delete(record.key)
            else:
                log.warning("token refresh failed for %s: %s", record.sub, error)
            return None
        except (InvalidIdToken, OSError, ValueError, KeyError) as error:
            log.warning("token refresh failed for %s: %s: %s", record.sub, type(error).__name__, error)
            return None
        if claims.get("sub") != record.sub:
            log.warning("refreshed ID token names another user: session %s ended", record.sub)
            self.store.delete(record.key)
            return None
        identity, tokens = identity_from(claims), Tokens.from_response(token, self.clock())
        if not self.store.refreshed(record.key, identity, tokens):
            return None
        log.info("tokens refreshed for %s, %d concessions", record.sub, len(identity["concessions"]))
        return LoginSession(record.key, record.sub, record.sid, identity, tokens)


def _auth() -> Authentication:
    return current_app.extensions[EXTENSION]


def current_session() -> LoginSession | None:
    """The request's login session (read, and refreshed if needed, once per request)."""
    if "login_session" not in g:
        key = session.get("key")
        g.login_session = _auth().current(key) if isinstance(key, str) else None
        if g.login_session is None:
            session.pop("key", None)
    return g.login_session


def current_user() -> dict[str, Any] | None:
    live = current_session()
    return live.identity if live else None


def login_required(view: Callable) -> Callable:
    """Send anonymous visitors to the login, then back to the page they asked for."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            session["after_login"] = request.path
            return redirect(url_for("auth.login"))
        return view(*args, **kwargs)

    return wrapper


def step_up(acr: str = SECOND_FACTOR):
    """Back through the realm for a login of level ``acr``, then back to this page."""
    session["after_login"] = request.path
    session["acr_wanted"] = acr
    return redirect(url_for("auth.login"))


def auth_blueprint(settings: Settings, authentication: Authentication) -> Blueprint:
    bp = Blueprint("auth", __name__)
    client = authentication.client

    @bp.record_once
    def register(state) -> None:
        state.app.extensions[EXTENSION] = authentication

    @bp.get("/connexion")
    def login():
        wanted = session.get("acr_wanted")
        extra = {"acr_values": wanted} if wanted == SECOND_FACTOR else {}
        try:
            return client.authorize_redirect(settings.callback_url, **extra)
        except (AuthlibBaseError, OSError, ValueError) as error:
            log.warning("identity provider unreachable at login: %s", error)
            return error_page(
                503,
                "Connexion impossible",
                "Le service de connexion Hariane PRO est momentanément indisponible. "
                "Veuillez réessayer dans quelques instants.",
            )

    @bp.get("/auth/callback")
    def callback():
        if "error" in request.args:
            log.info("login refused by the identity provider: %s", request.args.get("error"))
            return error_page(400, "Connexion impossible", LOGIN_FAILED)
        try:
            started = authentication.start(client.authorize_access_token())
        except (AuthlibBaseError, InvalidIdToken, OSError, ValueError, KeyError) as error:
            log.warning("login callback rejected: %s: %s", type(error).__name__, error)
            return error_page(400, "Connexion impossible", LOGIN_FAILED)
        after_login = session.pop("after_login", None)
        wanted = session.pop("acr_wanted", None)
        session.clear()
        session["key"] = started.key
        log.info("login: user %s, %d concessions", started.sub, len(started.identity["concessions"]))
        if wanted and started.identity["acr"] != wanted:
            # the realm answered with a lower level (e.g. the user has just enrolled a factor):
            # never loop back to the realm by itself; the page says what to do
            log.info("login of %s at acr %r, %r was asked", started.sub, started.identity["acr"], wanted)
            return error_page(403, "Second facteur nécessaire", STEP_UP_NOT_DONE)
        return redirect(after_login or url_for("pages.home"))

    @bp.post("/deconnexion")
    def logout():
        live = current_session()
        id_token = live.tokens.id_token if live else None
        if live:
            authentication.store.delete(live.key)
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

    @bp.post("/auth/backchannel-logout")
    def backchannel_logout():
        """The realm ends sessions here (server to server): 200 once they are gone."""
        try:
            subject = authentication.validator.validate_logout_token(request.form.get("logout_token", ""))
        except InvalidIdToken as error:
            log.warning("back-channel logout refused: %s", error)
            return {"error": "invalid_request", "error_description": "invalid logout token"}, 400, NO_STORE
        ended = authentication.store.end(sid=subject.sid, sub=subject.sub)
        log.info("back-channel logout: sid %s, sub %s, %d sessions ended", subject.sid, subject.sub, ended)
        return "", 200, NO_STORE

    return bp
