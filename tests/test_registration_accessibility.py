"""Accessibility of the journey: axe-core (from npm, injected in Debian's Chromium) finds no
serious or critical violation on any page, and the journey is completed with the keyboard alone."""

from __future__ import annotations

import re

import pytest

from tests.support.accounts import mail_link
from tests.support.browser_steps import serious_violations
from tests.support.registration_http import person, synthetic_siret


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element is focused: proves it is reachable by keyboard."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} cannot be reached with Tab")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_the_journey_with_the_keyboard_alone_and_no_serious_axe_violation(page, portal, mail):
    checked: dict[str, list] = {}
    who = person("Élise", "Clavier")
    page.goto(f"{portal.url}/connexion")
    checked["login"] = serious_violations(page)

    tab_to(page, "a[href*='login-actions/registration']")
    page.keyboard.press("Enter")
    page.locator("#siret").wait_for()
    checked["siret"] = serious_violations(page)
    type_into(page, "#siret", "123")
    page.keyboard.press("Enter")
    page.locator("#input-error-siret").wait_for()
    checked["siret error"] = serious_violations(page)
    type_into(page, "#siret", synthetic_siret())
    page.keyboard.press("Enter")

    page.locator("#phone").wait_for()
    checked["structure"] = serious_violations(page)
    type_into(page, "#phone", "12")
    page.keyboard.press("Enter")
    page.locator("#input-error-phone").wait_for()
    checked["structure error"] = serious_violations(page)
    type_into(page, "#phone", "02 35 00 00 00")
    type_into(page, "#structureEmail", "contact@clavier.test")
    tab_to(page, "#structureNewsletter")
    page.keyboard.press("Space")
    tab_to(page, "button[value='next']")
    page.keyboard.press("Enter")

    page.locator("#firstName").wait_for()
    checked["person"] = serious_violations(page)
    type_into(page, "#firstName", who["firstName"])
    type_into(page, "#lastName", who["lastName"])
    type_into(page, "#email", who["email"])
    type_into(page, "#jobTitle", who["jobTitle"])
    page.keyboard.press("Enter")
    page.locator("#ha-identifier").wait_for()
    checked["done"] = serious_violations(page)
    assert re.fullmatch(r"pro\.elise\.clavier\d*", page.locator("#ha-identifier").inner_text())

    page.goto(mail_link(mail, who["email"]))
    tab_to(page, "a[href*='action-token']")
    page.keyboard.press("Enter")
    page.locator("#password-new").wait_for()
    checked["activate"] = serious_violations(page)
    type_into(page, "#password-new", "une phrase de passe au clavier")
    type_into(page, "#password-confirm", "une phrase de passe au clavier")
    tab_to(page, "#acceptCgu")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.get_by_text("Votre compte a été mis à jour").wait_for()
    checked["activated"] = serious_violations(page)

    page.goto(f"{portal.url}/")
    checked["portal home"] = serious_violations(page)
    failures = {name: found for name, found in checked.items() if found}
    assert not failures, failures
