"""The portal's browser security headers, set by flask-talisman on every response.

Every page, static file, API answer and error page (403, 404, 405, 500, « Formulaire
expiré ») gets the same headers: Talisman's ``after_request`` runs on error responses too.
docs/security-headers.md says why each one is there.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask_talisman import Talisman

from portal_adapter.config import Settings

# Browser features no page of the portal uses: denied to the page and to any frame.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "clipboard-write",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "storage-access",
    "sync-xhr",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, as CSP source expressions want it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(settings: Settings) -> dict[str, str]:
    """Nothing inline, nothing from elsewhere; forms only to the portal and to Keycloak
    (logout redirects there, and browsers check form-action on a form's redirects)."""
    return {
        "default-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": f"'self' {origin(settings.public_keycloak_url)}",
    }


def init_app(app: Flask, settings: Settings) -> None:
    https = settings.base_url.startswith("https://")
    Talisman(
        app,
        content_security_policy=content_security_policy(settings),
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={feature: "()" for feature in DENIED_FEATURES},
        feature_policy={},
        # HSTS on responses served over https (or through a proxy that terminated TLS) when the
        # portal's URL is https; never a redirect to https here: the TLS-terminating proxy does
        # that, and health probes reach the adapter over plain http behind it
        strict_transport_security=https,
        force_https=False,
        # the session cookie stays as the app factory set it
        session_cookie_secure=settings.secure_cookies,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
