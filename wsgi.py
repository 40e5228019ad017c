"""WSGI entry point: ``gunicorn wsgi:app``."""

from safkat import create_app

app = create_app()
