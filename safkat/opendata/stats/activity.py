"""Activity and competition: tenders and bids per month, bids per tender and per lot."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safkat.bids.models import Bid, OpenedBid, Opening, bid_lots
from safkat.opendata.stats.figures import ratio
from safkat.opendata.stats.scope import StatsFilters, scope, tender_in_scope
from safkat.opendata.stats.sql import local_period
from safkat.tenders.models import Lot, Tender


@dataclass(frozen=True)
class MonthCount:
    month: str  # "2026-01", Algiers time
    count: int


def fill_months(rows: list[MonthCount]) -> list[MonthCount]:
    """The months from the first to the last, with the missing ones at zero."""
    if not rows:
        return []
    counts = {row.month: row.count for row in rows}
    year, month = map(int, rows[0].month.split("-"))
    last = rows[-1].month
    filled = []
    while True:
        key = f"{year:04d}-{month:02d}"
        filled.append(MonthCount(key, counts.get(key, 0)))
        if key >= last:
            return filled
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def tenders_per_month(session: Session, filters: StatsFilters) -> list[MonthCount]:
    month = local_period(session, Tender.published_at, "month").label("month")
    query = select(month, func.count(Tender.id)).where(*tender_in_scope(filters)).group_by(month).order_by(month)
    return fill_months([MonthCount(m, n) for m, n in session.execute(query)])


def bids_per_month(session: Session, filters: StatsFilters) -> list[MonthCount]:
    """Opened bids by month of submission (bids still sealed are never counted)."""
    month = local_period(session, Bid.submitted_at, "month").label("month")
    query = (
        select(month, func.count(OpenedBid.id))
        .select_from(OpenedBid)
        .join(Bid, Bid.id == OpenedBid.bid_id)
        .where(OpenedBid.tender_id.in_(scope(filters)), Bid.submitted_at.is_not(None))
        .group_by(month)
        .order_by(month)
    )
    return fill_months([MonthCount(m, n) for m, n in session.execute(query)])


@dataclass(frozen=True)
class Competition:
    distribution: dict[int, int]  # number of bids → tenders opened with that many
    lots: int  # lots of the opened tenders
    bid_lots: int  # (opened bid, lot) pairs

    @property
    def tenders(self) -> int:
        return sum(self.distribution.values())

    @property
    def bids(self) -> int:
        return sum(bids * tenders for bids, tenders in self.distribution.items())

    @property
    def tenders_with_bids(self) -> int:
        return self.tenders - self.distribution.get(0, 0)

    @property
    def single_bid_tenders(self) -> int:
        return self.distribution.get(1, 0)

    @property
    def average_per_tender(self) -> Decimal | None:
        return ratio(self.bids, self.tenders)

    @property
    def average_per_lot(self) -> Decimal | None:
        return ratio(self.bid_lots, self.lots)

    @property
    def single_bid_share(self) -> Decimal | None:
        return ratio(self.single_bid_tenders, self.tenders_with_bids)


def competition(session: Session, filters: StatsFilters) -> Competition:
    opened = select(Opening.tender_id).where(Opening.tender_id.in_(scope(filters)))
    per_tender = (
        select(Opening.tender_id, func.count(OpenedBid.id).label("bids"))
        .outerjoin(OpenedBid, OpenedBid.tender_id == Opening.tender_id)
        .where(Opening.tender_id.in_(scope(filters)))
        .group_by(Opening.tender_id)
        .subquery()
    )
    distribution = dict(
        session.execute(
            select(per_tender.c.bids, func.count()).group_by(per_tender.c.bids).order_by(per_tender.c.bids)
        ).all()
    )
    lots = session.scalar(select(func.count(Lot.id)).where(Lot.tender_id.in_(opened))) or 0
    pairs = (
        session.scalar(
            select(func.count())
            .select_from(bid_lots)
            .join(OpenedBid, OpenedBid.bid_id == bid_lots.c.bid_id)
            .where(OpenedBid.tender_id.in_(opened))
        )
        or 0
    )
    return Competition(distribution, lots, pairs)
