"""Demo data for the local stack: users provisioned through Keycloak's admin REST API."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


# The demo administrator's structure (in the offline register sample) and the concession
# accounts of the demo legacy registry (labels and codes are given in the README).
DEMO_STRUCTURE_SIRET = "81234567600017"
DEMO_STRUCTURE_NAME = "RESEAUX NORMANDS TRAVAUX"
DEMO_REGISTRY = Path(__file__).with_name("demo_registry.csv")


def master_admin(server_url: str, username: str, password: str, realm: str) -> KeycloakAdmin:
    """An admin client logged into the master realm, working on ``realm``."""
    connection = KeycloakOpenIDConnection(
        server_url=server_url,
        username=username,
        password=password,
        realm_name=realm,
        user_realm_name="master",
        client_id="admin-cli",
        verify=True,
    )
    return KeycloakAdmin(connection=connection)


def provision_user(admin: KeycloakAdmin, user: DemoUser, password: str) -> str:
    """Create ``user`` (or reset its password when it exists) in its profile group; returns its id."""
    user_id = admin.get_user_id(user.username)
    if user_id is None:
        user_id = admin.create_user(
            {
                "username": user.username,
                "firstName": user.first_name,
                "lastName": user.last_name,
                "email": user.email,
                "emailVerified": True,
                "enabled": True,
                "attributes": {"jobTitle": [user.job_title], "newsletterOptIn": ["false"]},
            }
        )
    admin.set_user_password(user_id, password, temporary=False)
    try:
        group = admin.get_group_by_path(f"/{user.profile}")
    except KeycloakGetError as error:
        raise RuntimeError(f"group /{user.profile} is missing from the realm") from error
    admin.group_user_add(user_id, group["id"])
    return user_id


def provision_structure(admin: KeycloakAdmin, siret: str, name: str) -> str:
    """The structure (a Keycloak organization keyed by its SIRET), as the registration creates
    it; returns its id (created when missing)."""
    existing = next((o for o in admin.get_organizations({"search": siret}) if o.get("alias") == siret), None)
    if existing:
        return existing["id"]
    return admin.create_organization(
        {
            "name": f"{name} ({siret})",
            "alias": siret,
            "enabled": True,
            "attributes": {"siret": [siret], "siren": [siret[:9]], "name": [name], "source": ["demo"]},
        }
    )


def join_structure(admin: KeycloakAdmin, user_id: str, organization_id: str, siret: str) -> None:
    """Make the user a member of the structure (and record its SIRET on the user)."""
    if not any(o["id"] == organization_id for o in admin.get_user_organizations(user_id)):
        admin.organization_user_add(user_id, organization_id)
    user = admin.get_user(user_id)
    user.setdefault("attributes", {})["structureSiret"] = [siret]
    admin.update_user(user_id, user)
