"""Overview charts: the key figures, calls for tender by state, and red flags."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from safkat.opendata import redflags
from safkat.opendata.charts.formatting import Formatter, csv_amount, csv_decimal, csv_percent
from safkat.opendata.charts.model import Bar, Chart, count_chart
from safkat.opendata.stats.dashboard import Dashboard
from safkat.opendata.stats.pipeline import OUTCOME_STATUSES
from safkat.tenders.labels import STATUS_LABELS


def tenders_by_state(data: Dashboard, fmt: Formatter, link) -> Chart:
    return count_chart(
        "tenders-by-state",
        _l("Calls for tender by state"),
        _l("Number of calls for tender in each state of their life, today."),
        [_l("State"), _l("Calls for tender")],
        ["state", "tenders"],
        [(STATUS_LABELS[state], state, count) for state, count in data.tenders_by_state.items()],
        fmt.integer,
    )


def red_flags(data: Dashboard, fmt: Formatter, link) -> Chart:
    counts = data.red_flag_counts
    rules = redflags.red_flag_rules(data.short_period_days)
    labels = redflags.RED_FLAG_LABELS
    return Chart(
        slug="red-flags",
        title=_l("Red flags"),
        description=_l("Number of calls for tender carrying each red flag."),
        columns=[_l("Red flag"), _l("What it means"), _l("Calls for tender")],
        rows=[[labels[code], rules[code], fmt.integer(count)] for code, count in counts.items()],
        csv_header=["flag", "label", "tenders"],
        csv_rows=[[code, str(labels[code]), count] for code, count in counts.items()],
        bars=[Bar(str(labels[code]), ((count, "value"),), fmt.integer(count)) for code, count in counts.items()]
        if any(counts.values())
        else [],
        note=_l("A red flag calls for a closer look; it is not proof of wrongdoing."),
        label_columns=2,
    )


def summary(data: Dashboard, fmt: Formatter, link) -> Chart:
    """The key figures (a table and a CSV file, no picture)."""
    competition, micro, delay = data.competition, data.micro_share, data.overall_delay
    states = data.tenders_by_state
    outcomes = sum(states[s] for s in OUTCOME_STATUSES)
    total_days = Decimal(delay.seconds) / 86400
    figures = [  # key, label, kind of value, value, numerator, denominator
        ("average_bids_per_tender", _l("Average bids per call for tender"), "ratio", competition.average_per_tender,
         competition.bids, competition.tenders),
        ("average_bids_per_lot", _l("Average bids per lot"), "ratio", competition.average_per_lot,
         competition.bid_lots, competition.lots),
        ("single_bid_share_percent", _l("Calls for tender with a single bid"), "percent", competition.single_bid_share,
         competition.single_bid_tenders, competition.tenders_with_bids),
        ("micro_enterprise_share_percent", _l("Amount awarded to micro-enterprises"), "percent", micro.share,
         csv_amount(micro.micro.total), csv_amount(micro.micro.total + micro.other.total)),
        ("average_days_to_award", _l("Average days from publication to award"), "days", delay.average_days,
         csv_decimal(total_days), delay.tenders),
        ("unsuccessful_share_percent", _l("Unsuccessful calls for tender"), "percent", data.unsuccessful_share,
         states["unsuccessful"], outcomes),
    ]  # fmt: skip
    shown = {"ratio": lambda v: fmt.decimal(v, 2), "percent": fmt.percent, "days": fmt.decimal}
    as_csv = {"ratio": csv_decimal, "percent": csv_percent, "days": csv_decimal}
    return Chart(
        slug="summary",
        title=_l("Key figures"),
        description=_l("The main indicators for the chosen filters."),
        columns=[_l("Indicator"), _l("Value")],
        rows=[[label, shown[kind](value)] for _key, label, kind, value, *_rest in figures],
        csv_header=["indicator", "value", "numerator", "denominator"],
        csv_rows=[[key, as_csv[kind](value), num, den] for key, _label, kind, value, num, den in figures],
    )
