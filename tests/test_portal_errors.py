"""Bad requests to the portal get French pages, never a stack trace or a bare 500."""

from __future__ import annotations

import pytest
import requests


def test_health_endpoints_answer(portal):
    assert requests.get(f"{portal.url}/health", timeout=10).json() == {"status": "UP"}
    ready = requests.get(f"{portal.url}/health/ready", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["checks"]["keycloak"] == "UP"


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/page-qui-n-existe-pas", 404, "Page introuvable"),
        ("/auth/callback?code=abc&state=forged", 400, "Connexion impossible"),
        ("/auth/callback?error=access_denied", 400, "Connexion impossible"),
    ],
)
def test_given_a_bad_request_then_a_french_page_without_trace(portal, path, status, title):
    response = requests.get(f"{portal.url}{path}", timeout=10, allow_redirects=False)
    assert response.status_code == status
    assert '<html lang="fr">' in response.text
    assert title in response.text
    assert "Traceback" not in response.text


def test_given_a_logout_posted_without_csrf_token_then_it_is_refused(portal):
    response = requests.post(f"{portal.url}/deconnexion", timeout=10, allow_redirects=False)
    assert response.status_code == 400
    assert "Formulaire expiré" in response.text


def test_given_an_anonymous_visitor_then_the_dashboard_sends_to_login(portal):
    response = requests.get(f"{portal.url}/tableau-de-bord", timeout=10, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/connexion")
