"""« Recevoir un nouveau lien d'activation »: a new activation e-mail for an account whose
activation is still pending. The answer never says whether an identifier or e-mail exists:
the lookup and the sending happen after the response, in the background, and the throttle
(docs/throttles.md) may silently send nothing: the page is the same whatever happens."""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from keycloak.exceptions import KeycloakError

from portal_adapter.config import Settings
from portal_adapter.identity.keycloak_admin import service_account_admin
from portal_adapter.identity.names import ACTIVATION_ACTION
from portal_adapter.notices.email_gate import EmailGate

log = logging.getLogger(__name__)

ACTIVATION_LIFESPAN_SECONDS = 72 * 3600


def resend_activation(settings: Settings, identifier_or_email: str, engine: sa.Engine, client: str) -> bool:
    """Send a new activation e-mail when a pending account matches and the throttle lets it go
    (per address and per ``client`` address); True when one was sent."""
    admin = service_account_admin(settings)
    key = "email" if "@" in identifier_or_email else "username"
    users = admin.get_users({key: identifier_or_email.strip().lower(), "exact": True, "max": 2})
    if len(users) != 1:
        return False
    user = users[0]
    if not user.get("enabled") or ACTIVATION_ACTION not in (user.get("requiredActions") or []):
        return False
    gate = EmailGate(engine, settings)
    if not gate.request(
        "activation_link", user.get("email") or user["id"], client, "nouveau lien d'activation"
    ).allowed:
        return False
    admin.send_update_account(
        user_id=user["id"],
        payload=[ACTIVATION_ACTION],
        lifespan=ACTIVATION_LIFESPAN_SECONDS,
        client_id=settings.portal_client_id,
        redirect_uri=f"{settings.base_url}/",
    )
    log.info("activation e-mail sent again to user %s", user["id"])
    return True


def resend_in_background(settings: Settings, value: str, engine: sa.Engine, client: str) -> None:
    """:func:`resend_activation` after the response: its answer and timing say nothing."""

    def job() -> None:
        try:
            resend_activation(settings, value, engine, client)
        except (KeycloakError, OSError, sa.exc.SQLAlchemyError) as error:
            log.warning("new activation link not sent: %s", error)

    threading.Thread(target=job, daemon=True).start()
