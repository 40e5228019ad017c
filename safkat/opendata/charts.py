"""The dashboard's charts: what each one shows, as a table, a CSV file and an SVG picture.

A :class:`Chart` holds the same figures three ways: ``rows`` (formatted for the page's
language: the visible table, the accessible alternative of the picture), ``csv_rows``
(plain values: amounts in DZD with two decimals, shares in percent) and ``bars`` (what
:func:`render_svg` draws). The SVG is drawn on the server, with text labels, a
``<title>`` and a ``<desc>``, and no script.

Horizontal bar charts follow the page's direction: on Arabic pages labels sit on the right
and bars grow leftwards (the geometry is mirrored and the ``<svg>`` carries
``direction="rtl"``, so ``text-anchor`` keeps its logical meaning).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from safkat.i18n import format_dzd
from safkat.opendata import redflags
from safkat.opendata.stats import RESERVATION_TARGET, Awarded, Dashboard
from safkat.tenders.labels import STATUS_LABELS

# --- formatting ----------------------------------------------------------------------------


class Formatter:
    """Numbers, shares, amounts and months in one language (Babel, no request needed)."""

    def __init__(self, locale: str):
        self.locale = locale

    def integer(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def decimal(self, value: Decimal | None, places: int = 1) -> str:
        if value is None:
            return "—"
        pattern = "#,##0." + "0" * places
        return format_decimal(_round(value, places), format=pattern, locale=self.locale)

    def percent(self, share: Decimal | None) -> str:
        """A share (0–1) to one decimal of a percent: ``39,3 %``."""
        if share is None:
            return "—"
        return format_percent(_round(share, 3), locale=self.locale, decimal_quantization=False)

    def amount(self, centimes: int) -> str:
        return format_dzd(centimes, self.locale)

    def month(self, key: str) -> str:
        year, month = map(int, key.split("-"))
        return format_date(date(year, month, 1), "LLLL y", locale=self.locale)


def _round(value: Decimal, places: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def csv_amount(centimes: int) -> str:
    """``370000000`` → ``"3700000.00"`` (DZD, two decimals)."""
    return f"{Decimal(centimes).scaleb(-2):.2f}"


def csv_percent(share: Decimal | None) -> str:
    return "" if share is None else f"{_round(share * 100, 2):.2f}"


def csv_decimal(value: Decimal | None, places: int = 2) -> str:
    return "" if value is None else f"{_round(value, places):.{places}f}"


# --- the model --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[tuple[float, str], ...]  # (value, series key), stacked in order
    value_label: str


@dataclass
class Chart:
    slug: str
    title: object
    description: object  # one sentence, also the SVG's <desc>
    columns: list[object]
    rows: list[list[object]]  # str or Cell; the first column is a label, the others numbers
    csv_header: list[str]
    csv_rows: list[list[object]]
    bars: list[Bar] = field(default_factory=list)
    series: dict[str, object] = field(default_factory=dict)  # series key → legend label
    scale_max: float | None = None  # fixed scale (1.0 for shares); else the largest bar
    target: tuple[float, object] | None = None  # a vertical reference line and its label
    note: object = ""
    label_columns: int = 1  # leading columns of text; the others are numbers, aligned to the end


SAME_FIGURES = _l("The same figures are in the table below.")
FINAL_LABEL = _l("Final award")
PROVISIONAL_LABEL = _l("Provisional award")
SERIES_STYLE = {  # fill, pattern: the provisional series is hatched so colour is not the only cue
    "value": ("#0b6e4f", None),
    "final": ("#0b6e4f", None),
    "provisional": ("#9a4d00", "hatch"),
    "target_met": ("#0b6e4f", None),
    "target_missed": ("#9a4d00", "hatch"),
}


# --- the charts ---------------------------------------------------------------------------------


def _month_chart(slug, title, description, unit, months, fmt: Formatter) -> Chart:
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=[_l("Month"), unit],
        rows=[[fmt.month(m.month), fmt.integer(m.count)] for m in months],
        csv_header=["month", slug.split("-")[0]],
        csv_rows=[[m.month, m.count] for m in months],
        bars=[Bar(fmt.month(m.month), ((m.count, "value"),), fmt.integer(m.count)) for m in months],
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
    competition = data.competition
    buckets: dict[str, int] = {}
    for bids, tenders in sorted(competition.distribution.items()):
        key = str(bids) if bids < 5 else "5+"
        buckets[key] = buckets.get(key, 0) + tenders
    return Chart(
        slug="bids-per-tender",
        title=_l("Competition: bids per call for tender"),
        description=_l("Number of calls for tender whose bids were opened, by number of bids received."),
        columns=[_l("Bids received"), _l("Calls for tender")],
        rows=[[key, fmt.integer(count)] for key, count in buckets.items()],
        csv_header=["bids", "tenders"],
        csv_rows=[[key, count] for key, count in buckets.items()],
        bars=[Bar(key, ((count, "value"),), fmt.integer(count)) for key, count in buckets.items()],
    )


def _awarded_chart(slug, title, description, head, groups: list[Awarded], fmt: Formatter, href=None) -> Chart:
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=[head, FINAL_LABEL, PROVISIONAL_LABEL, _l("Total")],
        rows=[
            [
                Cell(g.name(fmt.locale), href(g.key) if href else None),
                fmt.amount(g.final),
                fmt.amount(g.provisional),
                fmt.amount(g.total),
            ]
            for g in groups
        ],
        csv_header=["code", "name", "final_dzd", "provisional_dzd", "total_dzd"],
        csv_rows=[
            [g.key, g.name(fmt.locale), csv_amount(g.final), csv_amount(g.provisional), csv_amount(g.total)]
            for g in groups
        ],
        bars=[
            Bar(g.name(fmt.locale), ((g.final, "final"), (g.provisional, "provisional")), fmt.amount(g.total))
            for g in groups
        ],
        series={"final": FINAL_LABEL, "provisional": PROVISIONAL_LABEL},
        note=_l(
            "Amounts excluding VAT, of the standing award of each lot: final, or provisional during the standstill."
        ),
    )


def awarded_by_wilaya(data: Dashboard, fmt: Formatter, link) -> Chart:
    return _awarded_chart(
        "awarded-by-wilaya",
        _l("Amount awarded by wilaya of the winning firm"),
        _l("Amount awarded to firms of each wilaya, final and provisional awards."),
        _l("Wilaya"),
        data.awarded_by_wilaya,
        fmt,
    )


def awarded_by_sector(data: Dashboard, fmt: Formatter, link) -> Chart:
    chart = _awarded_chart(
        "awarded-by-sector",
        _l("Amount awarded by sector"),
        _l("Amount awarded in each sector of the calls for tender, final and provisional awards."),
        _l("Sector"),
        data.awarded_by_sector,
        fmt,
    )
    chart.note = _l("Amounts excluding VAT. A call for tender in several sectors counts in each of them.")
    return chart


def awarded_by_authority(data: Dashboard, fmt: Formatter, link) -> Chart:
    return _awarded_chart(
        "awarded-by-authority",
        _l("Amount awarded by contracting authority"),
        _l("Amount awarded by each contracting authority, final and provisional awards."),
        _l("Contracting authority"),
        data.awarded_by_authority,
        fmt,
        href=link,
    )


def micro_enterprises(data: Dashboard, fmt: Formatter, link) -> Chart:
    share = data.micro_share
    total = share.micro.total + share.other.total
    groups = [(share.micro, _l("Micro-enterprises")), (share.other, _l("Other firms"))]
    return Chart(
        slug="micro-enterprises",
        title=_l("Share awarded to micro-enterprises"),
        description=_l("Amount awarded to micro-enterprises and to other firms, final and provisional awards."),
        columns=[_l("Firms"), FINAL_LABEL, PROVISIONAL_LABEL, _l("Total"), _l("Share")],
        rows=[
            [label, fmt.amount(g.final), fmt.amount(g.provisional), fmt.amount(g.total), fmt.percent(_share(g, total))]
            for g, label in groups
        ]
        if total
        else [],
        csv_header=["firms", "final_dzd", "provisional_dzd", "total_dzd", "share_percent"],
        csv_rows=[
            [g.key, csv_amount(g.final), csv_amount(g.provisional), csv_amount(g.total), csv_percent(_share(g, total))]
            for g, _label in groups
        ]
        if total
        else [],
        bars=[
            Bar(str(label), ((g.final, "final"), (g.provisional, "provisional")), fmt.percent(_share(g, total)))
            for g, label in groups
        ]
        if total
        else [],
        series={"final": FINAL_LABEL, "provisional": PROVISIONAL_LABEL},
        scale_max=float(total) or None,
        note=_l("Micro-enterprises are the firms created with ANADE, ANGEM or CNAC support. Amounts excluding VAT."),
    )


def _share(group: Awarded, total: int) -> Decimal | None:
    return Decimal(group.total) / Decimal(total) if total else None


def reserved_share(data: Dashboard, fmt: Formatter, link) -> Chart:
    shares = data.reserved_shares
    target = fmt.percent(RESERVATION_TARGET)
    return Chart(
        slug="reserved-share",
        title=_l("Share reserved to micro-enterprises, against the %(target)s target", target=target),
        description=_l(
            "For each contracting authority and year: estimated amount of the lots reserved to micro-enterprises, "
            "as a share of the estimated amount of all its lots."
        ),
        columns=[_l("Contracting authority"), _l("Year"), _l("Reserved lots"), _l("Share reserved"), _l("Target met")],
        rows=[
            [
                Cell(s.name(fmt.locale), link(s.authority)),
                str(s.year),
                f"{fmt.integer(s.reserved_lots)} / {fmt.integer(s.lots)}",
                fmt.percent(s.share),
                _l("Yes") if s.meets_target else _l("No"),
            ]
            for s in shares
        ],
        csv_header=["authority_code", "authority", "year", "reserved_lots", "lots", "share_percent", "target_met"],
        csv_rows=[
            [
                s.authority,
                s.name(fmt.locale),
                s.year,
                s.reserved_lots,
                s.lots,
                csv_percent(s.share),
                int(s.meets_target),
            ]
            for s in shares
        ],
        bars=[
            Bar(
                f"{s.name(fmt.locale)} {s.year}",
                ((float(s.share or 0), "target_met" if s.meets_target else "target_missed"),),
                fmt.percent(s.share),
            )
            for s in shares
        ],
        series={"target_met": _l("Target met"), "target_missed": _l("Below the target")},
        scale_max=1.0,
        target=(float(RESERVATION_TARGET), _l("Target: %(target)s", target=target)),
        note=_l(
            "Calls for tender published in the year; cancelled ones are left out. "
            "The estimated amounts are used for the share but not shown: some are not public."
        ),
    )


def time_to_award(data: Dashboard, fmt: Formatter, link) -> Chart:
    delays = data.time_to_award
    return Chart(
        slug="time-to-award",
        title=_l("Average time from publication to award"),
        description=_l(
            "For each contracting authority: average number of days between the publication of a call for tender "
            "and the publication of its provisional award."
        ),
        columns=[_l("Contracting authority"), _l("Calls for tender awarded"), _l("Average days")],
        rows=[
            [Cell(d.name(fmt.locale), link(d.authority)), fmt.integer(d.tenders), fmt.decimal(d.average_days)]
            for d in delays
        ],
        csv_header=["authority_code", "authority", "tenders", "average_days"],
        csv_rows=[[d.authority, d.name(fmt.locale), d.tenders, csv_decimal(d.average_days)] for d in delays],
        bars=[
            Bar(d.name(fmt.locale), ((float(d.average_days or 0), "value"),), fmt.decimal(d.average_days))
            for d in delays
        ],
        note=_l("Counted from the first award still standing (provisional or final) of each call for tender."),
    )


def tenders_by_state(data: Dashboard, fmt: Formatter, link) -> Chart:
    states = data.tenders_by_state
    return Chart(
        slug="tenders-by-state",
        title=_l("Calls for tender by state"),
        description=_l("Number of calls for tender in each state of their life, today."),
        columns=[_l("State"), _l("Calls for tender")],
        rows=[[STATUS_LABELS[state], fmt.integer(count)] for state, count in states.items()],
        csv_header=["state", "tenders"],
        csv_rows=[[state, count] for state, count in states.items()],
        bars=[
            Bar(str(STATUS_LABELS[state]), ((count, "value"),), fmt.integer(count)) for state, count in states.items()
        ]
        if any(states.values())
        else [],
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
    outcomes = sum(states[s] for s in ("provisional_award", "awarded", "unsuccessful"))
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


Builder = Callable[[Dashboard, Formatter, Callable[[str], str]], Chart]
CHARTS: dict[str, Builder] = {
    "summary": summary,
    "tenders-by-state": tenders_by_state,
    "tenders-per-month": tenders_per_month,
    "bids-per-month": bids_per_month,
    "bids-per-tender": bids_per_tender,
    "awarded-by-wilaya": awarded_by_wilaya,
    "awarded-by-sector": awarded_by_sector,
    "awarded-by-authority": awarded_by_authority,
    "micro-enterprises": micro_enterprises,
    "reserved-share": reserved_share,
    "time-to-award": time_to_award,
    "red-flags": red_flags,
}


# --- SVG --------------------------------------------------------------------------------------------

WIDTH = 720
LABEL_WIDTH = 210  # the label column
VALUE_WIDTH = 165  # room for the value after the longest bar
GAP = 8
ROW = 26
BAR = 16
FONT = 12
LABEL_CHARS = 32


def _clip(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_svg(chart: Chart, rtl: bool = False) -> Markup:
    """The chart as an inline SVG: horizontal bars, text labels, a title and a description."""
    ident = f"chart-{chart.slug}"
    start = LABEL_WIDTH + GAP
    span = WIDTH - start - VALUE_WIDTH
    legend_y = 4
    target_y = legend_y + (ROW if chart.series else 0)
    top = target_y + (ROW if chart.target else 0) if (chart.series or chart.target) else 4
    height = top + ROW * len(chart.bars) + 6
    largest = max((sum(v for v, _k in bar.segments) for bar in chart.bars), default=0)
    scale = float(chart.scale_max or largest or 1)

    def x(logical: float, width: float = 0) -> float:
        """A logical x (from the inline start) to the picture's x; mirrored on RTL pages."""
        return round(WIDTH - logical - width if rtl else logical, 1)

    def text(at: float, y: float, anchor: str, value: object) -> str:
        return f'<text x="{x(at)}" y="{y}" text-anchor="{anchor}">{escape(str(value))}</text>'

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" direction="{"rtl" if rtl else "ltr"}" '
        f'font-size="{FONT}" class="chart">',
        f'<title id="{ident}-title">{escape(str(chart.title))}</title>',
        f'<desc id="{ident}-desc">{escape(str(chart.description))} {escape(str(SAME_FIGURES))}</desc>',
    ]
    if any(SERIES_STYLE[key][1] for key in chart.series):
        parts.append(
            f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#9a4d00"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>'
        )

    def fill(key: str) -> str:
        colour, pattern = SERIES_STYLE[key]
        return f"url(#{ident}-{pattern})" if pattern else colour

    for i, (key, label) in enumerate(chart.series.items()):
        left = start + i * 190
        parts.append(f'<rect x="{x(left, 12)}" y="{legend_y}" width="12" height="12" fill="{fill(key)}"/>')
        parts.append(text(left + 18, legend_y + 11, "start", label))
    for i, bar in enumerate(chart.bars):
        y = top + i * ROW
        parts.append(text(LABEL_WIDTH, y + BAR - 3, "end", _clip(bar.label)))
        offset = 0.0
        for value, key in bar.segments:
            width = span * float(value) / scale
            if width > 0:
                parts.append(
                    f'<rect x="{x(start + offset, width)}" y="{y}" width="{round(width, 1)}" height="{BAR}" '
                    f'fill="{fill(key)}"/>'
                )
            offset += width
        parts.append(text(start + offset + 6, y + BAR - 3, "start", bar.value_label))
    if chart.target:
        value, label = chart.target
        at = start + span * value / scale
        parts.append(
            f'<line x1="{x(at)}" y1="{target_y}" x2="{x(at)}" y2="{height - 2}" stroke="#1b1f23" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(text(at + 5, target_y + 11, "start", label))
    parts.append("</svg>")
    return Markup("".join(parts))
