"""The dashboard's charts: what each one shows, as a table, a CSV file and an SVG picture.

A :class:`Chart` holds the same figures three ways: ``rows`` (formatted for the page's
language: the visible table, the accessible alternative of the picture), ``csv_rows``
(plain values: amounts in DZD with two decimals, shares in percent) and ``bars`` (what
:func:`render_svg` draws). The SVG is drawn on the server, with text labels, a
``<title>`` and a ``<desc>``, and no script.

Horizontal bar charts follow the page's direction: on Arabic pages labels sit on the right
and bars grow leftwards (the geometry is mirrored and the ``<svg>`` carries
``direction="rtl"``, so ``text-anchor`` keeps its logical meaning).

The modules: :mod:`.model` (a chart's figures), :mod:`.formatting` (numbers for the page
and for CSV files), :mod:`.svg` (the picture), and the chart kinds (:mod:`.activity`,
:mod:`.awards`, :mod:`.overview`), listed by slug in :data:`CHARTS`.
"""

from __future__ import annotations

from collections.abc import Callable

from safkat.opendata.charts import activity, awards, overview, payments
from safkat.opendata.charts.formatting import Formatter
from safkat.opendata.charts.model import Chart
from safkat.opendata.stats.dashboard import Dashboard

Builder = Callable[[Dashboard, Formatter, Callable[[str], str]], Chart]
CHARTS: dict[str, Builder] = {
    "summary": overview.summary,
    "tenders-by-state": overview.tenders_by_state,
    "tenders-per-month": activity.tenders_per_month,
    "bids-per-month": activity.bids_per_month,
    "bids-per-tender": activity.bids_per_tender,
    "awarded-by-wilaya": awards.awarded_by_wilaya,
    "awarded-by-sector": awards.awarded_by_sector,
    "awarded-by-authority": awards.awarded_by_authority,
    "micro-enterprises": awards.micro_enterprises,
    "reserved-share": awards.reserved_share,
    "time-to-award": awards.time_to_award,
    "red-flags": overview.red_flags,
    "payment-delays": payments.payment_delays,
    "reserved-share-awarded": awards.reserved_share_awarded,
    "payment-delays-per-month": payments.payment_delays_per_month,
}
