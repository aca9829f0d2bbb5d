"""Browser security headers for every response (pages, static files, error pages), set by
flask-talisman in this one place. A relying application copying this reference app keeps
this module as it is: its only input is where the app and Keycloak are.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask_talisman import Talisman

from voirie_app.settings import Settings

# Browser features the pages do not use: denied to them and to any frame.
UNUSED_FEATURES = (
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


def keycloak_origin(settings: Settings) -> str:
    """Where browsers reach Keycloak: the logout form's redirect goes there."""
    parts = urlsplit(settings.keycloak_public_url or settings.keycloak_url)
    return f"{parts.scheme}://{parts.netloc}"


def init_app(app: Flask, settings: Settings) -> None:
    over_https = settings.base_url.startswith("https://")
    Talisman(
        app,
        # nothing inline, nothing from another origin, never framed; forms post here (and
        # their redirects, which browsers check too, may reach Keycloak)
        content_security_policy={
            "default-src": "'self'",
            "object-src": "'none'",
            "base-uri": "'none'",
            "frame-ancestors": "'none'",
            "form-action": f"'self' {keycloak_origin(settings)}",
        },
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={name: "()" for name in UNUSED_FEATURES},
        feature_policy={},
        strict_transport_security=over_https,  # HSTS only when served over https
        force_https=False,  # the TLS-terminating proxy redirects to https; health probes come over http
        session_cookie_secure=over_https,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
