"""Tenders by state, the unsuccessful share, and an authority's pipeline (deadlines, evaluations)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safkat.bids.models import Opening
from safkat.opendata.stats.figures import ratio
from safkat.opendata.stats.scope import StatsFilters, tender_in_scope
from safkat.tenders.filters import PUBLIC_STATUSES
from safkat.tenders.models import Tender, TenderStatus

OUTCOME_STATUSES = ("provisional_award", "awarded", "unsuccessful")


def tenders_by_state(session: Session, filters: StatsFilters, now: datetime) -> dict[str, int]:
    """Tenders per public state; ``open`` and ``closed`` come from the clock, as on the tender pages."""
    stored = dict(
        session.execute(
            select(Tender.status, func.count(Tender.id)).where(*tender_in_scope(filters)).group_by(Tender.status)
        ).all()
    )
    still_open = (
        session.scalar(
            select(func.count(Tender.id)).where(
                *tender_in_scope(filters),
                Tender.status == TenderStatus.PUBLISHED,
                Tender.submission_deadline_at > now,
            )
        )
        or 0
    )
    published = stored.pop(TenderStatus.PUBLISHED.value, 0)
    states = {"open": still_open, "closed": published - still_open, **stored}
    return {state: states.get(state, 0) for state in PUBLIC_STATUSES}


def unsuccessful_share(states: dict[str, int]) -> Decimal | None:
    return ratio(states.get("unsuccessful", 0), sum(states.get(state, 0) for state in OUTCOME_STATUSES))


def upcoming_deadlines(session: Session, filters: StatsFilters, now: datetime, limit: int = 10) -> list[Tender]:
    """Open tenders, nearest submission deadline first."""
    query = (
        select(Tender)
        .where(
            *tender_in_scope(filters),
            Tender.status == TenderStatus.PUBLISHED,
            Tender.submission_deadline_at > now,
        )
        .order_by(Tender.submission_deadline_at, Tender.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def open_evaluations(session: Session, filters: StatsFilters, limit: int = 50) -> list[tuple[Tender, datetime]]:
    """Tenders whose bids are opened and whose award is not yet published, with the opening time."""
    query = (
        select(Tender, Opening.opened_at)
        .join(Opening, Opening.tender_id == Tender.id)
        .where(
            *tender_in_scope(filters),
            Tender.status.in_((TenderStatus.OPENED, TenderStatus.EVALUATION)),
        )
        .order_by(Opening.opened_at, Tender.id)
        .limit(limit)
    )
    return [(tender, opened_at) for tender, opened_at in session.execute(query)]
