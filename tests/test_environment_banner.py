"""The environment banner (« Serveur de test ») is on every page when configured."""

from __future__ import annotations

import requests

from tests.support.registration_http import RegistrationClient
from tests.support.session import BANNER


def test_the_banner_is_on_keycloak_and_portal_pages(portal):
    client = RegistrationClient(portal.url).start()
    assert f'<div class="ha-banner" role="note">{BANNER}</div>' in client.page
    login = requests.get(f"{portal.url}/connexion", timeout=10).text
    assert BANNER in login
    assert BANNER in requests.get(f"{portal.url}/", timeout=10).text
    assert BANNER in requests.get(f"{portal.url}/page-absente", timeout=10).text
