"""« Gestion des utilisateurs » lists every member of a big structure: the organization's
member listing is read page after page (the adapter once stopped at 500 members)."""

from __future__ import annotations

import uuid

import requests

from devstack.stack import REALM
from tests.support.accounts import login
from tests.support.structures import structure_member

MEMBERS = 501  # more than the old cut, besides the administrator


def _import_users(kc_admin, tag: str) -> list[tuple[str, str]]:
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
    connection = kc_admin.connection
    answer = requests.post(
        f"{connection.server_url}/admin/realms/{REALM}/partialImport",
        json={"ifResourceExists": "FAIL", "users": users},
        headers={"Authorization": f"Bearer {connection.token['access_token']}"},
        timeout=120,
    )
    assert answer.status_code == 200, answer.text[:300]
    return [(r["resourceName"], r["id"]) for r in answer.json()["results"]]


def test_a_structure_of_more_than_500_members_is_listed_whole(portal, kc_admin):
    administrator = structure_member(kc_admin)
    imported = _import_users(kc_admin, uuid.uuid4().hex[:6])
    for _, user_id in imported:
        kc_admin.organization_user_add(user_id, administrator.organization_id)
    browser = login(portal.url, administrator.username)
    page = browser.request("GET", f"{portal.url}/structure/utilisateurs")
    assert page.status_code == 200
    assert administrator.username in page.text
    missing = [username for username, _ in imported if username not in page.text]
    assert missing == [], f"{len(missing)} of {MEMBERS} members not listed, e.g. {missing[:3]}"
