"""Health endpoints for orchestrators: liveness and readiness (Keycloak reachable)."""

from __future__ import annotations

import logging

import requests
from flask import Blueprint, jsonify

from portal_adapter.runtime import current_settings

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__, url_prefix="/health")


@bp.get("")
def live():
    return jsonify(status="UP")


@bp.get("/ready")
def ready():
    settings = current_settings()
    try:
        response = requests.get(settings.metadata_url, timeout=settings.http_timeout_seconds)
        keycloak_up = response.status_code == 200
    except requests.RequestException as error:
        log.warning("readiness: Keycloak unreachable: %s", error)
        keycloak_up = False
    status = "UP" if keycloak_up else "DOWN"
    return jsonify(status=status, checks={"keycloak": status}), 200 if keycloak_up else 503
