"""The e-mail to a structure's active administrators when the register says its
establishment is closed (template ``templates/structures/etablissement_ferme.txt``)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from portal_adapter import mailer
from portal_adapter.config import Settings

SUBJECT = "Hariane PRO : votre établissement est indiqué fermé dans le répertoire SIRENE"
_TEMPLATES = Environment(
    loader=PackageLoader("portal_adapter", "templates"),
    autoescape=False,  # plain text
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
)


def body(settings: Settings, *, name: str, siret: str, successor: str | None) -> str:
    contact = settings.help_url.removeprefix("mailto:")
    return _TEMPLATES.get_template("structures/etablissement_ferme.txt").render(
        name=name, siret=siret, successor=successor, contact=contact
    )


def send(settings: Settings, to: list[str], *, name: str, siret: str, successor: str | None) -> None:
    """Sent before the command goes on (the command line has no request to keep fast)."""
    mailer.send(settings, to, SUBJECT, body(settings, name=name, siret=siret, successor=successor), wait=True)
