"""The public statistics: ``/stats``, an authority's dashboard, and each chart as CSV.

Filters come from the query string (``year``, ``authority``, ``wilaya``), so every view
is a shareable URL, and the CSV link of a chart carries the same filters. Responses are
conditional (ETag and Last-Modified from :func:`safkat.opendata.stats.dashboard.last_change`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from sqlalchemy import select

from safkat.accounts.models import ContractingAuthority
from safkat.csvfiles import csv_bytes
from safkat.http_cache import cacheable, make_etag, not_modified, public_body, rendered
from safkat.i18n import current_language, text_direction
from safkat.opendata import redflags
from safkat.opendata.charts import CHARTS
from safkat.opendata.charts.formatting import Formatter
from safkat.opendata.charts.model import Chart
from safkat.opendata.charts.svg import render_svg
from safkat.opendata.stats.awards import RESERVATION_TARGET
from safkat.opendata.stats.dashboard import Dashboard, available_years, last_change
from safkat.opendata.stats.scope import StatsFilters
from safkat.tenders.filters import ALGIERS
from safkat.web import get_session, now
from safkat.wilayas import wilaya_choices

bp = Blueprint("stats", __name__)

PUBLIC_CHARTS = [slug for slug in CHARTS if slug != "summary"]
# An authority's page shows its pipeline first; a chart by authority would have one bar.
AUTHORITY_CHARTS = [slug for slug in PUBLIC_CHARTS if slug not in ("tenders-by-state", "awarded-by-authority")]


def short_period_days() -> int:
    return int(current_app.config.get("REDFLAG_SHORT_PERIOD_DAYS", redflags.DEFAULT_SHORT_PERIOD_DAYS))


def _validators(filters: StatsFilters, *parts: object) -> tuple[str, object]:
    changed = last_change(get_session(), now())
    # The day is part of the key: invoices fall past due as days pass, with no write.
    today = now().astimezone(ALGIERS).date()
    etag = make_etag("stats", *parts, sorted(filters.as_args().items()), changed, short_period_days(), today)
    return etag, changed


def _built(filters: StatsFilters, slugs: list[str]) -> tuple[Dashboard, dict[str, Chart]]:
    data = Dashboard(get_session(), filters, now(), short_period_days(), current_app.config["LATE_PAYER_SHARE"])
    fmt = Formatter(current_language())
    others = {name: value for name, value in filters.as_args().items() if name != "authority"}

    def link(code: str) -> str:
        return url_for("stats.show_authority", code=code, **others)

    return data, {slug: CHARTS[slug](data, fmt, link) for slug in slugs}


def _page(filters: StatsFilters, authority: ContractingAuthority | None):
    etag, changed = _validators(filters, authority.code if authority else "")
    cached = not_modified(etag, changed)
    if cached:
        return cached

    def render() -> str:
        session = get_session()
        slugs = ["summary", *(AUTHORITY_CHARTS if authority else PUBLIC_CHARTS)]
        if authority:
            slugs.append("tenders-by-state")
        data, built = _built(filters, slugs)
        return render_template(
            "opendata/stats.html",
            filters=filters,
            authority=authority,
            data=data,
            summary=built.pop("summary"),
            pipeline=built.pop("tenders-by-state") if authority else None,
            charts=list(built.values()),
            svg=partial(render_svg, rtl=text_direction() == "rtl"),
            csv_url=lambda slug: url_for("stats.download_csv", chart=slug, **filters.as_args()),
            years=available_years(session, now()),
            authorities=session.scalars(select(ContractingAuthority).order_by(ContractingAuthority.code)).all(),
            wilayas=wilaya_choices(current_language()),
            short_period_days=short_period_days(),
            percent=Formatter(current_language()).percent,
            reservation_target=RESERVATION_TARGET,
        )

    # The figures are computed over the whole database: the public page is rendered once per
    # process and change of data (its ETag names both), not once per visitor.
    html = public_body(etag, render)
    return cacheable(current_app.make_response(html), etag, changed)


@bp.route("/stats")
def show_dashboard():
    return _page(StatsFilters.from_args(request.args), None)


@bp.route("/stats/authority/<code>")
def show_authority(code: str):
    authority = get_session().scalar(select(ContractingAuthority).where(ContractingAuthority.code == code.upper()))
    if authority is None:
        abort(404)
    return _page(replace(StatsFilters.from_args(request.args), authority=authority.code), authority)


@bp.route("/stats/<chart>.csv")
def download_csv(chart: str):
    if chart not in CHARTS:
        abort(404)
    filters = StatsFilters.from_args(request.args)
    etag, changed = _validators(filters, "csv", chart)
    cached = not_modified(etag, changed)
    if cached:
        return cached
    body = rendered.get_or_render(etag, lambda: chart_csv(_built(filters, [chart])[1][chart]))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{csv_filename(chart, filters)}"'
    return cacheable(response, etag, changed)


def chart_csv(chart: Chart) -> bytes:
    return csv_bytes(chart.csv_header, chart.csv_rows)


def csv_filename(chart: str, filters: StatsFilters) -> str:
    parts = ["safkat", chart, *filters.as_args().values()]
    return re.sub(r"[^A-Za-z0-9-]+", "-", "-".join(parts)) + ".csv"
