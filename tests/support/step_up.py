"""Members with a known authenticator-app secret (TOTP, codes from tests/support/second_factor.py), the
browser steps of a login with the second factor, and the two clocks of a step-up aged on
purpose: the portal's record of the last authentication and the realm's LoA-2 max age."""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from portal_adapter.db import login_sessions

from devstack.demo import join_structure, provision_structure
from tests.support.accounts import PASSWORD
from tests.support.browser_steps import keycloak_login
from tests.support.registration_http import synthetic_siret
from tests.support.second_factor import remember, totp_code

LOA_MFA_FLOW = "Hariane - second factor"  # the realm's level-2 subflow (its LoA condition: 900 s)


@dataclass(frozen=True)
class FactorMember:
    username: str
    user_id: str
    email: str
    first_name: str
    last_name: str
    organization_id: str
    siret: str


def user_with_totp(kc_admin, username: str, first: str, last: str, email: str, job_title: str) -> str:
    """A user with the test password and an authenticator app already enrolled (as Keycloak
    stores one: the raw secret, kept here for the codes); returns their id."""
    secret = uuid.uuid4().hex[:20]
    user_id = kc_admin.create_user(
        {
            "username": username,
            "firstName": first,
            "lastName": last,
            "email": email,
            "emailVerified": True,
            "enabled": True,
            "attributes": {"jobTitle": [job_title], "newsletterOptIn": ["false"]},
            "credentials": [
                {"type": "password", "value": PASSWORD, "temporary": False},
                {
                    "type": "otp",
                    "userLabel": "Application de test",
                    "secretData": json.dumps({"value": secret}),
                    "credentialData": json.dumps(
                        {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
                    ),
                },
            ],
        }
    )
    remember(username, secret)  # Keycloak's key is the raw secret's bytes
    return user_id


def member_with_totp(kc_admin, siret: str | None = None, profile: str = "admin", first: str = "Alix") -> FactorMember:
    """A member of ``siret`` (a new structure by default) with ``profile``, the test password
    and an authenticator app already enrolled."""
    siret = siret or synthetic_siret()
    organization_id = provision_structure(kc_admin, siret, f"TEST FACTEUR {siret[-6:]}")
    suffix = uuid.uuid4().hex[:8]
    username, last = f"pro.test-{suffix}.facteur", f"Facteur-{suffix}"
    email = f"{first.lower()}.{suffix}@facteur-test.test"
    user_id = user_with_totp(kc_admin, username, first, last, email, "Responsable des travaux")
    kc_admin.group_user_add(user_id, kc_admin.get_group_by_path(f"/{profile}")["id"])
    join_structure(kc_admin, user_id, organization_id, siret)
    return FactorMember(username, user_id, email, first, last, organization_id, siret)


def metropolis_agent(kc_admin, first: str = "Dominique") -> FactorMember:
    """A metropolis agent (realm role ``metropolis-agent``, profile group ``standard``, no
    structure) with the authenticator app the role requires already enrolled."""
    suffix = uuid.uuid4().hex[:8]
    username, last, email = f"agent.test-{suffix}", f"Voirie-{suffix}", f"{first.lower()}.{suffix}@lehavremetro.test"
    user_id = user_with_totp(kc_admin, username, first, last, email, "Agent du service Voirie")
    kc_admin.group_user_add(user_id, kc_admin.get_group_by_path("/standard")["id"])
    kc_admin.assign_realm_roles(user_id, [kc_admin.get_realm_role("metropolis-agent")])
    return FactorMember(username, user_id, email, first, last, "", "")


def enter_totp(page, member: FactorMember) -> None:
    """Type a code of the member's app on Keycloak's page (one Keycloak has not taken yet)."""
    page.locator("#otp").wait_for()
    page.locator("#otp").fill(totp_code(member.username))
    page.locator("#kc-login").click()


def login_with_factor(page, portal_url: str, member: FactorMember) -> None:
    page.goto(f"{portal_url}/connexion")
    keycloak_login(page, member.username, PASSWORD)  # the password, then the app's code
    page.wait_for_url("**/tableau-de-bord")


def age_last_authentication(portal, user_id: str, seconds: float) -> None:
    """The portal's record of this user's last authentication, ``seconds`` older."""
    engine = sa.create_engine(portal.env["PORTAL_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(
            sa.update(login_sessions)
            .where(login_sessions.c.sub == user_id)
            .values(auth_time=login_sessions.c.auth_time - seconds)
        )
    engine.dispose()


@contextlib.contextmanager
def realm_loa_mfa_max_age(kc_admin, seconds: int):
    """The realm's level-2 max age (900 s) shortened for a test, restored afterwards: Keycloak
    then re-asks the factor of a login older than ``seconds``, as it does after 15 minutes."""
    execution = next(
        e
        for e in kc_admin.get_authentication_flow_executions(LOA_MFA_FLOW)
        if e.get("providerId") == "conditional-level-of-authentication"
    )
    config = kc_admin.get_authenticator_config(execution["authenticationConfig"])
    original = dict(config["config"])
    kc_admin.update_authenticator_config({**config, "config": {**original, "loa-max-age": str(seconds)}}, config["id"])
    try:
        yield
    finally:
        kc_admin.update_authenticator_config({**config, "config": original}, config["id"])
