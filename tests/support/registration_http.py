"""Drive « Créer un compte Pro » over plain HTTP (requests), through the real Keycloak pages,
for the many rule tests where a browser adds nothing but time."""

from __future__ import annotations

import html
import re
import time
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests
from stdnum import luhn

from devstack.fake_sirene import SYNTHETIC_SIREN_PREFIX

_counter = [int(time.time()) % 100000]


def synthetic_siret() -> str:
    """A fresh valid SIRET that the fake register knows (a test company's head office)."""
    _counter[0] += 1
    siren8 = f"{SYNTHETIC_SIREN_PREFIX}{_counter[0] % 100000:05d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


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

    def value(self, name: str) -> str | None:
        match = re.search(rf'<input id="{re.escape(name)}" name="{re.escape(name)}" value="([^"]*)"', self.page)
        return html.unescape(match.group(1)) if match else None

    def identifier(self) -> str | None:
        match = re.search(r'id="ha-identifier">([^<]+)<', self.page)
        return match.group(1) if match else None


STRUCTURE = {
    "structureType": "societe_commerciale",
    "phone": "02 35 19 45 45",
    "structureEmail": "contact@entreprise-test.test",
    "country": "FRANCE",
    "postalCode": "76600",
    "city": "LE HAVRE",
    "recipient": "ENTREPRISE DE TEST",
    "street": "RUE DE PARIS",
    "streetNumber": "10",
}


def person(first: str = "John", last: str = "Doe", email: str | None = None) -> dict[str, str]:
    ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    email = email or f"{ascii_name}.{time.time_ns()}@entreprise-test.test".lower().replace(" ", "").replace("'", "")
    return {"firstName": first, "lastName": last, "email": email, "jobTitle": "Conducteur de travaux"}


def register(
    portal_url: str, siret: str, who: dict[str, str], extra: dict[str, str] | None = None
) -> RegistrationClient:
    """A whole registration; returns the client on the recap page. ``extra`` fields are
    posted with every step (what a tampering user would add to the forms)."""
    extra = extra or {}
    client = RegistrationClient(portal_url).start()
    client.submit(siret=siret, **extra)
    client.submit(**STRUCTURE, **extra)
    client.submit(**who)
    return client
