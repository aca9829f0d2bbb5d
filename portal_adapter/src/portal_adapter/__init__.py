"""Hariane PRO portal adapter (Flask): portal pages, SIRENE enrichment, concession links."""

from portal_adapter.app import create_app

__all__ = ["create_app"]
