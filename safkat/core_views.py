"""The home page and liveness."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    return render_template("core/index.html")


@bp.route("/healthz")
def healthz():
    """Liveness: touches nothing. Also the trivial endpoint benchmarks compare against."""
    return Response("ok\n", mimetype="text/plain")
