"""The home page, liveness, and the amount preview shared by the forms that take amounts."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import text

from safkat.db import get_database
from safkat.http_cache import cacheable, make_etag, not_modified, public_body
from safkat.i18n import amount_words, current_language, format_dzd, text_direction
from safkat.money import AmountError, parse_amount
from safkat.web import get_session, now, translate_error

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    """The way in: the latest open calls for tender and the deadlines closing soon, cached
    like the listing (a tender enters the "closing soon" window with no write: the hour is
    part of the validator, so the window is exact to the hour)."""
    from safkat.tenders import queries
    from safkat.tenders.cards import CardWriter

    session = get_session()
    last_change = queries.last_change(session, now())
    etag = make_etag("home", last_change, now().strftime("%Y%m%d%H"))
    cached = not_modified(etag, last_change)
    if cached:
        return cached
    def render() -> str:
        tenders = queries.home_tenders(session, now(), load=CardWriter(now()).load)
        return render_template("core/index.html", tenders=tenders)

    html = public_body(etag, render)
    return cacheable(current_app.make_response(html), etag, last_change)


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for it at the root whatever the page says."""
    return send_from_directory(Path(current_app.static_folder) / "icons", "favicon.ico", max_age=7 * 24 * 3600)


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest, in the page's language, so that the site can be added to a
    phone's home screen (it opens on the home page, without the browser's bars)."""
    icons = [
        {"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    icons.append({"src": url_for("static", filename="icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"})
    document = {
        "name": "Safkat — صفقتك",
        "short_name": "Safkat",
        "description": _("Public tenders open to micro-enterprises"),
        "lang": current_language(),
        "dir": text_direction(),
        "start_url": url_for("core.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "icons": icons,
    }
    response = Response(json.dumps(document, ensure_ascii=False), mimetype="application/manifest+json")
    response.cache_control.public, response.cache_control.max_age = True, 24 * 3600
    return response


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
