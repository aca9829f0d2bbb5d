"""Demo data for the local stack: users provisioned through Keycloak's admin REST API."""

from __future__ import annotations

from dataclasses import dataclass

from keycloak import KeycloakAdmin, KeycloakOpenIDConnection
from keycloak.exceptions import KeycloakGetError


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    profile: str


DEMO_ADMIN = DemoUser(
    username="pro.camille.martin",
    first_name="Camille",
    last_name="Martin",
    email="camille.martin@exemple-reseaux.test",
    job_title="Responsable des travaux",
    profile="admin",
)


def master_admin(server_url: str, username: str, password: str, realm: str) -> KeycloakAdmin:
    """An admin client logged into the master realm, working on ``realm``."""
    connection = KeycloakOpenIDConnection(
        server_url=server_url, username=username, password=password,
        realm_name=realm, user_realm_name="master", client_id="admin-cli", verify=True,
    )
    return KeycloakAdmin(connection=connection)


def provision_user(admin: KeycloakAdmin, user: DemoUser, password: str) -> str:
    """Create ``user`` (or reset its password when it exists) in its profile group; returns its id."""
    user_id = admin.get_user_id(user.username)
    if user_id is None:
        user_id = admin.create_user({
            "username": user.username,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "email": user.email,
            "emailVerified": True,
            "enabled": True,
            "attributes": {"jobTitle": [user.job_title], "newsletterOptIn": ["false"]},
        })
    admin.set_user_password(user_id, password, temporary=False)
    try:
        group = admin.get_group_by_path(f"/{user.profile}")
    except KeycloakGetError as error:
        raise RuntimeError(f"group /{user.profile} is missing from the realm") from error
    admin.group_user_add(user_id, group["id"])
    return user_id
