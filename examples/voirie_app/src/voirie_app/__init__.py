"""Reference relying application « Démarches Voirie » (Flask + authlib, client ``voirie``).

It learns who the user is — structure, profile, linked concession accounts — from the
validated ID token alone (``tokens.py``), read again whenever the access token expires, in
a server-side session the realm can end by back-channel logout (``auth.py``); it keeps its
own road-opening authorisation requests (``store.py``) and checks them with pure rules
(``rules.py``). « Factures » shows profile gating: privileged and admin profiles only.
"""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask
from flask_wtf.csrf import CSRFProtect

from voirie_app import errors, french_dates
from voirie_app.auth import Authentication, auth_blueprint, current_user
from voirie_app.demandes import demandes_blueprint
from voirie_app.log_safety import configure_logging
from voirie_app.login_sessions import SessionStore
from voirie_app.pages import bp as pages_bp
from voirie_app.security_headers import init_app as send_security_headers
from voirie_app.settings import REALM, Settings
from voirie_app.store import RequestStore
from voirie_app.tokens import IdTokenValidator, RealmKeys, http_json

MAX_FORM_BYTES = 64 * 1024


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="voirie",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        MAX_CONTENT_LENGTH=MAX_FORM_BYTES,
    )
    configure_logging()
    send_security_headers(app, settings)
    csrf = CSRFProtect(app)
    csrf.exempt("voirie_app.auth.backchannel_logout")  # server to server: the logout token is the proof
    errors.init_app(app)

    store = RequestStore(settings.database_path)
    store.initialize()
    if settings.demo_requests is not None:
        store.seed(settings.demo_requests)
    sessions = SessionStore(settings.database_path)
    sessions.initialize()

    oauth = OAuth(app)
    client = oauth.register(
        REALM,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.metadata_url,
        client_kwargs={
            "scope": "openid profile email",
            "code_challenge_method": "S256",
            "timeout": settings.http_timeout_seconds,
        },
    )
    validator = IdTokenValidator(
        issuer=settings.issuer,
        audience=settings.client_id,
        keys=RealmKeys(settings.metadata_url, http_json(settings.http_timeout_seconds)),
    )
    app.register_blueprint(auth_blueprint(settings, Authentication(client, validator, sessions)))
    app.register_blueprint(pages_bp)
    app.register_blueprint(demandes_blueprint(store))

    app.add_template_filter(french_dates.short_date, "date_courte")
    app.add_template_filter(french_dates.local_timestamp, "horodatage")

    @app.context_processor
    def layout_values():
        return {"user": current_user(), "portal_dashboard_url": settings.portal_dashboard_url}

    return app
