"""The ``portal-adapter`` command line."""

from __future__ import annotations

import dataclasses
import sys

import click
from rich.console import Console
from rich.table import Table

from portal_adapter.config import ConfigError, Settings

SECRET_FIELDS = {"secret_key", "portal_client_secret", "adapter_client_secret"}


@click.group()
def main() -> None:
    """Hariane PRO portal adapter."""


@main.command("config")
def show_config() -> None:
    """Print the effective configuration (secrets masked)."""
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    table = Table("setting", "value")
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        table.add_row(field.name, "********" if field.name in SECRET_FIELDS else str(value))
    Console().print(table)
