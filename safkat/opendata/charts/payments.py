"""Payment charts: days from an invoice's receipt to its payment order, per authority and per month.

No invoice amount appears: only counts and days (see :mod:`safkat.opendata.stats.payments`).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from safkat.opendata.charts.formatting import Formatter, csv_percent
from safkat.opendata.charts.model import Bar, Cell, Chart
from safkat.opendata.stats.dashboard import Dashboard
from safkat.opendata.stats.payments import PaymentDelays

PAYS_LATE = _l("Pays late")
ON_TIME = _l("Median within the payment period")
LATE = _l("Median beyond the payment period")


def _days(fmt: Formatter, value: int | None) -> str:
    return "—" if value is None else fmt.integer(value)


def _csv(value) -> object:
    return "" if value is None else value


def _figures(d: PaymentDelays, fmt: Formatter) -> list[str]:
    return [
        fmt.integer(d.ordered),
        _days(fmt, d.median_days),
        _days(fmt, d.p90_days),
        fmt.percent(d.late_share),
        fmt.integer(d.open_past_due),
        _days(fmt, d.longest_open_late),
    ]


def _csv_figures(d: PaymentDelays) -> list[object]:
    return [
        d.ordered, _csv(d.median_days), _csv(d.p90_days), csv_percent(d.late_share), d.open_past_due,
        _csv(d.longest_open_late),
    ]  # fmt: skip


FIGURE_COLUMNS = [
    _l("Invoices with payment ordered"),
    _l("Median days to payment order"),
    _l("90th percentile (days)"),
    _l("Paid late"),
    _l("Open invoices past due"),
    _l("Longest open delay (days)"),
]
FIGURE_CSV = [
    "invoices_ordered",
    "median_days",
    "p90_days",
    "paid_late_percent",
    "open_past_due",
    "longest_open_days_late",
]


def _median_bar(label: str, d: PaymentDelays, payment_days: int, fmt: Formatter) -> Bar:
    median = d.median_days or 0
    series = "target_met" if median <= payment_days else "target_missed"
    return Bar(label, ((median, series),), _days(fmt, d.median_days))


def _payment_days() -> int:
    return int(current_app.config["PAYMENT_DAYS"])


def payment_delays(data: Dashboard, fmt: Formatter, link) -> Chart:
    delays = data.payment_delays
    payment_days = _payment_days()
    flagged = {d.authority for d in data.late_payers()}
    with_medians = [d for d in delays if d.median_days is not None]
    return Chart(
        slug="payment-delays",
        title=_l("Days to pay suppliers, by contracting authority"),
        description=_l(
            "Median days from the receipt of an invoice to its payment order, for each contracting authority."
        ),
        columns=[_l("Contracting authority"), *FIGURE_COLUMNS, _l("Red flag")],
        rows=[
            [
                Cell(d.name(fmt.locale), link(d.authority)),
                *_figures(d, fmt),
                PAYS_LATE if d.authority in flagged else "",
            ]
            for d in delays
        ],
        csv_header=["code", "name", *FIGURE_CSV, "pays_late"],
        csv_rows=[
            [d.authority, d.name(fmt.locale), *_csv_figures(d), "yes" if d.authority in flagged else "no"]
            for d in delays
        ],
        bars=[_median_bar(d.name(fmt.locale), d, payment_days, fmt) for d in with_medians],
        series={"target_met": ON_TIME, "target_missed": LATE},
        scale_max=float(max([payment_days, *(d.median_days for d in with_medians)])),
        target=(payment_days, _l("Payment period: %(days)s days", days=payment_days)),
        note=_l("No invoice amount is published: only dates and delays."),
    )


def payment_delays_per_month(data: Dashboard, fmt: Formatter, link) -> Chart:
    months = data.payment_delays_per_month
    payment_days = _payment_days()
    return Chart(
        slug="payment-delays-per-month",
        title=_l("Days to pay suppliers, month by month"),
        description=_l(
            "Median days from receipt to payment order of the invoices whose payment was ordered each month."
        ),
        columns=[_l("Month"), *FIGURE_COLUMNS[:4]],
        rows=[[fmt.month(m.month), *_figures(m.delays, fmt)[:4]] for m in months],
        csv_header=["month", *FIGURE_CSV[:4]],
        csv_rows=[[m.month, *_csv_figures(m.delays)[:4]] for m in months],
        bars=[_median_bar(fmt.month(m.month), m.delays, payment_days, fmt) for m in months],
        series={"target_met": ON_TIME, "target_missed": LATE},
        scale_max=float(max([payment_days, *(m.delays.median_days or 0 for m in months)])),
        target=(payment_days, _l("Payment period: %(days)s days", days=payment_days)),
    )
