"""The home page and liveness."""

from __future__ import annotations

import os
import tempfile

from flask import Blueprint, Response, current_app, render_template
from sqlalchemy import text

from safkat.db import get_database

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    return render_template("core/index.html")


@bp.route("/healthz")
def healthz():
    """Liveness: touches nothing. Also the trivial endpoint benchmarks compare against."""
    return Response("ok\n", mimetype="text/plain")


@bp.route("/readyz")
def readyz():
    """Readiness: the database answers and the uploads folder is writable. For load balancers."""
    problems = []
    try:
        with get_database().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        problems.append("database")
    folder = current_app.config["UPLOAD_FOLDER"]
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".ready-"):
            pass
    except OSError:
        problems.append("storage")
    if problems:
        return Response("not ready: " + ", ".join(problems) + "\n", status=503, mimetype="text/plain")
    return Response("ready\n", mimetype="text/plain")
