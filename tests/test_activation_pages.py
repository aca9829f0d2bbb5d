"""The pages around activation: the recap page carries the source
document's text; the e-mail's link opens Hariane PRO's « Activer mon compte » confirmation
(identifier, one button) that a mail scanner can open without consuming anything; the link to
a new activation link sits inside the card's padding."""

from __future__ import annotations

import html
import re

import requests

from tests.support.accounts import expired_activation_link, mail_link
from tests.support.registration_http import person, register, synthetic_siret

RECAP = [
    "Votre compte vient d'être créé avec succès. Votre identifiant de connexion est : {identifier}",
    "Un courriel vient de vous être envoyé. Il contient un lien sur lequel vous devez cliquer afin de choisir "
    "votre mot de passe pour accéder à votre compte sur Hariane PRO. Pensez à bien conserver vos identifiant et "
    "mot de passe, ils vous seront demandés pour chaque connexion à votre compte.",
    "Attention ! certains services de messagerie peuvent assimiler à tort les messages transmis par la plateforme "
    'Hariane PRO comme étant des messages publicitaires indésirables (généralement nommés "spam"). Si le message '
    "n'apparaît pas dans votre boîte de réception, pensez à vérifier si ce dernier ne se trouve pas dans votre "
    'dossier "Courrier indésirable".',
]


def paragraphs(page: str, container_id: str) -> list[str]:
    block = re.search(rf'<div[^>]*id="{container_id}"[^>]*>(.*?)</div>', page, re.S).group(1)
    texts = [re.sub(r"<[^>]+>", " ", p) for p in re.findall(r"<p[^>]*>(.*?)</p>", block, re.S)]
    return [" ".join(html.unescape(t).split()) for t in texts]


def test_the_recap_page_carries_the_source_documents_text(portal):
    client = register(portal.url, synthetic_siret(), person("Rémi", "Recap"))
    assert client.title == "Création de compte terminée"
    identifier = client.identifier()
    assert paragraphs(client.page, "ha-done") == [RECAP[0].format(identifier=identifier), *RECAP[1:]]


def test_the_activation_link_opens_hariane_pros_confirmation_which_a_scanner_cannot_consume(
    page, portal, mail, kc_admin
):
    who = person("Carla", "Confirme")
    identifier = register(portal.url, synthetic_siret(), who).identifier()
    link = mail_link(mail, who["email"])

    # A mail scanner follows the link: it gets the confirmation page, and nothing is consumed.
    scanned = requests.get(link, timeout=30)
    assert scanned.status_code == 200 and "Activer mon compte" in scanned.text
    user = kc_admin.get_user(kc_admin.get_user_id(identifier))
    assert user["requiredActions"] == ["hariane-activation"] and not user["emailVerified"]

    page.goto(link)
    page.get_by_role("heading", name="Activer mon compte").wait_for()
    assert page.locator("#ha-identifier").inner_text() == identifier
    main = page.locator("main")
    assert "Cliquez ici pour continuer" not in main.inner_text() and "Réalisez" not in main.inner_text()
    assert page.get_by_role("link", name="Activer mon compte").count() == 1
    assert main.get_by_role("button").count() == 0  # one clear action: the « Activer mon compte » link-button
    new_link = page.get_by_role("link", name="Recevoir un nouveau lien d'activation")
    assert_inside_the_card_padding(page, new_link)
    page.screenshot(path=_artifact("activation-confirm"), full_page=True)

    page.get_by_role("link", name="Activer mon compte").click()
    page.locator("#ha-activate").wait_for()
    page.get_by_label("Choisissez votre mot de passe").fill("une phrase de passe solide")
    page.get_by_label("Répétez votre mot de passe").fill("une phrase de passe solide")
    page.get_by_label("J'accepte les CGU").check()
    page.get_by_role("button", name="Activer mon compte").click()
    page.wait_for_load_state()
    assert kc_admin.get_user(kc_admin.get_user_id(identifier))["emailVerified"] is True


def test_an_expired_link_offers_a_new_one_inside_the_card(page, portal, mail, kc_admin):
    link = expired_activation_link(portal.url, mail, kc_admin, person("Eva", "Expire"))
    page.goto(link)
    new_link = page.get_by_role("link", name="Recevoir un nouveau lien d'activation")
    new_link.wait_for()
    assert_inside_the_card_padding(page, new_link)
    page.screenshot(path=_artifact("activation-expired"), full_page=True)


def assert_inside_the_card_padding(page, link) -> None:
    """The link starts no further left than the card's content (the page title's left edge)."""
    title = page.locator("#kc-page-title").bounding_box()
    card = page.locator("main").bounding_box()
    box = link.bounding_box()
    assert box["x"] >= title["x"] - 1, (box, title)
    assert box["x"] + box["width"] <= card["x"] + card["width"] - (title["x"] - card["x"]) + 1, (box, card)


def _artifact(name: str) -> str:
    from tests.support.session import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")
