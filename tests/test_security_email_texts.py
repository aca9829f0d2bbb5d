"""The security e-mails' words (docs/security-emails.md), rendered without a server: every kind
in French, text and HTML from the one template family, what to do if it was not you, names
escaped in HTML, and nothing to act with (no link with a token, no code)."""

from __future__ import annotations

import re
from pathlib import Path

from portal_adapter.notices.messages import KINDS, render

FACTS = {
    "username": "pro.ada.martin",
    "actor": "Camille Martin (pro.camille.martin)",
    "member": "Ada Martin (pro.ada.martin)",
    "structure": "RESEAUX NORMANDS TRAVAUX",
    "factor": "application d'authentification",
    "previous_email": "ada@ancienne.test",
    "new_email": "ada@nouvelle.test",
    "previous_profile": "Standard",
    "new_profile": "Administrateur",
    "concession": "EAU DU HAVRE - RESEAU NORD",
    "last_login": "12/06/2024",
    "days_left": "30",
    "disable_on": "27/06/2026",
    "delete_on": "27/05/2027",
}
AT = 1_780_000_000.0  # 28/05/2026 20:26 UTC


def test_every_kind_renders_in_french_with_its_time_and_its_way_out():
    documented = (Path(__file__).parents[1] / "docs" / "security-emails.md").read_text(encoding="utf-8")
    assert len(KINDS) >= 13  # the eleven of the list, and the two of a second factor's reset
    assert all(f"« Hariane PRO : {spec.subject.format(**FACTS)} »" in documented for spec in KINDS.values())
    for kind, spec in KINDS.items():
        message = render(kind, FACTS, at=AT, help_url="mailto:aide@exemple.test", portal_url="https://pro.test")
        assert message.subject == f"Hariane PRO : {spec.subject.format(**FACTS)}", kind
        for body in (message.text, message.html):
            assert "28/05/2026 à 22:26 (heure de Paris)" in body, kind  # Paris summer time, UTC+2
            assert "—" not in body and "{" not in body, kind  # every fact filled
            assert "mailto:aide@exemple.test" in body
            assert "assistance Hariane PRO" in body
        assert message.html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in message.html
        assert "<a " not in message.html and not re.search(r"https?://\S+\?", message.text)


def test_the_advice_fits_who_is_told():
    password = render("password_changed", FACTS, at=AT, help_url="h", portal_url="p")
    assert "« Mot de passe oublié »" in password.text  # the owner takes their account back
    disabled = render("account_disabled", FACTS, at=AT, help_url="h", portal_url="p")
    assert "contactez un administrateur de votre structure" in disabled.text
    added = render("admin_added", FACTS, at=AT, help_url="h", portal_url="p")
    assert "« Gestion des utilisateurs »" in added.text and "Ada Martin (pro.ada.martin)" in added.text
    linked = render("concession_linked", FACTS, at=AT, help_url="h", portal_url="p")
    assert "service Voirie" in linked.text and "« EAU DU HAVRE - RESEAU NORD »" in linked.text
    changed = render("email_changed", FACTS, at=AT, help_url="h", portal_url="p")
    assert "ada@ancienne.test a été remplacée par ada@nouvelle.test" in changed.text


def test_names_are_escaped_in_html_and_a_missing_fact_reads_as_a_dash():
    message = render("admin_added", {**FACTS, "member": "<b>Ada</b> & Cie"}, at=AT, help_url="h", portal_url="p")
    assert "&lt;b&gt;Ada&lt;/b&gt; &amp; Cie" in message.html and "<b>Ada</b>" not in message.html
    assert "<b>Ada</b> & Cie" in message.text
    unknown = render("profile_changed", {}, at=AT, help_url="h", portal_url="p").text
    assert ": — → —." in unknown
