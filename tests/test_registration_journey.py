"""« Créer un compte Pro », the whole journey in Debian's Chromium: SIRET -> structure (2/3)
-> person (3/3) with a back-and-forth -> recap -> activation e-mail from the real SMTP
capture -> « Activer mon compte » -> login -> the ID token carries the admin profile."""

from __future__ import annotations

import re

from tests.support.accounts import wait_for_mail
from tests.support.browser_steps import keycloak_login, open_registration, verified_id_token

SHOTS = "registration"


def shot(page, name: str) -> None:
    from tests.support.session import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{SHOTS}-{name}.png"), full_page=True)


def test_the_whole_registration_journey(page, portal, keycloak, mail, kc_admin, secrets):
    open_registration(page, portal)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Un problème ? Une question ? Cliquez ici pour obtenir de l'aide").is_visible()
    shot(page, "1-siret")
    page.get_by_label("SIRET").fill("200 084 952 00015")
    page.get_by_role("button", name="Page suivante →").click()

    # 2/3: the register's data, prefilled.
    page.get_by_role("heading", name="Les informations sur votre structure (2/3)").wait_for()
    assert page.locator("#ha-siret").inner_text() == "20008495200015"
    assert page.locator("#ha-name").inner_text() == "LE HAVRE SEINE METROPOLE"
    assert page.get_by_label("Code postal").input_value() == "76085"
    assert page.get_by_label("Ville").input_value() == "LE HAVRE CEDEX"
    assert page.get_by_label("Type et nom de la voie").input_value() == "RUE GEORGES BRAQUE"
    assert page.get_by_label("Entrée - bâtiment - immeuble - résidence").input_value() == "HOTEL DE LA COMMUNAUTE"
    assert page.get_by_label("Type de structure").input_value() == "intercommunalite"
    page.get_by_label("Téléphone").fill("02 35 19 45 45")
    page.get_by_label("Courriel de la structure ou du dirigeant").fill("contact@lehavre-metropole.test")
    shot(page, "2-structure")
    page.get_by_role("button", name="Page suivante →").click()

    # 3/3, then back to 2/3 and forward again: nothing typed is lost.
    page.get_by_role("heading", name="Les informations vous concernant (3/3)").wait_for()
    page.get_by_label("Prénom").fill("Jean-Éric")
    page.locator("#lastName").fill("Le Gall")
    page.locator("#email").fill("jean-eric.legall@lehavre-metropole.test")
    page.get_by_label("Fonction").fill("Responsable des travaux")
    page.get_by_role("button", name="← Retour").click()
    page.get_by_role("heading", name="Les informations sur votre structure (2/3)").wait_for()
    assert page.get_by_label("Téléphone").input_value() == "02 35 19 45 45"
    page.get_by_role("button", name="Page suivante →").click()
    page.get_by_role("heading", name="Les informations vous concernant (3/3)").wait_for()
    assert page.get_by_label("Prénom").input_value() == "Jean-Éric"
    assert page.get_by_label("Fonction").input_value() == "Responsable des travaux"
    shot(page, "3-person")
    page.get_by_role("button", name="Valider →").click()

    # Recap: the generated identifier; no automatic login.
    page.get_by_role("heading", name="Création de compte terminée").wait_for()
    assert page.locator("#ha-identifier").inner_text() == "pro.jean-eric.le-gall"
    assert page.get_by_text('dossier "Courrier indésirable"').is_visible()
    shot(page, "4-done")

    # The structure and its administrator.
    organization = kc_admin.connection.raw_get("admin/realms/hariane-pro/organizations?search=20008495200015").json()[0]
    assert organization["alias"] == "20008495200015"
    user_id = kc_admin.get_user_id("pro.jean-eric.le-gall")
    assert [g["name"] for g in kc_admin.get_user_groups(user_id)] == ["admin"]
    attributes = kc_admin.connection.raw_get(f"admin/realms/hariane-pro/organizations/{organization['id']}").json()[
        "attributes"
    ]
    assert attributes["phone"] == ["+33235194545"]
    assert attributes["siret"] == ["20008495200015"]

    # The activation e-mail, from the real SMTP capture.
    message = wait_for_mail(mail, "jean-eric.legall@lehavre-metropole.test")
    assert message["subject"] == "Création de votre compte sur Hariane Pro"
    assert "pro.jean-eric.le-gall" in message["text"]
    assert "administrateur" in message["html"]
    link = re.search(r"https?://\S+action-token\S+", message["text"]).group(0)

    page.goto(link)
    page.get_by_role("heading", name="Activer mon compte").wait_for()
    assert page.locator("#ha-identifier").inner_text() == "pro.jean-eric.le-gall"
    page.get_by_role("link", name="Activer mon compte").click()
    page.locator("#ha-activate").wait_for()
    shot(page, "5-activate")
    page.get_by_label("Choisissez votre mot de passe").fill("une phrase de passe solide")
    page.get_by_label("Répétez votre mot de passe").fill("une phrase de passe solide")
    page.get_by_label("J'accepte les CGU").check()
    page.get_by_role("button", name="Activer mon compte").click()
    page.wait_for_load_state()
    shot(page, "6-activated")

    user = kc_admin.get_user(user_id)
    assert user["emailVerified"] is True
    assert user["attributes"]["cguVersion"] == ["2026-11"]
    assert re.fullmatch(r"[0-9a-f]{64}", user["attributes"]["cguTextSha256"][0])
    assert not user.get("requiredActions")

    # Login with identifier + password: the token carries the admin profile.
    context = page.context.browser.new_context(locale="fr-FR")
    fresh = context.new_page()
    fresh.goto(f"{portal.url}/connexion")
    keycloak_login(fresh, "pro.jean-eric.le-gall", "une phrase de passe solide")
    fresh.wait_for_url(f"{portal.url}/tableau-de-bord")
    assert fresh.locator("[data-profile]").get_attribute("data-profile") == "admin"
    assert fresh.locator("#structure").inner_text() == "LE HAVRE SEINE METROPOLE (SIRET 20008495200015)"
    shot(fresh, "7-dashboard")
    claims = verified_id_token(fresh.context, secrets, keycloak)
    context.close()
    assert claims["preferred_username"] == "pro.jean-eric.le-gall"
    assert claims["pro_profile"] == "admin"
    assert claims["structure"] == {"siret": "20008495200015", "name": "LE HAVRE SEINE METROPOLE"}
    assert claims["email_verified"] is True
