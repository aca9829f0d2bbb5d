"""Structures and their members made quickly through the admin REST API (as the registration
would leave them), for tests where the registration journey itself is not the subject."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from devstack.demo import DemoUser, join_structure, provision_structure, provision_user
from tests.support.accounts import PASSWORD
from tests.support.registration_http import synthetic_siret


@dataclass(frozen=True)
class Member:
    username: str
    user_id: str
    organization_id: str
    siret: str


def structure_member(kc_admin, siret: str | None = None, profile: str = "admin", username: str = "") -> Member:
    """A user with ``profile`` in the structure ``siret`` (a new one by default); password PASSWORD."""
    siret = siret or synthetic_siret()
    organization_id = provision_structure(kc_admin, siret, f"TEST RESEAUX {siret[-6:]}")
    suffix = uuid.uuid4().hex[:8]
    user = DemoUser(
        username=username or f"pro.test-{suffix}.lien",
        first_name="Lou",
        last_name=f"Lien-{suffix}",
        email=f"lou.{suffix}@reseaux-test.test",
        job_title="Chargée d'affaires",
        profile=profile,
    )
    user_id = provision_user(kc_admin, user, PASSWORD)
    join_structure(kc_admin, user_id, organization_id, siret)
    return Member(user.username, user_id, organization_id, siret)
