"""The adapter's administration of the realm, as its own service account (python-keycloak).

The service account ``portal-adapter`` holds only the realm-management roles listed in
``realm-config/README.md``; nothing here uses the master realm.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

if TYPE_CHECKING:  # the settings' shape only: the identity room sits below the configuration
    from portal_adapter.config import Settings


@functools.lru_cache(maxsize=4)
def service_account_admin(settings: Settings) -> KeycloakAdmin:
    """A python-keycloak admin client authenticated by client credentials, one per process:
    its token is reused until python-keycloak refreshes it (before it expires), instead of a
    client-credentials grant per request."""
    connection = KeycloakOpenIDConnection(
        server_url=settings.keycloak_url,
        realm_name=settings.realm,
        user_realm_name=settings.realm,
        client_id=settings.adapter_client_id,
        client_secret_key=settings.adapter_client_secret,
        timeout=settings.http_timeout_seconds,
        verify=True,
    )
    return KeycloakAdmin(connection=connection)
