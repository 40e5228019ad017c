"""Red flags: indicators, computed from the published data, that call for a closer look.

A flag is not proof of wrongdoing: it says that a call for tender departs from what open
competition usually looks like. The rules (the dashboard counts them in SQL with the same
thresholds, see :func:`safkat.opendata.stats.flag_counts.red_flag_counts`):

- ``single_bid``: the bids were opened and there was exactly one.
- ``short_period``: less than ``short_period_days`` (default 15, setting
  ``REDFLAG_SHORT_PERIOD_DAYS``) between publication and the current submission deadline.
- ``late_extension``: a deadline-extension amendment was issued 48 hours or less before the
  deadline it moved.
- ``abnormally_low_winner``: a standing award (provisional or final) went to an offer whose
  abnormally-low flag the commission decided to keep.
- ``above_estimate``: a standing award's amount (excl. VAT) is more than 120 % of its lot's
  estimated amount.

:func:`red_flags` is a pure function of :class:`TenderFacts`; :func:`gather_facts` reads
those facts (three small queries); the tender's page builds them from what it loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safkat.tenders.models import AmendmentKind, Lot, Tender

DEFAULT_SHORT_PERIOD_DAYS = 15
LATE_EXTENSION_WINDOW = timedelta(hours=48)
ABOVE_ESTIMATE_PERCENT = 120
STANDING_AWARD_STATUSES = ("provisional", "final")

RED_FLAG_CODES = ("single_bid", "short_period", "late_extension", "abnormally_low_winner", "above_estimate")
RED_FLAG_LABELS = {
    "single_bid": _l("Single bid"),
    "short_period": _l("Short tendering period"),
    "late_extension": _l("Deadline extended late"),
    "abnormally_low_winner": _l("Abnormally low winning offer"),
    "above_estimate": _l("Award far above the estimate"),
}


def red_flag_rules(short_period_days: int) -> dict:
    """What each flag means, in one line (for the dashboard)."""
    return {
        "single_bid": _l("The bids were opened and there was exactly one."),
        "short_period": lazy_ngettext(
            "Less than %(num)d day between publication and the submission deadline.",
            "Less than %(num)d days between publication and the submission deadline.",
            short_period_days,
        ),
        "late_extension": _l("The submission deadline was extended 48 hours or less before it was due."),
        "abnormally_low_winner": _l("The winning offer was flagged as abnormally low and kept by the commission."),
        "above_estimate": _l(
            "The amount awarded is more than %(percent)s %% of the lot's estimate.", percent=ABOVE_ESTIMATE_PERCENT
        ),
    }


@dataclass(frozen=True)
class RedFlag:
    code: str
    explanation: object  # a lazy, translated string

    @property
    def label(self):
        return RED_FLAG_LABELS[self.code]


@dataclass(frozen=True)
class AwardFacts:
    """A standing award (provisional or final) of one lot."""

    lot_number: int
    amount: int | None  # centimes, excl. VAT
    estimated_amount: int | None  # the lot's estimate, centimes
    alo_status: str | None  # of the winning assessment


@dataclass(frozen=True)
class TenderFacts:
    published_at: datetime | None
    submission_deadline_at: datetime | None
    opened_bids: int | None = None  # None: the bids were not opened
    extensions: Sequence[tuple[datetime, datetime]] = ()  # (issued at, deadline it moved)
    awards: Sequence[AwardFacts] = field(default_factory=tuple)


def _lots(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in sorted(numbers))


def single_bid(facts: TenderFacts) -> RedFlag | None:
    if facts.opened_bids == 1:
        return RedFlag("single_bid", _l("Only one bid was received: the price was not set by competition."))
    return None


def short_period(facts: TenderFacts, min_days: int) -> RedFlag | None:
    if facts.published_at is None or facts.submission_deadline_at is None:
        return None
    period = facts.submission_deadline_at - facts.published_at
    if period >= timedelta(days=min_days):
        return None
    days = max(0, period.days)
    return RedFlag(
        "short_period",
        lazy_ngettext(
            "Only %(num)d day between publication and the submission deadline (the indicator's threshold is %(min)d).",
            "Only %(num)d days between publication and the submission deadline (the indicator's threshold is %(min)d).",
            days,
            min=min_days,
        ),
    )


def late_extension(facts: TenderFacts) -> RedFlag | None:
    late = [issued for issued, old_deadline in facts.extensions if old_deadline - issued <= LATE_EXTENSION_WINDOW]
    if not late:
        return None
    return RedFlag(
        "late_extension", _l("The submission deadline was extended less than 48 hours before it was due to pass.")
    )


def abnormally_low_winner(facts: TenderFacts) -> RedFlag | None:
    lots = [award.lot_number for award in facts.awards if award.alo_status == "kept"]
    if not lots:
        return None
    return RedFlag(
        "abnormally_low_winner",
        _l(
            "Lot %(lots)s: the winning offer was flagged as abnormally low and kept by the commission.",
            lots=_lots(lots),
        ),
    )


def is_above_estimate(amount: int | None, estimate: int | None) -> bool:
    """More than 120 % of the estimate (integers: no rounding)."""
    if amount is None or not estimate:
        return False
    return amount * 100 > estimate * ABOVE_ESTIMATE_PERCENT


def above_estimate(facts: TenderFacts) -> RedFlag | None:
    lots = [award.lot_number for award in facts.awards if is_above_estimate(award.amount, award.estimated_amount)]
    if not lots:
        return None
    return RedFlag(
        "above_estimate",
        _l(
            "Lot %(lots)s: the amount awarded is more than %(percent)s %% of the lot's estimate.",
            lots=_lots(lots),
            percent=ABOVE_ESTIMATE_PERCENT,
        ),
    )


def red_flags(facts: TenderFacts, short_period_days: int = DEFAULT_SHORT_PERIOD_DAYS) -> list[RedFlag]:
    """The flags that apply, in the order of :data:`RED_FLAG_CODES`."""
    found = (
        single_bid(facts),
        short_period(facts, short_period_days),
        late_extension(facts),
        abnormally_low_winner(facts),
        above_estimate(facts),
    )
    return [flag for flag in found if flag is not None]


def extensions_of(tender: Tender) -> tuple[tuple[datetime, datetime], ...]:
    """(issued at, deadline it moved) of each deadline extension, from the loaded amendments."""
    return tuple(
        (amendment.created_at, amendment.old_deadline_at)
        for amendment in tender.amendments
        if amendment.kind == AmendmentKind.DEADLINE_EXTENSION and amendment.old_deadline_at is not None
    )


def standing_awards(session: Session, tender_id: int) -> tuple[AwardFacts, ...]:
    """The provisional or final awards of the tender's lots, by lot number (one statement)."""
    from safkat.awards.models import LotAward
    from safkat.evaluation.models import Assessment

    rows = session.execute(
        select(Lot.number, LotAward.amount, Lot.estimated_amount, Assessment.alo_status)
        .join(Lot, Lot.id == LotAward.lot_id)
        .outerjoin(Assessment, Assessment.id == LotAward.assessment_id)
        .where(LotAward.tender_id == tender_id, LotAward.status.in_(STANDING_AWARD_STATUSES))
        .order_by(Lot.number)
    )
    return tuple(AwardFacts(*row) for row in rows)


def gather_facts(session: Session, tender: Tender) -> TenderFacts:
    """Read what the flags need about ``tender``: its opening, extensions and standing awards.

    The tender's page reads these facts with the tender itself (:mod:`safkat.tenders.detail`)."""
    from safkat.bids.models import OpenedBid, Opening

    opened_bids = None
    if session.get(Opening, tender.id) is not None:
        opened_bids = session.scalar(select(func.count(OpenedBid.id)).where(OpenedBid.tender_id == tender.id))
    awards = standing_awards(session, tender.id)
    return TenderFacts(tender.published_at, tender.submission_deadline_at, opened_bids, extensions_of(tender), awards)


def for_tender(session: Session, tender: Tender, short_period_days: int = DEFAULT_SHORT_PERIOD_DAYS) -> list[RedFlag]:
    """The red flags of a public tender, read on their own."""
    return red_flags(gather_facts(session, tender), short_period_days)
