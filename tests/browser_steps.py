"""Steps a person takes in the browser, shared by the browser tests."""

from __future__ import annotations

KEYCLOAK_LOGIN_BUTTON = "Connexion"


def keycloak_login(page, username: str, password: str) -> None:
    """Fill and submit Keycloak's (French) login form."""
    page.get_by_label("Identifiant ou courriel").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name=KEYCLOAK_LOGIN_BUTTON).click()
