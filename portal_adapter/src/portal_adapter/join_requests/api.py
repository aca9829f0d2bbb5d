"""The adapter's API for the Keycloak extension's ProConnect first login (authenticated like every
``/api/*`` call: the shared secret or a realm token of an allowed client):

- ``POST /api/join-requests/verified``: file a join request for a person whose address ProConnect
  verified (no confirmation link), with the person's ProConnect identity (``idp_user_id`` = its
  ``sub``, ``idp_username``) and CGU acceptance (``cgu_version``, ``cgu_sha256``,
  ``cgu_accepted_at``) for the account made at acceptance; ``{"state": "pending" | "escalated" | …}``, the state of the
  request filed or of the live one this address already had for the structure; 409 when nothing
  was filed (unknown structure, a limit reached).
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request
from keycloak.exceptions import KeycloakError

from portal_adapter.join_requests.current import join_requests
from portal_adapter.join_requests.model import join_requests as join_requests_table
from portal_adapter.join_requests.rules import validate_request
from portal_adapter.join_requests.service import IDENTITY_COLUMNS
from portal_adapter.sirene.siret import InvalidSiret, validate
from portal_adapter.web.api_auth import refuse_unknown_callers
from portal_adapter.web.csrf import csrf

bp = Blueprint("join_requests_api", __name__, url_prefix="/api/join-requests")
FIELDS = ("siret", "first_name", "last_name", "email", "job_title", "client", *IDENTITY_COLUMNS)
FIELD_LENGTH = 320


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)


bp.before_request(refuse_unknown_callers)


def _error(status: int, code: str, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


@bp.post("/verified")
def verified():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "invalid_request", "Demande incomplète.")
    fields = {name: body.get(name) or "" for name in FIELDS}
    if any(not isinstance(value, str) or len(value) > FIELD_LENGTH for value in fields.values()):
        return _error(400, "invalid_request", "Demande incomplète.")
    fields = {name: value.strip() for name, value in fields.items()}
    if any(len(fields[name]) > join_requests_table.c[name].type.length for name in IDENTITY_COLUMNS):
        return _error(400, "invalid_request", "Demande incomplète.")
    errors = validate_request(fields["first_name"], fields["last_name"], fields["email"], fields["job_title"], "")
    try:
        siret = validate(fields["siret"])
    except InvalidSiret as invalid:
        errors = {"siret": invalid.message, **errors}
    if errors:
        return _error(400, "invalid_request", " ".join(errors.values()))
    try:
        state = join_requests().file_verified(
            siret,
            fields["first_name"],
            fields["last_name"],
            fields["email"],
            fields["job_title"],
            fields["client"][:64],
            identity={name: fields[name] for name in IDENTITY_COLUMNS},
        )
    except (KeycloakError, OSError):
        return _error(503, "unavailable", "Service momentanément indisponible.")
    if state is None:
        return _error(409, "not_filed", "Demande non transmise.")
    return jsonify(state=state), 201
