"""The Flask application factory."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal_adapter.account import views as account
from portal_adapter.backoffice import views as backoffice
from portal_adapter.concessions import views as concessions
from portal_adapter.config import Settings
from portal_adapter.dashboard import views as dashboard
from portal_adapter.join_requests import api as join_requests_api
from portal_adapter.join_requests import views as join_requests
from portal_adapter.legal import views as legal
from portal_adapter.members import views as members
from portal_adapter.notices import api as notices_api
from portal_adapter.sirene import api
from portal_adapter.web import auth, error_pages, health
from portal_adapter.web.csrf import csrf
from portal_adapter.web.log_safety import configure as configure_logging
from portal_adapter.web.security_headers import init_app as send_security_headers


def create_app(settings: Settings | None = None) -> Flask:
    """Build the portal adapter; ``settings`` default to the environment's."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="hariane_portal",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=settings.env == "test",
    )
    app.extensions["hariane_settings"] = settings
    configure_logging(logging.INFO)

    send_security_headers(app, settings)
    csrf.init_app(app)
    auth.init_app(app, settings)
    error_pages.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(members.activation_bp)
    app.register_blueprint(members.bp)
    app.register_blueprint(concessions.bp)
    app.register_blueprint(backoffice.bp)
    app.register_blueprint(legal.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(join_requests.public_bp)
    app.register_blueprint(join_requests.admin_bp)
    app.register_blueprint(join_requests.agents_bp)
    if settings.trusted_proxies:
        # the client address (lockout counters) from X-Forwarded-For, as far as trusted proxies go
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    api.init_app(app)
    notices_api.init_app(app)
    join_requests_api.init_app(app)

    @app.template_filter("date_fr")
    def date_fr(epoch: float) -> str:
        """An instant as metropolis users read it (Paris time)."""
        return datetime.fromtimestamp(epoch, ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H:%M")

    @app.context_processor
    def site_context() -> dict:
        return {
            "environment_banner": settings.environment_banner,
            "help_url": settings.help_url,
            "demarches": dashboard.demarches_menu(),
        }

    return app
