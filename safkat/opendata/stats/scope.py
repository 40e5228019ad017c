"""What the figures cover: the filters of a query string, and the public tenders they select."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Select, select

from safkat.accounts.models import ContractingAuthority
from safkat.awards.models import LotAward
from safkat.numbers import parse_int
from safkat.opendata import redflags
from safkat.tenders.filters import ALGIERS
from safkat.tenders.models import Tender, TenderStatus, tender_wilayas
from safkat.wilayas import WILAYAS_BY_CODE

HIDDEN_STATUSES = (TenderStatus.DRAFT, TenderStatus.DELETED)
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class StatsFilters:
    """Validated filters from a query string; anything absurd is dropped, never an error."""

    year: int | None = None
    authority: str = ""  # authority code
    wilaya: str = ""  # wilaya of execution

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> StatsFilters:
        year = parse_int(args.get("year"), minimum=MIN_YEAR, maximum=MAX_YEAR)
        wilaya = (args.get("wilaya") or "").strip()
        return cls(
            year=year,
            authority=(args.get("authority") or "").strip().upper()[:16],
            wilaya=wilaya if wilaya in WILAYAS_BY_CODE else "",
        )

    def as_args(self) -> dict[str, str]:
        """The filters that are set, as query-string values (for shareable links)."""
        args = {"year": str(self.year) if self.year else "", "authority": self.authority, "wilaya": self.wilaya}
        return {name: value for name, value in args.items() if value}

    def year_bounds(self) -> tuple[datetime, datetime] | None:
        if self.year is None:
            return None
        start = datetime.combine(date(self.year, 1, 1), time.min, tzinfo=ALGIERS)
        end = datetime.combine(date(self.year + 1, 1, 1), time.min, tzinfo=ALGIERS)
        return start, end


def tender_in_scope(filters: StatsFilters) -> tuple:
    """Conditions on :class:`Tender`: a public tender the figures cover. A query that reads
    ``tenders`` already uses these rather than ``Tender.id IN (scope)``, which PostgreSQL
    answers with a second pass over the table (a quarter of the dashboard's time)."""
    conditions = [Tender.status.not_in(HIDDEN_STATUSES), Tender.published_at.is_not(None)]
    bounds = filters.year_bounds()
    if bounds:
        conditions += [Tender.published_at >= bounds[0], Tender.published_at < bounds[1]]
    if filters.authority:
        conditions.append(
            Tender.authority_id.in_(
                select(ContractingAuthority.id).where(ContractingAuthority.code == filters.authority)
            )
        )
    if filters.wilaya:
        conditions.append(
            Tender.id.in_(select(tender_wilayas.c.tender_id).where(tender_wilayas.c.wilaya_code == filters.wilaya))
        )
    return tuple(conditions)


def scope(filters: StatsFilters) -> Select:
    """The ids of the public tenders the figures cover (for queries on other tables)."""
    return select(Tender.id).where(*tender_in_scope(filters))


def standing_awards(filters: StatsFilters) -> tuple:
    """Conditions on :class:`LotAward`: the standing award (provisional or final) of a tender in scope."""
    return (LotAward.status.in_(redflags.STANDING_AWARD_STATUSES), LotAward.tender_id.in_(scope(filters)))
