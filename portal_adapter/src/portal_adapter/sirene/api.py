"""The adapter's HTTP API for the Keycloak extension: ``GET /api/structures/{siret}``.

Errors are JSON ``{"error": {"code", "message"}}`` with a stable code and a French message.
"""

from __future__ import annotations

import logging
from importlib import resources

from flask import Blueprint, Flask, current_app, jsonify, request

from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.sirene.errors import CLOSED_CODE, CLOSED_MESSAGE, LookupFailed, RegisterRateLimited
from portal_adapter.sirene.lookup import StructureLookup
from portal_adapter.sirene.siret import InvalidSiret
from portal_adapter.sirene.wiring import build_structure_lookup
from portal_adapter.web.api_auth import refuse_unknown_callers
from portal_adapter.web.csrf import csrf

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api")


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)


def _lookup() -> StructureLookup:
    ext = current_app.extensions
    if "hariane_lookup" not in ext:
        ext["hariane_lookup"] = build_structure_lookup(current_settings(), current_engine())
    return ext["hariane_lookup"]


def error(status: int, code: str, message: str, **extra):
    response = jsonify(error={"code": code, "message": message, **extra})
    response.status_code = status
    return response


@bp.before_request
def authenticate():
    if request.endpoint == "api.openapi":
        return None
    return refuse_unknown_callers()


@bp.get("/structures/<path:siret>")
def structure(siret: str):
    """The normalised record of an establishment, by SIRET."""
    try:
        record = _lookup().lookup(siret)
    except InvalidSiret as invalid:
        return error(400, invalid.code, invalid.message)
    except RegisterRateLimited as limited:
        response = error(429, limited.code, limited.message)
        response.headers["Retry-After"] = str(max(1, round(limited.retry_after)))
        return response
    except LookupFailed as failed:
        return error(failed.status, failed.code, failed.message)
    if not record.active:
        return error(422, CLOSED_CODE, CLOSED_MESSAGE, structure=record.to_json())
    return jsonify(record.to_json())


@bp.get("/openapi.json")
def openapi():
    """The API's OpenAPI description (public)."""
    text = resources.files("portal_adapter.sirene").joinpath("openapi.json").read_text(encoding="utf-8")
    return current_app.response_class(text, mimetype="application/json")
