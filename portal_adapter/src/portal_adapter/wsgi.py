"""WSGI entry point for gunicorn: ``gunicorn portal_adapter.wsgi:app``."""

from portal_adapter.app import create_app

app = create_app()
