"""How many tenders carry each red flag: the rules of :mod:`safkat.opendata.redflags`, in SQL."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safkat.awards.models import LotAward
from safkat.bids.models import OpenedBid, Opening
from safkat.evaluation.models import Assessment
from safkat.opendata import redflags
from safkat.opendata.stats.scope import StatsFilters, scope, standing_awards, tender_in_scope
from safkat.opendata.stats.sql import seconds_between
from safkat.tenders.models import Amendment, AmendmentKind, Lot, Tender


def red_flag_counts(session: Session, filters: StatsFilters, short_period_days: int) -> dict[str, int]:
    """How many tenders carry each flag: the rules of :mod:`safkat.opendata.redflags`, in SQL."""
    in_scope = tender_in_scope(filters)
    one_bid = (
        select(Opening.tender_id)
        .join(OpenedBid, OpenedBid.tender_id == Opening.tender_id)
        .where(Opening.tender_id.in_(scope(filters)))
        .group_by(Opening.tender_id)
        .having(func.count(OpenedBid.id) == 1)
        .subquery()
    )
    period = seconds_between(session, Tender.submission_deadline_at, Tender.published_at)
    notice = seconds_between(session, Amendment.old_deadline_at, Amendment.created_at)
    standing = standing_awards(filters)
    counts = {
        "single_bid": select(func.count()).select_from(one_bid),
        "short_period": select(func.count(Tender.id)).where(
            *in_scope, Tender.submission_deadline_at.is_not(None), period < short_period_days * 86400
        ),
        "late_extension": select(func.count(func.distinct(Amendment.tender_id))).where(
            Amendment.tender_id.in_(scope(filters)),
            Amendment.kind == AmendmentKind.DEADLINE_EXTENSION,
            Amendment.old_deadline_at.is_not(None),
            notice <= int(redflags.LATE_EXTENSION_WINDOW.total_seconds()),
        ),
        "abnormally_low_winner": select(func.count(func.distinct(LotAward.tender_id)))
        .join(Assessment, Assessment.id == LotAward.assessment_id)
        .where(*standing, Assessment.alo_status == "kept"),
        "above_estimate": select(func.count(func.distinct(LotAward.tender_id)))
        .join(Lot, Lot.id == LotAward.lot_id)
        .where(
            *standing,
            Lot.estimated_amount > 0,
            LotAward.amount * 100 > Lot.estimated_amount * redflags.ABOVE_ESTIMATE_PERCENT,
        ),
    }
    return {code: session.scalar(counts[code]) or 0 for code in redflags.RED_FLAG_CODES}
