"""The ``portal-adapter`` command line (entry point ``portal_adapter.cli:main``)."""

from portal_adapter.cli.commands import main

__all__ = ["main"]
