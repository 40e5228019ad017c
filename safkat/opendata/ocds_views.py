"""OCDS 1.1 over HTTP, and the ``safkat ocds export`` command.

- ``/ocds/releases/<ocid>.json``: the release package of one tender (every release, oldest first).
- ``/ocds/records/<ocid>.json``: its record package: the releases, linked, and the compiled release.
- ``/ocds/releases.json?since=YYYY-MM-DD&page=N``: every release dated ``since`` or later
  (UTC), oldest first, ``per_page`` at a time (default 100, at most 500), with
  ``links.next`` and ``links.prev`` (pagination extension). ``since`` also takes a full
  ISO 8601 time; a malformed ``since`` is a 400; a page past the end is a 404 (a release
  package must hold at least one release).

Responses are JSON (errors too, in English), allow any origin, and carry an ETag.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

import click
from flask import Blueprint, Response, abort, current_app, request, url_for
from flask.cli import with_appcontext
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from safkat.db import get_database
from safkat.http_cache import cacheable, make_etag, not_modified
from safkat.numbers import parse_int
from safkat.opendata.models import OcdsRelease
from safkat.opendata.ocds.packages import BulkExport, package_metadata, release_package_text
from safkat.opendata.ocds.publisher import BID_EXTENSION, PAGINATION_EXTENSION, current_publisher
from safkat.opendata.ocds.records import record_package
from safkat.opendata.ocds.storage import bulk_query, releases_of
from safkat.opendata.ocds.values import dumps, parse_iso
from safkat.pagination import parse_page
from safkat.web import get_session

bp = Blueprint("ocds", __name__, url_prefix="/ocds")

PER_PAGE = 100
MAX_PER_PAGE = 500
NO_RELEASES = "No OCDS release has this ocid."
BAD_SINCE = "since must be a date (YYYY-MM-DD) or an ISO 8601 time."
PAGE_PAST_END = "No release on this page."


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def _json_text_response(body: str, status: int = 200) -> Response:
    response = current_app.response_class(body, status=status, mimetype="application/json")
    response.access_control_allow_origin = "*"
    return response


def _conditional(etag: str, render) -> Response:
    response = not_modified(etag, None)
    if response is None:
        response = _json_text_response(render())
    response.access_control_allow_origin = "*"
    return cacheable(response, etag, None)


def _release_package_url(ocid: str) -> str:
    return _absolute(url_for("ocds.show_releases", ocid=ocid))


@bp.get("/releases/<ocid>.json")
def show_releases(ocid: str):
    """The release package of one contracting process."""
    rows = releases_of(get_session(), ocid)
    if not rows:
        abort(404, description=NO_RELEASES)
    publisher = current_publisher()
    metadata = package_metadata(_release_package_url(ocid), publisher, max(row.date for row in rows), [BID_EXTENSION])
    etag = make_etag("ocds.releases", ocid, len(rows), max(row.id for row in rows))
    return _conditional(etag, lambda: release_package_text(metadata, (row.release for row in rows)))


@bp.get("/records/<ocid>.json")
def show_record(ocid: str):
    """The record package of one contracting process, with its compiled release."""
    rows = releases_of(get_session(), ocid)
    if not rows:
        abort(404, description=NO_RELEASES)
    publisher = current_publisher()
    uri = _absolute(url_for("ocds.show_record", ocid=ocid))
    etag = make_etag("ocds.record", ocid, len(rows), max(row.id for row in rows))
    return _conditional(
        etag,
        lambda: dumps(record_package(rows, uri=uri, package_uri=_release_package_url(ocid), publisher=publisher)),
    )


def parse_since(value: str | None) -> datetime | None:
    """``2026-03-02`` (midnight UTC) or a full ISO 8601 time; ``None`` when not given."""
    if not value:
        return None
    try:
        moment = parse_iso(value)
    except ValueError:
        abort(400, description=BAD_SINCE)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _per_page(value: str | None) -> int:
    return parse_int(value, default=PER_PAGE, minimum=1, maximum=MAX_PER_PAGE)


def _bulk_url(since: str | None, page: int, per_page: int) -> str:
    arguments = {"since": since or None, "page": page, "per_page": per_page if per_page != PER_PAGE else None}
    return _absolute(url_for("ocds.list_releases", **{k: v for k, v in arguments.items() if v is not None}))


@bp.get("/releases.json")
def list_releases():
    """Every release dated ``since`` or later, a page at a time."""
    session = get_session()
    since_arg = request.args.get("since")
    since = parse_since(since_arg)
    page, per_page = parse_page(request.args.get("page")), _per_page(request.args.get("per_page"))
    last_id = session.scalar(select(func.max(OcdsRelease.id)))
    etag = make_etag("ocds.bulk", since, page, per_page, last_id)
    response = not_modified(etag, None)
    if response is not None:
        response.access_control_allow_origin = "*"
        return response
    rows = list(session.scalars(bulk_query(since).limit(per_page + 1).offset((page - 1) * per_page)))
    if not rows:
        abort(404, description=PAGE_PAST_END)
    links = {}
    if len(rows) > per_page:
        rows = rows[:per_page]
        links["next"] = _bulk_url(since_arg, page + 1, per_page)
    if page > 1:
        links["prev"] = _bulk_url(since_arg, page - 1, per_page)
    metadata = package_metadata(
        _bulk_url(since_arg, page, per_page),
        current_publisher(),
        max(row.date for row in rows),
        [BID_EXTENSION, PAGINATION_EXTENSION],
    )
    if links:
        metadata["links"] = links
    body = release_package_text(metadata, (row.release for row in rows))
    return cacheable(_json_text_response(body), etag, None)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    code = error.code or 500
    return _json_text_response(dumps({"error": {"code": code, "message": error.description or ""}}), code)


# --- command line -----------------------------------------------------------------------------


@click.group("ocds")
def ocds_group():
    """Open Contracting Data Standard (OCDS) open data."""


@ocds_group.command("export")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only releases of that day (UTC) or later.")
@click.option("--uri", help="The package's URI, where the file will be published [default: BASE_URL/ocds/bulk/FILE].")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@with_appcontext
def export_command(since: datetime | None, uri: str | None, file: str):
    """Write every OCDS release (or those since a date) into FILE as one release package.

    Releases are streamed from the database to the file; FILE appears only once complete.
    Use - for standard output.
    """
    since = since.replace(tzinfo=UTC) if since else None
    publisher = current_publisher()
    uri = uri or f"{publisher.base_url}/ocds/bulk/{os.path.basename(file) if file != '-' else 'releases.json'}"
    with get_database().session() as session, session.begin():
        export = BulkExport(session, since)
        if not export.count:
            raise click.ClickException("No OCDS release to export" + (f" since {since:%Y-%m-%d}." if since else "."))
        progress_file = sys.stderr if file == "-" else None
        with (
            click.open_file(file, "w", encoding="utf-8", atomic=file != "-") as out,
            click.progressbar(length=export.count, label="Exporting OCDS releases", file=progress_file) as bar,
        ):
            written = export.write(out, uri=uri, publisher=publisher, on_release=lambda: bar.update(1))
    click.echo(f"Wrote {written} release(s) to {file}.", err=file == "-")
