"""Access to the running application's settings and database engine."""

import sqlalchemy as sa
from flask import current_app

from portal_adapter import db
from portal_adapter.config import Settings


def current_settings() -> Settings:
    return current_app.extensions["hariane_settings"]


def current_engine() -> sa.Engine:
    """The adapter's database engine: one per process (its pool is shared by the threads)."""
    if "hariane_engine" not in current_app.extensions:
        current_app.extensions["hariane_engine"] = db.make_engine(current_settings().database_url)
    return current_app.extensions["hariane_engine"]
