"""A client of the product's own « Créer un compte Pro » and « Activer mon compte » pages
over plain HTTP (requests), through the real portal and Keycloak: used by ``make run`` to
register its demo administrator and by the tests that drive the journey without a browser."""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests


@dataclass
class RegistrationClient:
    portal_url: str
    session: requests.Session = field(default_factory=requests.Session)
    page: str = ""
    url: str = ""

    def request(self, method: str, url: str, data: dict | None = None) -> requests.Response:
        """Like a browser: follow redirects, and send Keycloak's Secure cookies to
        http://127.0.0.1 (browsers treat loopback as a secure context; requests does not)."""
        for _ in range(20):
            for cookie in self.session.cookies:
                cookie.secure = False
            response = self.session.request(method, url, data=data, timeout=30, allow_redirects=False)
            if not response.is_redirect:
                return response
            url, method, data = urljoin(response.url, response.headers["Location"]), "GET", None
        raise AssertionError("too many redirects")

    def start(self) -> RegistrationClient:
        login = self.request("GET", f"{self.portal_url}/connexion")
        href = re.search(r'href="([^"]*login-actions/registration[^"]*)"', login.text).group(1)
        response = self.request("GET", urljoin(login.url, html.unescape(href)))
        self.page, self.url = response.text, response.url
        return self

    @property
    def title(self) -> str:
        match = re.search(r'<h1[^>]*id="kc-page-title"[^>]*>(.*?)</h1>', self.page, re.S)
        return " ".join(match.group(1).split()) if match else ""

    def submit(self, nav: str = "next", **fields: str) -> str:
        action = re.search(r'<form id="ha-[a-z-]+" action="([^"]+)"', self.page).group(1)
        response = self.request("POST", urljoin(self.url, html.unescape(action)), {"nav": nav, **fields})
        self.page, self.url = response.text, response.url
        return self.page

    def error(self, name: str) -> str | None:
        match = re.search(rf'id="input-error-{re.escape(name)}"[^>]*>(.*?)</p>', self.page, re.S)
        return html.unescape(" ".join(match.group(1).split())) if match else None

    def errors(self) -> list[str]:
        """Every field message on the page (to say why a step did not go through)."""
        found = re.findall(r'id="input-error-[^"]*"[^>]*>(.*?)</p>', self.page, re.S)
        return [html.unescape(" ".join(message.split())) for message in found]

    def value(self, name: str) -> str | None:
        match = re.search(rf'<input id="{re.escape(name)}" name="{re.escape(name)}" value="([^"]*)"', self.page)
        return html.unescape(match.group(1)) if match else None

    def identifier(self) -> str | None:
        match = re.search(r'id="ha-identifier">([^<]+)<', self.page)
        return match.group(1) if match else None


def activation_form(client: RegistrationClient, link: str) -> tuple[str, str]:
    """The « Activer mon compte » page an activation link leads to (past the confirmation page)."""
    response = client.request("GET", link)
    if 'id="ha-activate"' not in response.text:  # the confirmation page first
        proceed = re.search(r'href="([^"]*action-token[^"]*)"', response.text).group(1)
        response = client.request("GET", urljoin(response.url, html.unescape(proceed)))
    return response.text, response.url


def activate_with(portal_url: str, link: str, password: str) -> str:
    """Choose the password and accept the CGU through an activation link; returns the page shown."""
    browser = RegistrationClient(portal_url)
    page, url = activation_form(browser, link)
    action = html.unescape(re.search(r'<form id="ha-activate" action="([^"]+)"', page).group(1))
    done = browser.request(
        "POST", urljoin(url, action), {"password-new": password, "password-confirm": password, "acceptCgu": "on"}
    )
    return html.unescape(done.text)


def mail_link(mail, email: str, attempts: int = 60) -> str:
    """The action link of the first mail to ``email`` that carries one, in the mail catcher (``mail.messages()``
    is maildev's ``GET /email``)."""
    for _ in range(attempts):
        for message in mail.messages():
            link = re.search(r"https?://\S+action-token\S+", message["text"])
            if link and any(r["address"] == email for r in message["to"]):  # not a security e-mail
                return link.group(0)
        time.sleep(0.3)
    raise AssertionError(f"no mail to {email}")
