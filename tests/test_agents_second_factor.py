"""Metropolis agents give a second factor (the realm role ``metropolis-agent`` includes
``second-factor-required``; the portal's agents' pages want a login whose ID token says
``acr`` ``mfa``, PORTAL_AGENTS_REQUIRE_MFA's default): on Keycloak, Chromium and the portal."""

from __future__ import annotations

import uuid

from devstack.demo import DemoUser, provision_user
from devstack.realm import load_realm
from tests.support.accounts import PASSWORD
from tests.support.browser_steps import keycloak_login, pass_second_factor, serious_violations


def test_the_agents_role_includes_the_second_factor_role_in_the_file_and_the_running_realm(kc_admin):
    role = next(r for r in load_realm()["roles"]["realm"] if r["name"] == "metropolis-agent")
    assert role["composite"] and role["composites"] == {"realm": ["second-factor-required"]}
    running = kc_admin.get_composite_realm_roles_of_role("metropolis-agent")
    assert [r["name"] for r in running] == ["second-factor-required"]


def test_a_new_agent_enrols_a_factor_then_gives_it_to_enter_the_agents_pages(kc_admin, portal, page):
    suffix = uuid.uuid4().hex[:8]
    agent = DemoUser(
        username=f"agent.test-{suffix}",
        first_name="Sacha",
        last_name=f"Voirie-{suffix}",
        email=f"sacha.{suffix}@lehavremetro.test",
        job_title="Agent du service Voirie",
        profile="standard",
    )
    user_id = provision_user(kc_admin, agent, PASSWORD)  # a standard user: the password alone...
    try:
        page.goto(f"{portal.url}/connexion")
        keycloak_login(page, agent.username, PASSWORD, factor=False)
        page.wait_for_url("**/tableau-de-bord")  # ...until staff grant the agents' role
        page.context.clear_cookies()

        kc_admin.assign_realm_roles(user_id, [kc_admin.get_realm_role("metropolis-agent")])
        page.goto(f"{portal.url}/agents/")
        keycloak_login(page, agent.username, PASSWORD, factor=False)
        page.locator("#ha-second-factor").wait_for()  # « Protéger votre compte »: enrolment is required
        pass_second_factor(page, agent.username)
        # the login that enrolled the factor did not give it (acr "pwd"): the page asks for it
        page.get_by_role("heading", name="Accès refusé").wait_for()
        assert "demande une connexion avec un second facteur" in page.locator("main").inner_text()
        assert serious_violations(page) == []
        page.get_by_role("link", name="Valider mon second facteur").click()
        page.locator("#otp").wait_for()  # Keycloak asks for the code only
        assert page.locator("input[type=password]").count() == 0
        pass_second_factor(page, agent.username)
        page.wait_for_url(f"{portal.url}/agents/")
        assert page.get_by_role("heading", name="Espace des agents de la Métropole").is_visible()

        # and at the next login, the factor is asked again, the agents' pages open at once
        page.context.clear_cookies()
        page.goto(f"{portal.url}/agents/")
        keycloak_login(page, agent.username, PASSWORD, factor=False)
        page.locator("#otp").wait_for()
        pass_second_factor(page, agent.username)
        page.wait_for_url(f"{portal.url}/agents/")
        assert page.get_by_role("heading", name="Espace des agents de la Métropole").is_visible()
    finally:
        kc_admin.delete_user(user_id)
