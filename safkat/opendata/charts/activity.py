"""Activity charts: calls for tender and bids per month, and competition (bids per call for tender)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from safkat.opendata.charts.formatting import Formatter
from safkat.opendata.charts.model import Chart, count_chart
from safkat.opendata.stats.activity import MonthCount
from safkat.opendata.stats.dashboard import Dashboard


def _month_chart(slug: str, title, description, unit, months: list[MonthCount], fmt: Formatter) -> Chart:
    return count_chart(
        slug,
        title,
        description,
        [_l("Month"), unit],
        ["month", slug.split("-")[0]],
        [(fmt.month(m.month), m.month, m.count) for m in months],
        fmt.integer,
    )


def tenders_per_month(data: Dashboard, fmt: Formatter, link) -> Chart:
    return _month_chart(
        "tenders-per-month",
        _l("Calls for tender published per month"),
        _l("Number of calls for tender published each month (Algiers time)."),
        _l("Calls for tender"),
        data.tenders_per_month,
        fmt,
    )


def bids_per_month(data: Dashboard, fmt: Formatter, link) -> Chart:
    return _month_chart(
        "bids-per-month",
        _l("Bids per month"),
        _l("Number of bids submitted each month, counted once they are opened (sealed bids are never counted)."),
        _l("Bids"),
        data.bids_per_month,
        fmt,
    )


def bids_per_tender(data: Dashboard, fmt: Formatter, link) -> Chart:
    buckets: dict[str, int] = {}
    for bids, tenders in sorted(data.competition.distribution.items()):
        key = str(bids) if bids < 5 else "5+"
        buckets[key] = buckets.get(key, 0) + tenders
    return count_chart(
        "bids-per-tender",
        _l("Competition: bids per call for tender"),
        _l("Number of calls for tender whose bids were opened, by number of bids received."),
        [_l("Bids received"), _l("Calls for tender")],
        ["bids", "tenders"],
        [(key, key, count) for key, count in buckets.items()],
        fmt.integer,
    )
