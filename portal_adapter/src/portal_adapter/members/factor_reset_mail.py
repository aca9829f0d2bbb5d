"""The two e-mails of « Réinitialiser le second facteur » (to the member, to the administrator
who did it), French plain text from ``templates/members/``, sent by :mod:`portal_adapter.mailer`
after the change is made. Neither carries a secret, a code or a link that signs anyone in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import jinja2

from portal_adapter import mailer
from portal_adapter.config import Settings
from portal_adapter.members.service import Member, Structure

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("portal_adapter", "templates"),
    autoescape=False,  # plain text
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
MEMBER_SUBJECT = "Hariane PRO : votre second facteur a été réinitialisé"
ADMINISTRATOR_SUBJECT = "Hariane PRO : vous avez réinitialisé le second facteur d'un utilisateur"


def send_factor_reset_mails(
    settings: Settings, structure: Structure, member: Member, administrator: dict, at: float
) -> None:
    context = {
        "structure": structure,
        "member": member,
        "administrator_name": f"{administrator.get('firstName', '')} {administrator.get('lastName', '')}".strip(),
        "when": datetime.fromtimestamp(at, ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H:%M"),
        "help_url": settings.help_url,
    }
    mailer.send(
        settings,
        [member.email],
        MEMBER_SUBJECT,
        _TEMPLATES.get_template("members/second_facteur_reinitialise_membre.txt").render(context),
    )
    mailer.send(
        settings,
        [administrator.get("email", "")],
        ADMINISTRATOR_SUBJECT,
        _TEMPLATES.get_template("members/second_facteur_reinitialise_administrateur.txt").render(context),
    )
