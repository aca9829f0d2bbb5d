"""The ``portal-adapter`` command line."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import UTC

import click
import sqlalchemy as sa
from keycloak.exceptions import KeycloakError
from rich.console import Console
from rich.table import Table

from portal_adapter import db
from portal_adapter.cli.database import database_settings, shown
from portal_adapter.config import ConfigError, Settings
from portal_adapter.sirene.errors import LookupFailed
from portal_adapter.sirene.siret import InvalidSiret
from portal_adapter.sirene.wiring import build_structure_lookup

SECRET_FIELDS = {
    "secret_key",
    "portal_client_secret",
    "adapter_client_secret",
    "api_secret",
    "insee_api_key",
    "concession_code_pepper",
}
ADDRESS_LABELS = {
    "country": "Pays",
    "postal_code": "Code postal",
    "city": "Ville",
    "recipient": "Identification du destinataire",
    "apartment": "N° appartement ou boîte aux lettres - étage - couloir - escalier - chez ...",
    "building": "Entrée - bâtiment - immeuble - résidence",
    "street_number": "Numéro de voie",
    "street_number_suffix": "Complément de n°",
    "street": "Type et nom de la voie",
    "po_box_or_locality": "Boite Postale - Lieu-dit",
    "one_line": "Adresse (une ligne)",
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
        ("Raison sociale", record.name),
        ("Sigle", record.acronym),
        ("SIREN", record.siren),
        ("Catégorie juridique", record.legal_category),
        ("Type de structure", record.structure_type.label),
        ("Siège", "oui" if record.head_office else "non"),
        ("État", "actif" if record.active else "fermé"),
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
    """Comptes de concession voirie de l'ancien Espace Concessionnaires Réseaux (personnel de la Métropole).

    Base de données : PORTAL_DATABASE_URL et CONCESSION_CODE_PEPPER du déploiement visé ; en développement,
    sans elles, celles de « make run »."""


def _database() -> tuple[Settings, sa.Engine]:
    """The database the command works on (said on stderr); exit 2 with a French sentence when unclear."""
    try:
        settings, whose = database_settings()
    except ConfigError as error:
        click.echo(f"Erreur : {error}", err=True)
        sys.exit(2)
    click.echo(f"Base de données : {shown(settings.database_url)} ({whose})", err=True)
    db.upgrade(settings.database_url)
    return settings, db.make_engine(settings.database_url)


@concessions_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--encodage", "encoding", metavar="ENCODAGE", help="Encodage du fichier (utf-8, windows-1252…) ; détecté sinon."
)
@click.option(
    "--separateur",
    "delimiter",
    type=click.Choice([";", ",", "tab"]),
    help="Séparateur des colonnes du CSV ; détecté sinon.",
)
@click.option(
    "--accepter-partiel", "allow_partial", is_flag=True, help="Réussir (code 0) même si des lignes sont refusées."
)
def concessions_import(file: str, encoding: str | None, delimiter: str | None, allow_partial: bool) -> None:
    """Importe (ou ré-importe) le registre depuis FILE, CSV ou JSON.

    Les comptes valides sont importés, les lignes refusées listées avec leur numéro de ligne ;
    le code de sortie est 1 si une ligne est refusée (sauf --accepter-partiel), 2 si le fichier
    est illisible."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from portal_adapter.backoffice import journal
    from portal_adapter.concessions import staff
    from portal_adapter.concessions.registry_file import UnreadableRegistry, read_bytes

    try:
        rows = staff.read_rows(
            read_bytes(file), file, encoding=encoding, delimiter="\t" if delimiter == "tab" else delimiter
        )
    except UnreadableRegistry as unreadable:
        click.echo(f"Erreur : {unreadable.message}", err=True)
        sys.exit(2)
    settings, engine = _database()
    console = Console(stderr=True)
    with Progress(TextColumn("Import"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("import", total=len(rows))
        report = staff.import_registry(
            engine, settings.concession_code_pepper.encode(), rows, progress=lambda n: bar.advance(task, n)
        )
    journal.record(engine, _command_line_agent(), "import", file, detail=staff.summary(report))
    click.echo(staff.summary(report))
    for title, entries in (
        ("Lignes refusées", report.rejected),
        ("Comptes importés avec une remarque", report.remarks),
    ):
        if entries:
            table = Table("ligne", "motif", title=title)
            for entry in entries:
                table.add_row(str(entry.line), entry.reason)
            Console(width=160).print(table)
    if report.rejected and not allow_partial:
        count, s = len(report.rejected), "s" if len(report.rejected) > 1 else ""
        click.echo(
            f"Erreur : {count} ligne{s} refusée{s} (les autres comptes sont importés) : "
            "corrigez-les puis relancez l'import, ou ajoutez --accepter-partiel.",
            err=True,
        )
        sys.exit(1)


def _linker():
    from portal_adapter.concessions.linking import Linker

    settings, engine = _database()
    return Linker(engine, settings.concession_code_pepper.encode())


def _command_line_agent(by: str | None = None):
    """Who acts from the command line, for the agents' journal: ``--by``, else the system user."""
    import getpass

    from portal_adapter.backoffice.journal import Agent

    who = by or getpass.getuser()
    return Agent(who, f"{who} (ligne de commande)")


@concessions_group.command("unlock")
@click.argument("label")
@click.option("--by", "agent", required=True, help="Votre identifiant (inscrit au journal).")
@click.option("--motif", "reason", default="", help="Pourquoi le compte est débloqué (inscrit au journal).")
def concessions_unlock(label: str, agent: str, reason: str) -> None:
    """Débloque le compte de concession d'intitulé LABEL."""
    from portal_adapter.backoffice import journal
    from portal_adapter.concessions import staff

    linker = _linker()
    concession = staff.by_label(linker.engine, label)
    if concession is None:
        click.echo(f"Erreur : aucun compte de concession n'a pour intitulé « {label} ».", err=True)
        sys.exit(1)
    who = _command_line_agent(agent)
    staff.unlock(linker, concession, by=agent, actor=who.name, reason=reason)
    journal.record(linker.engine, who, "unlock", f"{concession.public_id} ({concession.label})", reason)
    click.echo(f"Débloqué : « {concession.label} » (compte {concession.id}) par {agent}")


@concessions_group.command("audit")
@click.option("--label", help="Seulement les essais sur cet intitulé.")
@click.option("--limit", default=50, show_default=True, help="Combien des derniers essais.")
def concessions_audit(label: str | None, limit: int) -> None:
    """Les derniers essais de rattachement : heure UTC, utilisateur, SIRET, IP, compte, résultat (jamais le code)."""
    from datetime import datetime

    from portal_adapter.concessions import staff

    linker = _linker()
    table = Table(
        "heure UTC",
        "utilisateur",
        "SIRET",
        "IP",
        "intitulé",
        "compte",
        "résultat",
        "détail",
        title="Essais de rattachement",
    )
    for row in staff.history(linker.engine, label=label, limit=limit):
        when = datetime.fromtimestamp(row.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(
            when,
            row.actor or row.user_id,
            row.siret,
            row.ip,
            row.label,
            str(row.account_id or ""),
            row.result,
            row.detail or "",
        )
    Console(width=200).print(table)


@main.group("structures")
def structures_group() -> None:
    """Les structures inscrites (organisations Keycloak) et le répertoire SIRENE."""


@structures_group.command("resync")
@click.option("--siret", "only", multiple=True, metavar="SIRET", help="Seulement cette structure (répétable).")
@click.option(
    "--pause", default=0.0, show_default=True, help="Secondes d'attente entre deux structures, en plus des limites."
)
def structures_resync(only: tuple[str, ...], pause: float) -> None:
    """Relit chaque structure inscrite dans le répertoire SIRENE (docs/sirene.md).

    Établissement fermé : la structure est signalée, ses administrateurs prévenus par courriel,
    ses membres voient un avis sur leur tableau de bord. Raison sociale ou adresse changée :
    la valeur du répertoire est enregistrée à côté de celle déclarée, jamais à sa place.
    Une synchronisation interrompue reprend où elle s'est arrêtée. Code de sortie : 0 sans
    erreur, 1 si des structures n'ont pu être vérifiées (elles le seront la fois suivante),
    2 si la synchronisation n'a pu se faire."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from portal_adapter.identity.keycloak_admin import service_account_admin
    from portal_adapter.sirene import siret as siret_rules
    from portal_adapter.structures.resync import Resync
    from portal_adapter.structures.runs import RunInProgress

    sirets = []
    for value in only:
        try:
            sirets.append(siret_rules.validate(value))
        except InvalidSiret as error:
            click.echo(f"Erreur : --siret {value} : {error.message}", err=True)
            sys.exit(2)
    settings = _settings()
    db.upgrade(settings.database_url)
    engine = db.make_engine(settings.database_url)
    resync = Resync(
        settings, engine, service_account_admin(settings), build_structure_lookup(settings, engine), pause=pause
    )
    console = Console(stderr=True)
    with Progress(
        TextColumn("Synchronisation SIRENE"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("resync", total=None)

        def started(run, total: int) -> None:
            if run is not None and run.resumed:
                bar.console.print(
                    f"Reprise de la synchronisation n° {run.id} interrompue après le SIRET {run.cursor or '(aucun)'}"
                )
            bar.update(task, total=total)

        try:
            report = resync.run(sirets, started=started, progress=lambda result: bar.advance(task))
        except RunInProgress as busy:
            click.echo(f"Erreur : {busy}", err=True)
            sys.exit(2)
        except KeycloakError as error:
            click.echo(f"Erreur : les structures n'ont pu être lues dans Keycloak ({error}).", err=True)
            sys.exit(2)
    noteworthy = [r for r in report.results if r.outcome != "inchangée"]
    if noteworthy:
        table = Table("SIRET", "résultat", "détail", title="Structures à signaler")
        for result in noteworthy:
            table.add_row(result.siret, result.outcome, result.detail)
        Console(width=160).print(table)
    totals = report.totals
    summary = Table("vérifiées", "modifiées", "fermées", "erreurs", title="Synchronisation SIRENE : bilan")
    summary.add_row(*(str(totals[k]) for k in ("checked", "changed", "closed", "errors")))
    Console(width=160).print(summary)
    click.echo(
        f"Bilan : {totals['checked']} vérifiées, {totals['changed']} modifiées, "
        f"{totals['closed']} fermées, {totals['errors']} erreurs"
    )
    unknown = sorted(set(sirets) - {result.siret for result in report.results})
    for siret in unknown:
        click.echo(f"Erreur : aucune structure n'est inscrite sous le SIRET {siret}.", err=True)
    if totals["errors"] or unknown:
        sys.exit(1)


@main.group("accounts")
def accounts_group() -> None:
    """Les comptes des utilisateurs (docs/account-lifecycle.md)."""


@accounts_group.command("lifecycle")
@click.option(
    "--now",
    "moved_now",
    metavar="DATE",
    envvar="ACCOUNTS_LIFECYCLE_NOW",
    help="Date du jour simulée (AAAA-MM-JJ ou ISO 8601, UTC), pour les essais ; refusée en production.",
)
@click.option("--recherche", "search", default="", help="Seulement les comptes que la recherche de Keycloak trouve.")
@click.option("--par-page", "page_size", default=100, show_default=True, help="Comptes lus par requête à Keycloak.")
def accounts_lifecycle(moved_now: str | None, search: str, page_size: int) -> None:
    """Comptes inactifs : prévient (23 mois sans connexion), désactive (24 mois), supprime (36 mois).

    Les délais viennent de ACCOUNT_INACTIVE_WARN_DAYS, ACCOUNT_INACTIVE_DISABLE_DAYS et
    ACCOUNT_INACTIVE_DELETE_DAYS. Chaque étape n'est faite qu'une fois par compte : une
    exécution interrompue se relance simplement. À lancer chaque jour (cron). Code de sortie :
    0 sans erreur, 1 si des comptes n'ont pu être traités (ils le seront la fois suivante),
    2 si les comptes n'ont pu être lus."""
    from datetime import datetime

    from portal_adapter.account_lifecycle.lifecycle import Lifecycle
    from portal_adapter.identity.keycloak_admin import service_account_admin

    settings = _settings()
    clock = None
    if moved_now:
        if settings.env == "production":
            click.echo("Erreur : --now (date simulée) est refusé en production.", err=True)
            sys.exit(2)
        try:
            moved = datetime.fromisoformat(moved_now)
        except ValueError:
            click.echo(f"Erreur : --now {moved_now} : une date AAAA-MM-JJ ou ISO 8601 est attendue.", err=True)
            sys.exit(2)
        instant = (moved if moved.tzinfo else moved.replace(tzinfo=UTC)).timestamp()
        clock = lambda: instant  # noqa: E731 - the moved clock stands still during the run
        click.echo(f"Date simulée : {moved.isoformat()}", err=True)
    db.upgrade(settings.database_url)
    lifecycle = Lifecycle(
        settings,
        db.make_engine(settings.database_url),
        service_account_admin(settings),
        page_size=max(1, page_size),
        search=search,
    )
    if clock is not None:
        lifecycle.clock = clock
    try:
        totals = lifecycle.run()
    except KeycloakError as error:
        click.echo(f"Erreur : les comptes n'ont pu être lus dans Keycloak ({error}).", err=True)
        sys.exit(2)
    click.echo(
        f"Bilan : {totals.checked} vérifiés, {totals.warned} prévenus, {totals.disabled} désactivés, "
        f"{totals.deleted} supprimés, {totals.errors} erreurs"
    )
    if totals.errors:
        sys.exit(1)


@main.group("join-requests")
def join_requests_group() -> None:
    """Demandes pour rejoindre une structure (docs/join-requests.md).

    Base de données et Keycloak : ceux du déploiement visé (PORTAL_DATABASE_URL, KEYCLOAK_URL,
    PORTAL_ADAPTER_CLIENT_SECRET…) ; en développement, sans eux, ceux de « make run »."""


@join_requests_group.command("escalate")
def join_requests_escalate() -> None:
    """Expire les demandes échues et transmet à la Métropole celles restées sans réponse ou sans
    administrateur actif (à lancer chaque heure, par exemple depuis cron)."""
    from portal_adapter.identity.keycloak_admin import service_account_admin
    from portal_adapter.join_requests.service import JoinRequests
    from portal_adapter.members.service import StructureUsers

    settings, engine = _database()
    service = JoinRequests(
        engine, settings, StructureUsers(service_account_admin(settings), settings), wait_for_mail=True
    )
    moved = service.run_clock()
    escalated, expired = moved["escalated"], moved["expired"]
    click.echo(
        f"{escalated} demande{'s' if escalated > 1 else ''} transmise{'s' if escalated > 1 else ''} à la Métropole, "
        f"{expired} demande{'s' if expired > 1 else ''} expirée{'s' if expired > 1 else ''}"
    )
