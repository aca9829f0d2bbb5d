"""Every route of the portal and of the reference road-works app — read from their Flask
url_map, so a new page cannot ship without them — and every error page sends the browser
security headers of docs/security-headers.md, anonymous and logged in, over real HTTP."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from flask import Flask
from portal_adapter.app import create_app as create_portal
from portal_adapter.config import Settings as PortalSettings
from voirie_app import create_app as create_voirie
from voirie_app.settings import Settings as VoirieSettings

from tests.support.accounts import login, new_administrator
from tests.support.registration_http import RegistrationClient
from tests.support.second_factor import pass_second_factor

STRICT_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")
ARGUMENTS = {"siret": "81234567600017"}  # any other URL argument: "x"


def header_problems(response: requests.Response, keycloak_url: str) -> list[str]:
    """What ``response`` lacks of the policy (served over http: no HSTS)."""
    headers, problems = response.headers, []
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    keycloak = "{0.scheme}://{0.netloc}".format(urlsplit(keycloak_url))
    expected = {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", keycloak],
    }
    problems += [
        f"CSP {name} {directives.get(name)} != {value}"
        for name, value in expected.items()
        if directives.get(name) != value
    ]
    if "unsafe" in csp:
        problems.append(f"CSP allows unsafe sources: {csp}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options {headers.get('X-Frame-Options')}")
    if headers.get("Referrer-Policy") not in STRICT_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')}")
    permissions = headers.get("Permissions-Policy", "")
    problems += [f"Permissions-Policy allows {f}" for f in DENIED_FEATURES if f"{f}=()" not in permissions]
    if "Strict-Transport-Security" in headers:
        problems.append("HSTS sent over http")
    return problems


def routes(app: Flask, static_file: str) -> list[tuple[str, str]]:
    """(method, path) of every rule of the app's url_map, its arguments filled in."""
    urls = app.url_map.bind("127.0.0.1")
    found = []
    for rule in app.url_map.iter_rules():
        values = {name: static_file if name == "filename" else ARGUMENTS.get(name, "x") for name in rule.arguments}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, urls.build(rule.endpoint, values, method=method)))
    return found


@pytest.fixture(scope="module")
def portal_routes(tmp_path_factory) -> list[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("portal-routes")
    return routes(create_portal(PortalSettings(env="test", database_url=f"sqlite:///{folder}/x.db")), "hariane.css")


@pytest.fixture(scope="module")
def voirie_routes(tmp_path_factory) -> list[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("voirie-routes")
    settings = VoirieSettings(
        base_url="http://127.0.0.1:1",
        keycloak_url="http://127.0.0.1:2",
        client_secret="x",
        secret_key="x",
        database_path=folder / "voirie.db",
    )
    return routes(create_voirie(settings), "voirie.css")


def sweep(
    sessions: dict[str, requests.Session], base_url: str, every: list[tuple[str, str]], keycloak_url: str
) -> tuple[dict, list[str]]:
    """Request every route as every visitor; returns the statuses and what is missing."""
    statuses, problems = {}, []
    login_flow_last = sorted(every, key=lambda route: route[1].startswith(("/connexion", "/auth/", "/deconnexion")))
    for who, session in sessions.items():
        for method, path in login_flow_last:
            response = session.request(method, base_url + path, timeout=30, allow_redirects=False)
            statuses[who, method, path] = response.status_code
            problems += [
                f"{who} {method} {path} ({response.status_code}): {p}" for p in header_problems(response, keycloak_url)
            ]
    return statuses, problems


def test_every_portal_route_sends_the_security_headers(portal, keycloak, mail, portal_routes):
    paths = {path for _, path in portal_routes}
    assert {
        "/",
        "/tableau-de-bord",
        "/structure/utilisateurs",
        "/concessions/rattacher",
        "/activation/nouveau-lien",
        "/static/hariane.css",
        "/health",
    } <= paths
    administrator, _siret = new_administrator(portal.url, mail, "Hector", "Entetes")
    sessions = {"anonymous": requests.Session(), "administrator": login(portal.url, administrator).session}

    statuses, problems = sweep(sessions, portal.url, portal_routes, keycloak.url)

    # the pages themselves were reached, logged in, before their headers are judged
    for path in ("/tableau-de-bord", "/structure/utilisateurs", "/concessions/rattacher", "/static/hariane.css"):
        assert statuses["administrator", "GET", path] == 200, path
    assert statuses["anonymous", "GET", "/tableau-de-bord"] == 302
    assert problems == []


def test_every_voirie_route_sends_the_security_headers(portal, voirie, keycloak, mail, voirie_routes):
    assert {"/", "/demandes", "/demandes/nouvelle", "/factures", "/static/voirie.css"} <= {p for _, p in voirie_routes}
    administrator, _siret = new_administrator(portal.url, mail, "Hortense", "Entetes")
    browser = login(portal.url, administrator)
    assert browser.request("GET", f"{voirie.url}/connexion").url == f"{voirie.url}/"  # single sign-on
    # « Factures » demands acr mfa: the login that enrolled the factor gives its code once more
    invoices = browser.request("GET", f"{voirie.url}/factures")
    post = lambda url, data: browser.request("POST", url, data)  # noqa: E731
    assert pass_second_factor(invoices, administrator, post).url == f"{voirie.url}/factures"
    sessions = {"anonymous": requests.Session(), "administrator": browser.session}

    statuses, problems = sweep(sessions, voirie.url, voirie_routes, keycloak.url)

    for path in ("/", "/factures", "/static/voirie.css"):  # (no concession: the démarches answer 403)
        assert statuses["administrator", "GET", path] == 200, path
    assert problems == []


def test_the_error_pages_send_the_security_headers(portal, voirie, keycloak, make_user):
    standard = make_user("standard")
    portal_user = RegistrationClient(portal.url)
    page = portal_user.request("GET", f"{portal.url}/connexion")
    _submit_keycloak_login(portal_user, page, standard.username, standard.password)
    assert portal_user.request("GET", f"{portal.url}/tableau-de-bord").status_code == 200
    portal_user.request("GET", f"{voirie.url}/connexion")

    answers = {
        "404": requests.get(f"{portal.url}/page-qui-n-existe-pas", timeout=10),
        "405": requests.get(f"{portal.url}/deconnexion", timeout=10),
        "Formulaire expiré": requests.post(f"{portal.url}/deconnexion", timeout=10),
        "403": portal_user.session.get(f"{portal.url}/structure/utilisateurs", timeout=10),
        "voirie 404": requests.get(f"{voirie.url}/page-qui-n-existe-pas", timeout=10),
        "voirie 405": requests.get(f"{voirie.url}/deconnexion", timeout=10),
        "voirie Formulaire expiré": requests.post(f"{voirie.url}/deconnexion", timeout=10),
        "voirie 403": portal_user.session.get(f"{voirie.url}/factures", timeout=10),
        "voirie 413": requests.post(f"{voirie.url}/demandes/nouvelle", data={"x": "y" * 100_000}, timeout=10),
    }
    statuses = {"404": 404, "405": 405, "Formulaire expiré": 400, "403": 403, "413": 413}
    for name, response in answers.items():
        assert response.status_code == statuses[name.removeprefix("voirie ")], name
        assert header_problems(response, keycloak.url) == [], name
    assert "Formulaire expiré" in answers["voirie Formulaire expiré"].text


def _submit_keycloak_login(client: RegistrationClient, page: requests.Response, username: str, password: str):
    action = html.unescape(re.search(r'<form id="kc-form-login"[^>]*action="([^"]+)"', page.text).group(1))
    return client.request("POST", urljoin(page.url, action), {"username": username, "password": password})


def test_an_unexpected_error_page_sends_the_security_headers(tmp_path):
    """A 500 cannot be caused on the running servers: the apps' own error path, in process."""
    portal_app = create_portal(PortalSettings(env="test", database_url=f"sqlite:///{tmp_path}/x.db"))
    voirie_app = create_voirie(
        VoirieSettings(
            base_url="http://127.0.0.1:1",
            keycloak_url="http://127.0.0.1:2",
            client_secret="x",
            secret_key="x",
            database_path=tmp_path / "v.db",
        )
    )
    for app, keycloak_url in ((portal_app, "http://127.0.0.1:8080"), (voirie_app, "http://127.0.0.1:2")):
        app.add_url_rule("/boom", "boom", lambda: 1 / 0)
        response = app.test_client().get("/boom")
        assert response.status_code == 500
        assert "Une erreur inattendue est survenue" in response.text
        assert header_problems(response, keycloak_url) == []


def test_hsts_only_over_https_and_no_redirect_on_http(portal, voirie, tmp_path):
    for url in (portal.url, voirie.url):  # the loopback stack over http: no redirect, no HSTS
        plain = requests.get(f"{url}/", timeout=10, allow_redirects=False)
        assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers
    secure = create_portal(
        PortalSettings(env="test", base_url="https://hariane-pro.example", database_url=f"sqlite:///{tmp_path}/x.db")
    ).test_client()
    over_tls = secure.get("/", base_url="https://hariane-pro.example")
    assert over_tls.status_code == 200
    hsts = over_tls.headers["Strict-Transport-Security"]
    assert int(hsts.split(";")[0].removeprefix("max-age=")) >= 365 * 24 * 3600, hsts
    behind_proxy = secure.get("/", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.status_code == 200 and "Strict-Transport-Security" in behind_proxy.headers
    probe = secure.get("/health")  # plain http behind the proxy: answered, without HSTS
    assert probe.status_code == 200 and "Strict-Transport-Security" not in probe.headers
    voirie_app = create_voirie(
        VoirieSettings(
            base_url="https://voirie.example",
            keycloak_url="http://127.0.0.1:2",
            client_secret="x",
            secret_key="x",
            database_path=tmp_path / "v.db",
        )
    )
    voirie_over_tls = voirie_app.test_client().get("/", base_url="https://voirie.example")
    assert voirie_over_tls.status_code == 200 and "Strict-Transport-Security" in voirie_over_tls.headers
    assert "Strict-Transport-Security" not in voirie_app.test_client().get("/health").headers
