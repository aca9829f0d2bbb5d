"""A requester's steps of « Demander à rejoindre » over plain HTTP (the portal's public pages),
each from its own client address (X-Forwarded-For, trusted by the test stack only), so that
the per-client limit of one test never meets another's."""

from __future__ import annotations

import html
import itertools
import re
import time

import requests

_addresses = itertools.count(1)


def client_address() -> str:
    n = next(_addresses) + int(time.time()) % 50000
    return f"10.{(n >> 16) % 256}.{(n >> 8) % 256}.{n % 256 or 1}"


class Requester:
    def __init__(self, portal_url: str, ip: str | None = None) -> None:
        self.portal_url = portal_url
        self.session = requests.Session()
        self.session.headers["X-Forwarded-For"] = ip or client_address()

    def _csrf(self, url: str) -> str:
        page = self.session.get(url, timeout=30)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def file(self, siret: str, first: str, last: str, email: str, message: str = "") -> requests.Response:
        url = f"{self.portal_url}/rejoindre"
        data = {
            "csrf_token": self._csrf(f"{url}?siret={siret}"),
            "siret": siret,
            "prenom": first,
            "nom": last,
            "courriel": email,
            "fonction": "Conducteur de travaux",
            "message": message,
        }
        return self.session.post(url, data=data, timeout=30)

    def confirm(self, link: str) -> requests.Response:
        # the form's token (tied to this session): a used link's page has no form
        return self.session.post(link, data={"csrf_token": self._csrf(f"{self.portal_url}/rejoindre")}, timeout=30)


def mails_to(mail, email: str, subject_part: str = "") -> list[dict]:
    return [
        m
        for m in mail.messages()
        if any(r["address"] == email for r in m.get("to", [])) and subject_part in m.get("subject", "")
    ]


def _newest_match(mail, email: str, subject_part: str, pattern: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = mails_to(mail, email, subject_part)
        if found:
            return re.search(pattern, found[-1]["text"]).group(0)
        time.sleep(0.3)
    raise AssertionError(f"no e-mail « {subject_part} » to {email}")


def wait_for_mail_about(mail, email: str, subject_part: str) -> str:
    """The text of the newest e-mail to ``email`` whose subject holds ``subject_part``."""
    return _newest_match(mail, email, subject_part, r"(?s).+")


def confirmation_link(mail, email: str) -> str:
    """The link of the newest confirmation e-mail to ``email``."""
    return _newest_match(mail, email, "confirmez votre demande", r"https?://\S+/rejoindre/confirmation/\S+")


def activation_link(mail, email: str) -> str:
    """The link of the activation e-mail to ``email`` (its first e-mail is the confirmation's)."""
    return _newest_match(mail, email, "Création de votre compte", r"https?://\S+action-token\S+")


def filed_and_confirmed(portal_url: str, mail, siret: str, first: str, last: str, email: str) -> None:
    requester = Requester(portal_url)
    assert requester.file(siret, first, last, email).status_code == 200
    confirmed = requester.confirm(confirmation_link(mail, email))
    assert "Demande confirmée" in html.unescape(confirmed.text), confirmed.text[:500]
