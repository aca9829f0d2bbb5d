"""« Gestion des utilisateurs » lists every member of a big structure, read page after page
(the adapter once stopped at 500 members), from the extension's member listing, which gives each
member's profile in the same call and only to a caller allowed to view users and organizations
(docs/user-management.md)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from bench.population import AdminToken
from devstack.stack import REALM
from tests.support.accounts import login
from tests.support.oidc_http import code_flow_tokens
from tests.support.structures import structure_member

ACCOUNT_CONSOLE = "account-console"

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


def test_the_member_listing_gives_profiles_to_the_adapter_alone(keycloak, kc_admin, adapter_admin):
    administrator = structure_member(kc_admin)
    colleague = structure_member(kc_admin, administrator.siret, profile="standard")
    kc_admin.update_user(colleague.user_id, {"enabled": False})
    path = f"realms/{REALM}/hariane/structures/{administrator.organization_id}/members"
    adapter = adapter_admin
    answer = adapter.connection.raw_get(path)  # the permitted call first
    assert answer.status_code == 200
    listed = {m["username"]: (m["profile"], m["enabled"]) for m in answer.json()}
    assert listed == {administrator.username: ("admin", True), colleague.username: ("standard", False)}
    assert len(adapter.connection.raw_get(path, first=1, max=1).json()) == 1
    assert adapter.connection.raw_get(f"realms/{REALM}/hariane/structures/no-such-id/members").status_code == 404

    # The structure's own administrator, with a token of the realm, is not the adapter.
    redirect = f"{keycloak.url}/realms/{REALM}/account/"
    token = code_flow_tokens(keycloak.url, ACCOUNT_CONSOLE, redirect, administrator.username)["access_token"]
    as_member = requests.get(f"{keycloak.url}/{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert as_member.status_code == 403
    assert requests.get(f"{keycloak.url}/{path}", timeout=10).status_code == 401
