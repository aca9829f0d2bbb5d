"""Access to the running application's settings."""

from flask import current_app

from portal_adapter.config import Settings


def current_settings() -> Settings:
    return current_app.extensions["hariane_settings"]
