"""OIDC login and logout against the realm, through authlib (authorization code + PKCE S256),
and the back-channel logout the realm sends when it ends a session.

authlib validates the ID token: signature against the realm's JWKS, issuer, audience,
expiry and nonce. The session keeps the user's identity, the ID token (for logout) and the
key of its server-side row (``login_sessions``): a request whose row is gone — the realm
ended that session: logout elsewhere, disabled or removed member — is anonymous again.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode, urlsplit

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for

from portal_adapter.config import Settings
from portal_adapter.identity.names import CLAIM_PROFILE, CLAIM_ROLES, CLAIM_STRUCTURE
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web import logout_token, step_up
from portal_adapter.web.csrf import csrf
from portal_adapter.web.login_sessions import (
    close_session,
    end_sessions,
    is_live,
    open_session,
    record_authentication,
)
from portal_adapter.web.step_up_rules import (
    REAUTHENTICATION_MAX_AGE_SECONDS,
    SECOND_FACTOR_ACR,
    STEP_UP_MAX_AGE_SECONDS,
    Refusal,
    reauthentication_refusal,
    step_up_refusal,
)

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
MIN_JWKS_REFETCH_SECONDS = 10.0  # tokens naming unknown keys cannot make us hammer Keycloak
_jwks_refetched_at = [float("-inf")]
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
    step_up.init_app(app)
    csrf.exempt(backchannel_logout)  # server to server: the signed logout token is the proof


@bp.before_app_request
def end_revoked_session() -> None:
    """A session whose server-side row is gone (ended by the realm) is anonymous again."""
    if "user" not in session:
        return
    key = session.get("key")
    if not isinstance(key, str) or not is_live(current_engine(), key):
        log.info("session of %s ended by the realm: signed out", session["user"].get("sub"))
        session.clear()


def local_destination(value: object) -> str | None:
    """``value`` when it is a path of the portal itself (where to go after login); None for
    anything a browser could read as another site (``//host``, ``/\\host``, a scheme)."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


@bp.get("/connexion")
def login():
    """Through Keycloak's login; ``?niveau=mfa`` asks for the second-factor level (the agents'
    pages, once a login ended without the factor: an enrolment)."""
    asked = {"acr_values": SECOND_FACTOR_ACR} if request.args.get("niveau") == SECOND_FACTOR_ACR else {}
    try:
        return oauth.keycloak.authorize_redirect(current_settings().callback_url, **asked)
    except (AuthlibBaseError, OSError) as error:
        log.warning("identity provider unreachable at login: %s", error)
        return render_template("web/connexion_impossible.html"), 503


@bp.get("/auth/second-facteur", endpoint="step_up")
def step_up_start():
    """Through Keycloak again, asking for the second-factor level. ``acr_values=mfa`` alone:
    the realm's LoA-2 condition (max age 900 s) re-asks only the factor when it is older;
    ``max_age`` or ``prompt=login`` would make Keycloak ask the password again too — which is
    what a submission confirmed with the password asks for (``prompt=login``)."""
    pending = step_up.pending_step_up()
    if pending is None:
        return redirect(url_for("pages.dashboard"))
    if step_up.asks_password(pending):
        asked = {"prompt": "login", "login_hint": session["user"].get("username") or ""}
    else:
        asked = {"acr_values": SECOND_FACTOR_ACR}
    try:
        return oauth.keycloak.authorize_redirect(current_settings().callback_url, **asked)
    except (AuthlibBaseError, OSError) as error:
        log.warning("identity provider unreachable at step-up: %s", error)
        return redirect(step_up.refused(pending))


@bp.get("/auth/callback")
def callback():
    pending = step_up.pending_step_up()
    if "error" in request.args:
        log.info("login refused by the identity provider: %s", request.args.get("error"))
        if pending is not None:
            return redirect(step_up.refused(pending))
        return render_template("web/connexion_impossible.html"), 400
    try:
        token = oauth.keycloak.authorize_access_token()
    except (AuthlibBaseError, OSError, ValueError) as error:
        log.warning("login callback rejected: %s", error)
        if pending is not None:
            return redirect(step_up.refused(pending))
        return render_template("web/connexion_impossible.html"), 400
    claims = token.get("userinfo") or {}
    if pending is not None:
        return _step_up_answer(pending, token, claims)
    after_login = local_destination(session.get("after_login"))
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
    sid = claims.get("sid") if isinstance(claims.get("sid"), str) else None
    session["key"] = open_session(
        current_engine(), claims.get("sub"), sid, acr=claims.get("acr"), auth_time=claims.get("auth_time")
    )
    log.info("login: user %s", claims.get("sub"))
    return redirect(after_login or url_for("pages.dashboard"))


def _step_up_answer(pending: dict, token: dict, claims: dict):
    """The ID token of a step-up: the same person, second factor, presented just now."""
    user = session["user"]
    if step_up.asks_password(pending):
        refusal = reauthentication_refusal(claims, user["sub"], time.time(), REAUTHENTICATION_MAX_AGE_SECONDS)
    else:
        refusal = step_up_refusal(claims, user["sub"], time.time(), STEP_UP_MAX_AGE_SECONDS)
    if refusal is Refusal.OTHER_USER:
        # Someone else signed in to Keycloak in this browser meanwhile: this portal session ends.
        log.warning("step-up of %s answered for another user: portal session ended", user["sub"])
        step_up.refused(pending)
        if isinstance(session.get("key"), str):
            close_session(current_engine(), session["key"])
        session.clear()
        return render_template("web/connexion_impossible.html"), 400
    if refusal is not None:
        log.info("step-up of %s refused: %s (acr %s)", user["sub"], refusal.value, claims.get("acr"))
        return redirect(step_up.refused(pending))
    sid = claims.get("sid") if isinstance(claims.get("sid"), str) else None
    record_authentication(current_engine(), session["key"], claims.get("acr"), claims.get("auth_time"), sid)
    session["id_token"] = token.get("id_token")
    log.info("step-up of %s passed (%s)", user["sub"], pending["action"])
    return redirect(step_up.passed(pending))


@bp.post("/deconnexion")
def logout():
    settings = current_settings()
    id_token = session.get("id_token")
    if isinstance(session.get("key"), str):
        close_session(current_engine(), session["key"])
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


@bp.post("/auth/backchannel-logout")
def backchannel_logout():
    """The realm ends sessions here, server to server (OpenID Connect Back-Channel Logout 1.0):
    200 once the sessions the logout token names are gone, 400 for any other token."""
    settings = current_settings()
    raw = request.form.get("logout_token", "")
    no_store = {"Cache-Control": "no-store"}
    try:
        try:
            subject = _validated(raw, oauth.keycloak.fetch_jwk_set(), settings)
        except logout_token.UnknownSigningKey:
            if time.monotonic() - _jwks_refetched_at[0] < MIN_JWKS_REFETCH_SECONDS:
                raise
            _jwks_refetched_at[0] = time.monotonic()
            subject = _validated(raw, oauth.keycloak.fetch_jwk_set(force=True), settings)  # the key rotated
    except logout_token.InvalidLogoutToken as error:
        log.warning("back-channel logout refused: %s", error)
        return {"error": "invalid_request", "error_description": "invalid logout token"}, 400, no_store
    except (AuthlibBaseError, OSError, ValueError) as error:
        log.warning("back-channel logout: the realm's keys are unavailable: %s", error)
        return {"error": "temporarily_unavailable"}, 503, no_store
    ended = end_sessions(current_engine(), subject.sid, subject.sub)
    log.info("back-channel logout: sid %s, sub %s, %d sessions ended", subject.sid, subject.sub, ended)
    return "", 200, no_store


def _validated(raw: str, jwks: dict, settings: Settings) -> logout_token.LogoutSubject:
    return logout_token.validate(raw, jwks, issuer=settings.issuer, audience=settings.portal_client_id, now=time.time())
