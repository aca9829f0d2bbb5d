"""The ``portal-adapter`` command line."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import UTC

import click
from rich.console import Console
from rich.table import Table

from portal_adapter import db
from portal_adapter.config import ConfigError, Settings
from portal_adapter.sirene.errors import LookupFailed
from portal_adapter.siret import InvalidSiret
from portal_adapter.structure_lookup_factory import build_structure_lookup

SECRET_FIELDS = {"secret_key", "portal_client_secret", "adapter_client_secret", "api_secret", "insee_api_key",
                 "concession_code_pepper"}
ADDRESS_LABELS = {
    "country": "Pays", "postal_code": "Code postal", "city": "Ville", "recipient": "Identification du destinataire",
    "apartment": "N° appartement ou boîte aux lettres - étage - couloir - escalier - chez ...",
    "building": "Entrée - bâtiment - immeuble - résidence", "street_number": "Numéro de voie",
    "street_number_suffix": "Complément de n°", "street": "Type et nom de la voie",
    "po_box_or_locality": "Boite Postale - Lieu-dit", "one_line": "Adresse (une ligne)",
}


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


@click.group()
def main() -> None:
    """Hariane PRO portal adapter."""


@main.command("config")
def show_config() -> None:
    """Print the effective configuration (secrets masked)."""
    settings = _settings()
    table = Table("setting", "value")
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        table.add_row(field.name, "********" if field.name in SECRET_FIELDS and value else str(value))
    Console().print(table)


@main.group("db")
def db_group() -> None:
    """The adapter's database."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations (creates the database when needed)."""
    db.upgrade(_settings().database_url)


@main.group("siret")
def siret_group() -> None:
    """The SIRENE register."""


@siret_group.command("lookup")
@click.argument("siret")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
def siret_lookup(siret: str, as_json: bool) -> None:
    """Print the structure registered under SIRET."""
    settings = _settings()
    db.upgrade(settings.database_url)
    lookup = build_structure_lookup(settings, db.make_engine(settings.database_url))
    try:
        record = lookup.lookup(siret)
    except (InvalidSiret, LookupFailed) as error:
        if as_json:
            click.echo(json.dumps({"error": {"code": error.code, "message": error.message}}, ensure_ascii=False))
        else:
            click.echo(f"{error.code}: {error.message}", err=True)
        sys.exit(1)
    data = record.to_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"SIRET {record.siret}", show_header=False)
    rows = [
        ("Raison sociale", record.name), ("Sigle", record.acronym), ("SIREN", record.siren),
        ("Catégorie juridique", record.legal_category), ("Type de structure", record.structure_type.label),
        ("Siège", "oui" if record.head_office else "non"), ("État", "actif" if record.active else "fermé"),
        ("Diffusion", "publique" if record.public else "partielle"),
        ("Adresse complète", "oui" if record.address_complete else "non (code postal et ville seulement)"),
    ]
    rows += [(label, data["address"][key]) for key, label in ADDRESS_LABELS.items()]
    rows += [("Source", record.source), ("Obtenu le", data["fetched_at"])]
    for label, value in rows:
        table.add_row(label, "" if value is None else str(value))
    Console().print(table)


@main.group("concessions")
def concessions_group() -> None:
    """Road-works concession accounts of the old Espace Concessionnaires Réseaux."""


@concessions_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def concessions_import(file: str) -> None:
    """Import (or re-import) the legacy registry from a CSV or JSON FILE."""
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from portal_adapter.concessions.legacy_rows import read_rows
    from portal_adapter.concessions.registry_import import import_rows

    settings = _settings()
    db.upgrade(settings.database_url)
    text = Path(file).read_text(encoding="utf-8-sig")
    rows = list(read_rows(text, file))
    console = Console(stderr=True)
    with Progress(TextColumn("Import"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("import", total=len(rows))
        report = import_rows(db.make_engine(settings.database_url), settings.concession_code_pepper.encode(), rows,
                             progress=lambda n: bar.advance(task, n))
    click.echo(f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
               f"{len(report.rejected)} rejected")
    if report.rejected:
        table = Table("line", "reason", title="Rejected rows")
        for rejected in report.rejected:
            table.add_row(str(rejected.line), rejected.reason)
        Console().print(table)


def _linker():
    from portal_adapter.concessions.linking import Linker

    settings = _settings()
    db.upgrade(settings.database_url)
    return Linker(db.make_engine(settings.database_url), settings.concession_code_pepper.encode())


@concessions_group.command("unlock")
@click.argument("label")
@click.option("--by", "agent", required=True, help="Who unlocks (recorded in the audit trail).")
def concessions_unlock(label: str, agent: str) -> None:
    """Lift the lock of the concession account LABEL (metropolis staff)."""
    import sqlalchemy as sa

    from portal_adapter.concessions.legacy_rows import label_key
    from portal_adapter.db import concession_accounts

    linker = _linker()
    with linker.engine.connect() as connection:
        account_id = connection.execute(
            sa.select(concession_accounts.c.id).where(concession_accounts.c.key == label_key(label))).scalar()
    if account_id is None:
        click.echo(f"error: no concession account is labelled {label!r}", err=True)
        sys.exit(1)
    linker.unlock(account_id, by=agent)
    click.echo(f"unlocked: {label} (account {account_id}) by {agent}")


@concessions_group.command("audit")
@click.option("--label", help="Only the attempts on this concession account label.")
@click.option("--limit", default=50, show_default=True, help="How many of the latest attempts.")
def concessions_audit(label: str | None, limit: int) -> None:
    """The latest link attempts: UTC time, user, SIRET, source IP, account, result (never the code)."""
    from datetime import datetime

    import sqlalchemy as sa

    from portal_adapter.concessions.legacy_rows import label_key
    from portal_adapter.db import link_attempts

    linker = _linker()
    query = sa.select(link_attempts).order_by(link_attempts.c.id.desc()).limit(limit)
    if label:
        query = query.where(link_attempts.c.label == label_key(label))
    table = Table("UTC time", "user", "SIRET", "IP", "label", "account", "result", "detail", title="Link attempts")
    with linker.engine.connect() as connection:
        for row in connection.execute(query):
            when = datetime.fromtimestamp(row.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
            table.add_row(when, row.user_id, row.siret, row.ip, row.label, str(row.account_id or ""), row.result,
                          row.detail or "")
    Console(width=200).print(table)
