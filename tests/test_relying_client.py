"""A relying app registered the way docs/claims.md says (admin REST API, Keycloak's defaults)
receives the documented claims, nothing undocumented, and only profile roles; Debian's Apache
httpd with mod_auth_openidc, as such an app, hands the flat claims to its application."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from devstack import paths
from devstack.apache_rp import ECHOED_CLAIMS, ApacheRelyingParty
from devstack.ports import free_port
from devstack.stack import REALM
from tests.support.oidc_http import code_flow_tokens, payload, post_login_form
from tests.support.structures import structure_member

CLAIMS_DOC = paths.ROOT / "docs" / "claims.md"
EXAMPLE_APP = "https://travaux.example.fr"
LINKS = ["ECR-7002|GAZ DE NORMANDIE - SUD", "ECR-7001|EAU DU HAVRE - RESEAU NORD"]


def documented_claims() -> dict[str, set[str]]:
    """The claim names of each table of docs/claims.md's « Claims » section, by (sub)heading."""
    section = CLAIMS_DOC.read_text().split("## Claims (", 1)[1].split("\n## ", 1)[0]
    tables: dict[str, set[str]] = {}
    heading = "Claims"
    for line in section.splitlines():
        if line.startswith("### "):
            heading = line[4:].strip()
        elif line.startswith("| `"):
            tables.setdefault(heading, set()).update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return tables


def documented_registration(client_id: str, app_url: str, redirect_uri: str) -> dict:
    """docs/claims.md's worked example of a client, for this app."""
    section = CLAIMS_DOC.read_text().split("## Registering a relying app", 1)[1]
    example = re.search(r"```json\n(.*?)```", section, re.S).group(1)
    example = example.replace(f"{EXAMPLE_APP}/redirect_uri", redirect_uri).replace(EXAMPLE_APP, app_url)
    return json.loads(example) | {"clientId": client_id}


@pytest.fixture
def register_client(kc_admin):
    """Register clients as docs/claims.md says; answers (client id, secret); deleted afterwards."""
    created: list[str] = []

    def register(app_url: str, redirect_uri: str) -> tuple[str, str]:
        client_id = f"rp-{uuid.uuid4().hex[:8]}"
        internal = kc_admin.create_client(documented_registration(client_id, app_url, redirect_uri))
        created.append(internal)
        return client_id, kc_admin.get_client_secrets(internal)["value"]

    yield register
    for internal in created:
        kc_admin.delete_client(internal)


@pytest.fixture
def linked_admin(kc_admin):
    """A structure administrator whose structure has two linked concessions."""
    member = structure_member(kc_admin, profile="admin")
    organization = kc_admin.get_organization(member.organization_id)
    organization["attributes"]["concessions"] = LINKS
    kc_admin.update_organization(member.organization_id, organization)
    return member


def test_the_docs_tables_are_parsed():
    tables = documented_claims()
    assert {"pro_profile", "roles", "structure", "concessions", "concession_ids"} <= tables["Claims"]
    assert {"iss", "aud", "sid"} <= tables["Protocol claims"]
    assert "profile" not in set().union(*tables.values())


def test_a_client_registered_as_documented_gets_the_documented_claims(
    keycloak, kc_admin, register_client, linked_admin
):
    redirect = "http://127.0.0.1:9/callback"  # never called: the code is read from Keycloak's redirect
    client_id, secret = register_client("http://127.0.0.1:9", redirect)
    internal = kc_admin.get_client_id(client_id)
    assert kc_admin.get_client(internal)["fullScopeAllowed"] is True  # Keycloak's default, kept
    assert "hariane-profile" in {s["name"] for s in kc_admin.get_client_default_client_scopes(internal)}

    tokens = code_flow_tokens(keycloak.url, client_id, redirect, linked_admin.username, secret=secret)
    id_token, access = payload(tokens["id_token"]), payload(tokens["access_token"])
    tables = documented_claims()
    user_claims, protocol = tables["Claims"], tables["Protocol claims"]
    proconnect_only = tables["Only after a login through ProConnect"]
    assert proconnect_only == {"identity_provider", "idp_acr"}
    assert set(id_token) - (user_claims | protocol) == set(), "undocumented claims in the ID token"
    assert proconnect_only & set(id_token) == set(), "a password login is told apart from a ProConnect one"
    assert user_claims - set(id_token) == set(), "documented claims missing from the ID token"
    assert set(access) - (user_claims | protocol | tables["Access token only (Keycloak's own)"]) == set()

    expected = {
        "pro_profile": "admin",
        "roles": ["profile-admin"],
        "structure": {"siret": linked_admin.siret, "name": f"TEST RESEAUX {linked_admin.siret[-6:]}"},
        "concessions": [
            {"id": "ECR-7001", "label": "EAU DU HAVRE - RESEAU NORD"},
            {"id": "ECR-7002", "label": "GAZ DE NORMANDIE - SUD"},
        ],
        "concession_ids": ["ECR-7001", "ECR-7002"],
    }
    for token in (id_token, access):
        assert {name: token.get(name) for name in expected} == expected
    # Keycloak's own roles stay in its own claim (full scope), never in ours
    assert "offline_access" in access["realm_access"]["roles"]
    userinfo = requests.get(
        f"{keycloak.url}/realms/{REALM}/protocol/openid-connect/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).json()
    assert {name: userinfo.get(name) for name in expected} == expected


def _follow(session: requests.Session, response: requests.Response) -> requests.Response:
    """Follow redirects by hand, sending Keycloak's Secure cookies to loopback like a browser."""
    for _ in range(10):
        if not response.is_redirect:
            return response
        for cookie in session.cookies:
            cookie.secure = False
        response = session.get(urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=30)
    raise AssertionError("too many redirects")


def test_apache_mod_auth_openidc_hands_the_flat_claims_to_its_application(
    keycloak, register_client, linked_admin, run_dir: Path
):
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    client_id, secret = register_client(app_url, f"{app_url}/app/redirect_uri")
    home = run_dir / f"apache-{client_id}"
    home.mkdir()
    apache = ApacheRelyingParty(home, port, f"{keycloak.url}/realms/{REALM}", client_id, secret)
    apache.start()
    try:
        session = requests.Session()
        anonymous = session.get(f"{app_url}/app/index.txt", allow_redirects=False, timeout=30)
        assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith(keycloak.url)
        login_page = _follow(session, anonymous)
        page = _follow(session, post_login_form(session, login_page, linked_admin.username))
        assert page.status_code == 200, f"{page.status_code} {page.text[:300]}\n{apache.log_tail()}"
        assert page.url == f"{app_url}/app/index.txt" and "connecté" in page.text
        seen = {claim: page.headers.get(header) for claim, header in ECHOED_CLAIMS.items()}
    finally:
        apache.stop()
    assert seen["pro_profile"] == "admin"
    assert seen["roles"] == "profile-admin"
    assert seen["concession_ids"] == "ECR-7001,ECR-7002"
    assert json.loads(seen["structure"]) == {
        "siret": linked_admin.siret,
        "name": f"TEST RESEAUX {linked_admin.siret[-6:]}",
    }
    # the rich claim does not get through, as docs/claims.md warns
    assert seen["concessions"] in (None, "", "(null)")
    assert "unhandled in-array JSON object type" in apache.error_log.read_text()
