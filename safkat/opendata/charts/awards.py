"""Award charts: amounts awarded by group, micro-enterprises' share, reserved shares, time to award."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from safkat.opendata.charts.formatting import Formatter, csv_amount, csv_decimal, csv_percent
from safkat.opendata.charts.model import Bar, Cell, Chart
from safkat.opendata.stats.awards import RESERVATION_TARGET, Awarded
from safkat.opendata.stats.dashboard import Dashboard
from safkat.opendata.stats.figures import ratio

FINAL_LABEL = _l("Final award")
PROVISIONAL_LABEL = _l("Provisional award")


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
            [
                label,
                fmt.amount(g.final),
                fmt.amount(g.provisional),
                fmt.amount(g.total),
                fmt.percent(ratio(g.total, total)),
            ]
            for g, label in groups
        ]
        if total
        else [],
        csv_header=["firms", "final_dzd", "provisional_dzd", "total_dzd", "share_percent"],
        csv_rows=[
            [
                g.key,
                csv_amount(g.final),
                csv_amount(g.provisional),
                csv_amount(g.total),
                csv_percent(ratio(g.total, total)),
            ]
            for g, _label in groups
        ]
        if total
        else [],
        bars=[
            Bar(str(label), ((g.final, "final"), (g.provisional, "provisional")), fmt.percent(ratio(g.total, total)))
            for g, label in groups
        ]
        if total
        else [],
        series={"final": FINAL_LABEL, "provisional": PROVISIONAL_LABEL},
        scale_max=float(total) or None,
        note=_l("Micro-enterprises are the firms created with ANADE, ANGEM or CNAC support. Amounts excluding VAT."),
    )


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


def reserved_share_awarded(data: Dashboard, fmt: Formatter, link) -> Chart:
    """What went to the reserved lots, beside the late payers: awarded and executed shares."""
    shares = data.reserved_awarded
    target = fmt.percent(RESERVATION_TARGET)
    return Chart(
        slug="reserved-share-awarded",
        title=_l("Share awarded to the lots reserved to micro-enterprises"),
        description=_l(
            "For each contracting authority and year: amount awarded on the lots reserved to micro-enterprises, "
            "as a share of all it awarded, and the same share of the contracts being executed."
        ),
        columns=[
            _l("Contracting authority"),
            _l("Year"),
            _l("Share of the amount awarded"),
            _l("Share of the contracts executed"),
            _l("Target met"),
        ],  # fmt: skip
        rows=[
            [
                Cell(s.name(fmt.locale), link(s.authority)),
                str(s.year),
                fmt.percent(s.awarded_share),
                fmt.percent(s.executed_share),
                _l("Yes") if s.meets_target else _l("No"),
            ]
            for s in shares
        ],
        csv_header=[
            "authority_code",
            "authority",
            "year",
            "awarded_share_percent",
            "executed_share_percent",
            "target_met",
        ],  # fmt: skip
        csv_rows=[
            [
                s.authority,
                s.name(fmt.locale),
                s.year,
                csv_percent(s.awarded_share),
                csv_percent(s.executed_share),
                int(s.meets_target),
            ]  # fmt: skip
            for s in shares
        ],
        bars=[
            Bar(
                f"{s.name(fmt.locale)} {s.year}",
                ((float(s.awarded_share or 0), "target_met" if s.meets_target else "target_missed"),),
                fmt.percent(s.awarded_share),
            )
            for s in shares
            if s.awarded_share is not None
        ],
        series={"target_met": _l("Target met"), "target_missed": _l("Below the target")},
        scale_max=1.0,
        target=(float(RESERVATION_TARGET), _l("Target: %(target)s", target=target)),
        note=_l(
            "Calls for tender published in the year. Awarded: standing awards, excluding VAT. Executed: signed "
            "contracts whose service order was given, including VAT and their amendments. No estimate is used."
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
