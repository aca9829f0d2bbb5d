"""Helpers to drive « Rattacher un compte de concession voirie » over plain HTTP."""

from __future__ import annotations

import html
import re
import uuid
from pathlib import Path

import sqlalchemy as sa

from tests.support.accounts import csrf, login, through_step_up, with_recent_second_factor
from tests.support.registration_http import RegistrationClient


def import_registry(portal, folder: Path, *accounts: tuple[str, str]) -> list[str]:
    """Import (label, code) accounts with unique labels through the real CLI; returns the labels."""
    tag = uuid.uuid4().hex[:6].upper()
    labels = [f"{label} {tag}" for label, _ in accounts]
    rows = "\n".join(f"{label};{code};SOCIETE {tag};eau" for label, (_, code) in zip(labels, accounts, strict=True))
    path = folder / f"registry-{tag}.csv"
    path.write_text("intitulé du compte;code d'accès;raison sociale;type de réseau\n" + rows + "\n")
    portal.cli("concessions", "import", str(path))
    return labels


def logged_in(portal_url: str, username: str, ip: str | None = None) -> RegistrationClient:
    """Logged in with the second factor used (not just enrolled): linking needs no step-up."""
    browser = with_recent_second_factor(login(portal_url, username))
    if ip:
        browser.session.headers["X-Forwarded-For"] = ip
    return browser


def submit_link(browser: RegistrationClient, portal_url: str, label: str, code: str):
    """GET the form (its CSRF token), POST it (through the step-up when the portal asks for the
    second factor); returns the final response (after redirects)."""
    form = browser.request("GET", f"{portal_url}/concessions/rattacher")
    assert form.status_code == 200, form.text[:300]
    response = browser.request(
        "POST", f"{portal_url}/concessions/rattacher", {"csrf_token": csrf(form.text), "intitule": label, "code": code}
    )
    return through_step_up(browser, response)


def text(response) -> str:
    return html.unescape(response.text)


def field_error(page: str, field: str) -> str | None:
    match = re.search(rf'id="{field}-erreur"[^>]*>([^<]*)<', html.unescape(page))
    return match.group(1) if match else None


def database(portal) -> sa.Engine:
    return sa.create_engine(portal.env["PORTAL_DATABASE_URL"])
