"""The adapter's API for the Keycloak extension's security events (authenticated like every
``/api/*`` call: the shared secret or a realm token of an allowed client):

- ``POST /api/notices/events``: a change made in Keycloak (password, second factor, e-mail
  address), posted by the extension's event listener after its commit: 202, the e-mail goes
  in the background;
- ``POST /api/notices/allowance``: may a password-reset e-mail go to this address, asked from
  this client address? ``{"allowed": true|false}``, the request recorded by the throttle.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, jsonify, request

from portal_adapter.notices.email_gate import EmailGate
from portal_adapter.notices.messages import FACTOR_LABELS
from portal_adapter.notices.service import SecurityNotices
from portal_adapter.runtime import current_engine, current_settings
from portal_adapter.web.api_auth import refuse_unknown_callers
from portal_adapter.web.csrf import csrf

log = logging.getLogger(__name__)
bp = Blueprint("notices_api", __name__, url_prefix="/api/notices")
KEYCLOAK_KINDS = frozenset({"password_changed", "factor_added", "factor_removed", "email_changed"})
FIELD_LENGTH = 320


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)


def _error(status: int, code: str, message: str):
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


bp.before_request(refuse_unknown_callers)


def _fields(*names: str) -> dict[str, str] | None:
    """The JSON body's string fields (empty when absent); None when the body is not such an object."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    values = {name: body.get(name) or "" for name in names}
    if any(not isinstance(v, str) or len(v) > FIELD_LENGTH for v in values.values()):
        return None
    return {name: value.strip() for name, value in values.items()}


@bp.post("/events")
def event():
    fields = _fields("kind", "email", "previous_email", "username", "factor", "client")
    if fields is None or fields["kind"] not in KEYCLOAK_KINDS or "@" not in fields["email"]:
        return _error(400, "invalid_event", "Événement incomplet ou inconnu.")
    recipients = [fields["email"]]
    if fields["kind"] == "email_changed":
        recipients.append(fields["previous_email"])
    facts = {
        "username": fields["username"],
        "factor": FACTOR_LABELS.get(fields["factor"], "autre moyen"),
        "previous_email": fields["previous_email"],
        "new_email": fields["email"],
    }
    SecurityNotices(current_settings(), current_engine(), fields["client"][:64]).send(fields["kind"], recipients, facts)
    return jsonify(accepted=True), 202


@bp.post("/allowance")
def allowance():
    fields = _fields("action", "address", "client")
    if fields is None or fields["action"] != "password_reset" or not fields["address"]:
        return _error(400, "invalid_request", "Demande incomplète.")
    decision = EmailGate(current_engine(), current_settings()).request(
        "password_reset", fields["address"], fields["client"][:64], "Mot de passe oublié"
    )
    return jsonify(allowed=decision.allowed)
