"""The home page, liveness, and the amount preview shared by the forms that take amounts."""

from __future__ import annotations

import os
import tempfile

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_login import login_required
from sqlalchemy import text

from safkat.db import get_database
from safkat.i18n import amount_words, format_dzd
from safkat.money import AmountError, parse_amount
from safkat.web import translate_error

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


@bp.route("/amounts/preview", methods=["POST"])
@login_required
def amount_preview():
    """Amounts as typed, read by the one parser, in figures and words in the page's language,
    with their total: what ``static/js/amount-preview.js`` shows under amount fields as the
    user types. POST, so amounts stay out of URLs and access logs; nothing is stored."""
    typed = (request.get_json(silent=True) or {}).get("amounts")
    if not isinstance(typed, dict) or len(typed) > 20:
        return {"error": "amounts: an object of at most 20 strings"}, 400
    shown, total = {}, 0
    for name, value in typed.items():
        if not isinstance(value, str) or not value.strip():
            shown[str(name)] = None
            continue
        try:
            centimes = parse_amount(value[:100])
        except AmountError as error:
            shown[str(name)], total = {"error": translate_error(error)}, None
            continue
        shown[str(name)] = {"text": format_dzd(centimes), "words": amount_words(centimes)}
        total = total + centimes if total is not None else None
    given = [value for value in shown.values() if value]
    body = {"amounts": shown, "total": None}
    if total is not None and len(given) > 1:
        body["total"] = {"text": format_dzd(total), "words": amount_words(total)}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
