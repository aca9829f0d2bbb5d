"""« Gestion des utilisateurs » lists every member of a big structure: the organization's
member listing is read page after page (the adapter once stopped at 500 members)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from bench.population import AdminToken
from devstack.stack import REALM
from tests.support.accounts import login
from tests.support.structures import structure_member

MEMBERS = 501  # more than the old cut, besides the administrator


def _import_users(server_url: str, token: AdminToken, tag: str) -> list[tuple[str, str]]:
    """MEMBERS standard users in one partial import (fast); (username, id) pairs."""
    users = [
        {
            "username": f"pro.liste-{tag}.membre{n}",
            "firstName": "Liste",
            "lastName": f"Membre{n}",
            "email": f"liste.{tag}.{n}@reseaux-test.test",
            "emailVerified": True,
            "enabled": True,
            "groups": ["/standard"],
        }
        for n in range(MEMBERS)
    ]
    answer = requests.post(
        f"{server_url}/admin/realms/{REALM}/partialImport",
        json={"ifResourceExists": "FAIL", "users": users},
        headers={"Authorization": f"Bearer {token()}"},
        timeout=120,
    )
    assert answer.status_code == 200, answer.text[:300]
    return [(r["resourceName"], r["id"]) for r in answer.json()["results"]]


def _join(server_url: str, token: AdminToken, organization_id: str, user_id: str) -> None:
    answer = requests.post(
        f"{server_url}/admin/realms/{REALM}/organizations/{organization_id}/members",
        json=user_id,
        headers={"Authorization": f"Bearer {token()}"},
        timeout=60,
    )
    assert answer.status_code == 201, answer.text[:300]


def test_a_structure_of_more_than_500_members_is_listed_whole(portal, keycloak, kc_admin, secrets):
    administrator = structure_member(kc_admin)
    token = AdminToken(keycloak.url, secrets["KEYCLOAK_ADMIN_PASSWORD"])  # fetched again before it expires
    imported = _import_users(keycloak.url, token, uuid.uuid4().hex[:6])
    with ThreadPoolExecutor(4) as pool:  # one request per member, 4 at a time
        list(pool.map(lambda pair: _join(keycloak.url, token, administrator.organization_id, pair[1]), imported))
    browser = login(portal.url, administrator.username)
    page = browser.request("GET", f"{portal.url}/structure/utilisateurs")
    assert page.status_code == 200
    assert administrator.username in page.text
    missing = [username for username, _ in imported if username not in page.text]
    assert missing == [], f"{len(missing)} of {MEMBERS} members not listed, e.g. {missing[:3]}"
