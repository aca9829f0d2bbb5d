"""The scale benchmark's population generator (bench/population.py), so the bench cannot rot:
a small population imports into the test Keycloak as a realm of its own (a copy of ours with
the extension's mappers; the test realm's data is left alone), a generated user logs in with
the known password and gets the claims of their structure, a wrong password is refused, and
the organizations carry their members and attributes."""

from __future__ import annotations

import pytest
import requests

from bench.oidc_flow import FlowError, OidcClient, claims
from bench.population import (
    LARGE,
    SMALL,
    AdminToken,
    create_organizations,
    create_realm,
    generate,
    realm_credential,
    realm_representation,
)
from devstack.demo import master_admin

COPY = "hariane-pro-population"
PASSWORD = "Generee-Bench-2026!"


@pytest.fixture(scope="module")
def imported(keycloak, session_stack, secrets):
    population = generate(20, 100, links=5)
    representation = realm_representation(
        population, realm_credential(PASSWORD), realm=COPY, env=session_stack.keycloak_env()
    )
    token = AdminToken(keycloak.url, secrets["KEYCLOAK_ADMIN_PASSWORD"])
    create_realm(keycloak.url, token(), representation)
    create_organizations(keycloak.url, token, COPY, population)
    admin = master_admin(keycloak.url, "admin", secrets["KEYCLOAK_ADMIN_PASSWORD"], COPY)
    yield population, admin
    admin.delete_realm(COPY)


def _client(keycloak, session_stack, secrets) -> OidcClient:
    portal = session_stack.keycloak_env()["PORTAL_BASE_URL"]
    return OidcClient(keycloak.url, COPY, "portal", secrets["PORTAL_CLIENT_SECRET"], f"{portal}/auth/callback")


def test_generated_user_logs_in_with_the_known_password_and_a_wrong_one_is_refused(
    imported, keycloak, session_stack, secrets
):
    population, _ = imported
    small = population.structures[1]
    username = next(population.people[n].username for n in small.members if population.people[n].profile == "standard")
    client = _client(keycloak, session_stack, secrets)
    with requests.Session() as session:
        token = claims(client.login(session, username, PASSWORD)["access_token"])
        assert token["preferred_username"] == username
        assert token["pro_profile"] == "standard"
        assert token["structure"]["siret"] == small.siret
        assert sorted(token["concession_ids"]) == sorted(population.links[n].public_id for n in small.links)
        with pytest.raises(FlowError, match="login POST"):
            client.login(session, username, PASSWORD + "x")


def test_generated_organizations_have_their_members_and_attributes(imported):
    population, admin = imported
    assert admin.users_count() == len(population.people)
    organizations = {o["alias"]: o for o in admin.get_organizations({"max": 100, "briefRepresentation": "false"})}
    assert set(organizations) == {s.siret for s in population.structures}
    large, small = population.structures[0], population.structures[1]
    assert len(small.members) == SMALL and len(large.members) <= LARGE
    for structure in (large, small):
        found = organizations[structure.siret]
        members = admin.get_organization_members(found["id"], {"max": 500})
        assert sorted(m["username"] for m in members) == sorted(
            population.people[n].username for n in structure.members
        )
        assert found["attributes"]["siret"] == [structure.siret]
        assert found["attributes"]["name"] == [structure.name]
    assert organizations[small.siret]["attributes"]["concessions"] == population.concession_values(small)
    administrator = admin.get_user(admin.get_user_id(population.people[small.members[0]].username))
    assert administrator["requiredActions"] == [] and administrator["emailVerified"] is True
    assert administrator["attributes"]["structureSiret"] == [small.siret]
    assert {g["name"] for g in admin.get_user_groups(administrator["id"])} == {"admin"}


@pytest.mark.parametrize(("structures", "users"), [(20, 100), (2_000, 10_000), (20_000, 100_000)])
def test_sizes_add_up_with_the_two_measured_structures(structures, users):
    population = generate(structures, users, links=structures // 10)
    sizes = [len(s.members) for s in population.structures]
    assert sum(sizes) == users == len({p.username for p in population.people})
    assert sizes[1] == SMALL and sizes[0] == min(LARGE, sizes[0]) > SMALL
    assert sum(1 for size in sizes if size <= 5) >= 0.95 * structures  # most have 1 to 5 members
    if users >= 10_000:
        assert sizes[0] == LARGE and sum(1 for size in sizes if size >= 200) >= 3  # a few big ones
    assert all(population.people[s.members[0]].profile == "admin" for s in population.structures)


def test_the_scale_section_is_rewritten_in_place_and_the_rest_kept():
    from bench.doc import replaced as rewrite_doc
    from bench.scale import HEADING

    doc = f"# Benchmarks\n\n## Before\n\ntext\n\n{HEADING}\n\nold figures\n\n## After\n\nmore\n"
    new = rewrite_doc(doc, f"{HEADING}\n\nnew figures\n")
    assert new == f"# Benchmarks\n\n## Before\n\ntext\n\n{HEADING}\n\nnew figures\n\n## After\n\nmore\n"
    assert rewrite_doc("# Benchmarks\n", f"{HEADING}\n\nx\n") == f"# Benchmarks\n\n{HEADING}\n\nx\n"
