"""Statistics of the public calls for tender, computed in the database (no Flask).

**Scope.** Every figure covers the public calls for tender (never drafts or deleted ones)
matching the filters: published in the chosen year (Algiers time, UTC+1 all year), by the
chosen authority, to be executed in the chosen wilaya. Each query aggregates in SQL
(``GROUP BY``); Python only folds the few grouped rows.

**Formulas** (amounts are centimes of DZD, excluding VAT; shares are fractions 0–1):

- tenders per month: tenders counted in the month of their publication (Algiers time);
- bids per month: bids read out at an opening (nothing sealed is counted), in the month of
  their submission;
- average bids per tender = opened bids / tenders whose bids were opened (zero-bid
  openings included); average bids per lot = (bid, lot) pairs of those bids / lots of
  those tenders; single-bid share = tenders opened with exactly one bid / tenders opened
  with at least one bid;
- amounts awarded: the standing award of each lot (``provisional`` or ``final``; withdrawn
  and unsuccessful ones left out), shown per status. By wilaya means the winning firm's
  wilaya; by sector means the tender's sectors (a tender in two sectors counts in both);
- micro-enterprise share = amount awarded to firms with a support scheme (ANADE, ANGEM,
  CNAC) / all amount awarded;
- reserved share, per authority and year of publication = estimated amounts of reserved
  lots / estimated amounts of all lots (cancelled tenders left out), against the 20 % target;
- time to award, per tender = first standing award's ``published_at`` − tender
  ``published_at``, in days; averaged over the tenders that have one;
- unsuccessful share = unsuccessful tenders / tenders with an outcome (provisional award,
  awarded, unsuccessful);
- red flags: the number of tenders carrying each flag (:mod:`safkat.opendata.redflags`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Integer, Select, case, cast, extract, func, literal_column, select
from sqlalchemy.orm import Session

from safkat.accounts.models import ContractingAuthority, Enterprise, Sector, SupportScheme
from safkat.awards.models import LotAward
from safkat.bids.models import Bid, OpenedBid, Opening, bid_lots
from safkat.evaluation.models import Assessment
from safkat.opendata import redflags
from safkat.tenders.models import Amendment, AmendmentKind, Lot, Tender, TenderStatus, tender_sectors, tender_wilayas
from safkat.tenders.queries import PUBLIC_STATUSES
from safkat.tenders.queries import last_change as listing_last_change
from safkat.wilayas import WILAYAS_BY_CODE

ALGIERS = ZoneInfo("Africa/Algiers")
RESERVATION_TARGET = Decimal("0.20")
STANDING = redflags.STANDING_AWARD_STATUSES
HIDDEN_STATUSES = (TenderStatus.DRAFT, TenderStatus.DELETED)
OUTCOME_STATUSES = ("provisional_award", "awarded", "unsuccessful")
MIN_YEAR, MAX_YEAR = 2000, 2100


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatsFilters:
    """Validated filters from a query string; anything absurd is dropped, never an error."""

    year: int | None = None
    authority: str = ""  # authority code
    wilaya: str = ""  # wilaya of execution

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> StatsFilters:
        raw_year = (args.get("year") or "").strip()
        year = int(raw_year) if raw_year.isdigit() and MIN_YEAR <= int(raw_year) <= MAX_YEAR else None
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


def scope(filters: StatsFilters) -> Select:
    """The ids of the public tenders the figures cover."""
    query = select(Tender.id).where(Tender.status.not_in(HIDDEN_STATUSES), Tender.published_at.is_not(None))
    bounds = filters.year_bounds()
    if bounds:
        query = query.where(Tender.published_at >= bounds[0], Tender.published_at < bounds[1])
    if filters.authority:
        query = query.where(
            Tender.authority_id.in_(
                select(ContractingAuthority.id).where(ContractingAuthority.code == filters.authority)
            )
        )
    if filters.wilaya:
        query = query.where(
            Tender.id.in_(select(tender_wilayas.c.tender_id).where(tender_wilayas.c.wilaya_code == filters.wilaya))
        )
    return query


# --- portable SQL expressions (no bound parameters, so PostgreSQL can GROUP BY them) -------------------


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _local(session: Session, column, pattern: str):
    """``column`` (UTC) formatted in Algiers time: ``pattern`` is ``year`` or ``month``."""
    if _dialect(session) == "postgresql":
        fmt = {"year": "'YYYY'", "month": "'YYYY-MM'"}[pattern]
        return func.to_char(func.timezone(literal_column("'Africa/Algiers'"), column), literal_column(fmt))
    # SQLite stores naive UTC text; Africa/Algiers is UTC+1 all year (no daylight saving since 1981).
    fmt = {"year": "'%Y'", "month": "'%Y-%m'"}[pattern]
    return func.strftime(literal_column(fmt), column, literal_column("'+1 hour'"))


def _seconds_between(session: Session, end, start):
    """``end − start`` in whole seconds."""
    if _dialect(session) == "postgresql":
        return cast(extract("epoch", end - start), BigInteger)
    return cast(func.strftime(literal_column("'%s'"), end), Integer) - cast(
        func.strftime(literal_column("'%s'"), start), Integer
    )


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """``numerator / denominator`` as a Decimal, ``None`` when there is nothing to divide."""
    return Decimal(numerator) / Decimal(denominator) if denominator else None


# --- datasets --------------------------------------------------------------------------------


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
    month = _local(session, Tender.published_at, "month").label("month")
    query = select(month, func.count(Tender.id)).where(Tender.id.in_(scope(filters))).group_by(month).order_by(month)
    return fill_months([MonthCount(m, n) for m, n in session.execute(query)])


def bids_per_month(session: Session, filters: StatsFilters) -> list[MonthCount]:
    """Opened bids by month of submission (bids still sealed are never counted)."""
    month = _local(session, Bid.submitted_at, "month").label("month")
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


@dataclass(frozen=True)
class Awarded:
    """Amounts awarded to one group (a wilaya, a sector, an authority, a kind of firm)."""

    key: str
    names: dict[str, str] = field(default_factory=dict)  # language → name
    final: int = 0  # centimes, excl. VAT
    provisional: int = 0

    @property
    def total(self) -> int:
        return self.final + self.provisional

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("fr") or self.key


def _fold_awards(rows, names: dict[str, dict[str, str]] | None = None) -> list[Awarded]:
    """``(key, status, amount)`` rows → one :class:`Awarded` per key, largest total first."""
    amounts: dict[str, dict[str, int]] = {}
    for key, status, amount in rows:
        amounts.setdefault(key, {})[status] = int(amount or 0)
    groups = [
        Awarded(key, (names or {}).get(key, {}), by_status.get("final", 0), by_status.get("provisional", 0))
        for key, by_status in amounts.items()
    ]
    return sorted(groups, key=lambda group: (-group.total, group.key))


def _standing_awards(filters: StatsFilters):
    return (LotAward.status.in_(STANDING), LotAward.tender_id.in_(scope(filters)))


def awarded_by_wilaya(session: Session, filters: StatsFilters) -> list[Awarded]:
    """By the winning firm's wilaya."""
    query = (
        select(Enterprise.wilaya_code, LotAward.status, func.sum(LotAward.amount))
        .join(Enterprise, Enterprise.id == LotAward.enterprise_id)
        .where(*_standing_awards(filters))
        .group_by(Enterprise.wilaya_code, LotAward.status)
    )
    rows = session.execute(query).all()
    names = {
        code: {"fr": wilaya.name_fr, "ar": wilaya.name_ar}
        for code in {row[0] for row in rows}
        if (wilaya := WILAYAS_BY_CODE.get(code))
    }
    return _fold_awards(rows, names)


def awarded_by_sector(session: Session, filters: StatsFilters) -> list[Awarded]:
    """By the tender's sectors (a tender in several sectors counts in each)."""
    query = (
        select(Sector.code, LotAward.status, func.sum(LotAward.amount))
        .join(tender_sectors, tender_sectors.c.tender_id == LotAward.tender_id)
        .join(Sector, Sector.id == tender_sectors.c.sector_id)
        .where(*_standing_awards(filters))
        .group_by(Sector.code, LotAward.status)
    )
    rows = session.execute(query).all()
    sectors = session.scalars(select(Sector).where(Sector.code.in_({row[0] for row in rows})))
    names = {s.code: {"fr": s.name_fr, "ar": s.name_ar, "en": s.name_en} for s in sectors}
    return _fold_awards(rows, names)


def _authority_names(session: Session, codes) -> dict[str, dict[str, str]]:
    authorities = session.scalars(select(ContractingAuthority).where(ContractingAuthority.code.in_(set(codes))))
    return {a.code: {"fr": a.name_fr, "ar": a.name_ar} for a in authorities}


def awarded_by_authority(session: Session, filters: StatsFilters) -> list[Awarded]:
    query = (
        select(ContractingAuthority.code, LotAward.status, func.sum(LotAward.amount))
        .join(Tender, Tender.id == LotAward.tender_id)
        .join(ContractingAuthority, ContractingAuthority.id == Tender.authority_id)
        .where(*_standing_awards(filters))
        .group_by(ContractingAuthority.code, LotAward.status)
    )
    rows = session.execute(query).all()
    return _fold_awards(rows, _authority_names(session, (row[0] for row in rows)))


@dataclass(frozen=True)
class MicroShare:
    micro: Awarded
    other: Awarded

    @property
    def share(self) -> Decimal | None:
        return ratio(self.micro.total, self.micro.total + self.other.total)


def micro_enterprise_share(session: Session, filters: StatsFilters) -> MicroShare:
    none = literal_column(f"'{SupportScheme.NONE.value}'")
    kind = case((Enterprise.support_scheme == none, literal_column("'other'")), else_=literal_column("'micro'"))
    kind = kind.label("kind")
    query = (
        select(kind, LotAward.status, func.sum(LotAward.amount))
        .join(Enterprise, Enterprise.id == LotAward.enterprise_id)
        .where(*_standing_awards(filters))
        .group_by(kind, LotAward.status)
    )
    groups = {group.key: group for group in _fold_awards(session.execute(query).all())}
    return MicroShare(groups.get("micro", Awarded("micro")), groups.get("other", Awarded("other")))


@dataclass(frozen=True)
class ReservedShare:
    authority: str  # code
    names: dict[str, str]
    year: int
    lots: int
    reserved_lots: int
    estimated: int  # centimes: all lots' estimates
    reserved_estimated: int  # centimes: reserved lots' estimates

    @property
    def share(self) -> Decimal | None:
        return ratio(self.reserved_estimated, self.estimated)

    @property
    def meets_target(self) -> bool:
        return self.share is not None and self.share >= RESERVATION_TARGET

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("fr") or self.authority


def reserved_shares(session: Session, filters: StatsFilters) -> list[ReservedShare]:
    """Each authority's reserved share per year of publication; cancelled tenders left out."""
    year = _local(session, Tender.published_at, "year").label("year")
    reserved_amount = case((Lot.is_reserved.is_(True), func.coalesce(Lot.estimated_amount, 0)), else_=0)
    query = (
        select(
            ContractingAuthority.code,
            year,
            func.count(Lot.id),
            func.sum(case((Lot.is_reserved.is_(True), 1), else_=0)),
            func.coalesce(func.sum(Lot.estimated_amount), 0),
            func.coalesce(func.sum(reserved_amount), 0),
        )
        .join(Tender, Tender.id == Lot.tender_id)
        .join(ContractingAuthority, ContractingAuthority.id == Tender.authority_id)
        .where(Tender.id.in_(scope(filters)), Tender.status != TenderStatus.CANCELLED)
        .group_by(ContractingAuthority.code, year)
        .order_by(year.desc(), ContractingAuthority.code)
    )
    rows = session.execute(query).all()
    names = _authority_names(session, (row[0] for row in rows))
    return [
        ReservedShare(code, names.get(code, {}), int(y), lots, int(reserved or 0), int(total), int(reserved_total))
        for code, y, lots, reserved, total, reserved_total in rows
    ]


@dataclass(frozen=True)
class AwardDelay:
    authority: str
    names: dict[str, str]
    tenders: int
    seconds: int  # summed over the tenders

    @property
    def average_days(self) -> Decimal | None:
        return ratio(self.seconds, self.tenders * 86400)

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("fr") or self.authority


def time_to_award(session: Session, filters: StatsFilters) -> list[AwardDelay]:
    """Per authority: days from publication to the first standing award, per tender."""
    first = (
        select(LotAward.tender_id, func.min(LotAward.published_at).label("first_at"))
        .where(*_standing_awards(filters))
        .group_by(LotAward.tender_id)
        .subquery()
    )
    seconds = _seconds_between(session, first.c.first_at, Tender.published_at)
    query = (
        select(ContractingAuthority.code, func.count(Tender.id), func.sum(seconds))
        .select_from(first)
        .join(Tender, Tender.id == first.c.tender_id)
        .join(ContractingAuthority, ContractingAuthority.id == Tender.authority_id)
        .group_by(ContractingAuthority.code)
    )
    rows = session.execute(query).all()
    names = _authority_names(session, (row[0] for row in rows))
    delays = [AwardDelay(code, names.get(code, {}), count, int(total or 0)) for code, count, total in rows]
    return sorted(delays, key=lambda delay: (-(delay.average_days or 0), delay.authority))


def overall_delay(delays: list[AwardDelay]) -> AwardDelay:
    return AwardDelay("", {}, sum(d.tenders for d in delays), sum(d.seconds for d in delays))


def tenders_by_state(session: Session, filters: StatsFilters, now: datetime) -> dict[str, int]:
    """Tenders per public state; ``open`` and ``closed`` come from the clock, as on the tender pages."""
    stored = dict(
        session.execute(
            select(Tender.status, func.count(Tender.id)).where(Tender.id.in_(scope(filters))).group_by(Tender.status)
        ).all()
    )
    still_open = (
        session.scalar(
            select(func.count(Tender.id)).where(
                Tender.id.in_(scope(filters)),
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


def red_flag_counts(session: Session, filters: StatsFilters, short_period_days: int) -> dict[str, int]:
    """How many tenders carry each flag: the rules of :mod:`safkat.opendata.redflags`, in SQL."""
    in_scope = Tender.id.in_(scope(filters))
    one_bid = (
        select(Opening.tender_id)
        .join(OpenedBid, OpenedBid.tender_id == Opening.tender_id)
        .where(Opening.tender_id.in_(scope(filters)))
        .group_by(Opening.tender_id)
        .having(func.count(OpenedBid.id) == 1)
        .subquery()
    )
    period = _seconds_between(session, Tender.submission_deadline_at, Tender.published_at)
    notice = _seconds_between(session, Amendment.old_deadline_at, Amendment.created_at)
    standing = (LotAward.status.in_(STANDING), LotAward.tender_id.in_(scope(filters)))
    counts = {
        "single_bid": select(func.count()).select_from(one_bid),
        "short_period": select(func.count(Tender.id)).where(
            in_scope, Tender.submission_deadline_at.is_not(None), period < short_period_days * 86400
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


# --- an authority's pipeline ----------------------------------------------------------------------


def upcoming_deadlines(session: Session, filters: StatsFilters, now: datetime, limit: int = 10) -> list[Tender]:
    """Open tenders, nearest submission deadline first."""
    query = (
        select(Tender)
        .where(
            Tender.id.in_(scope(filters)),
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
            Tender.id.in_(scope(filters)),
            Tender.status.in_((TenderStatus.OPENED, TenderStatus.EVALUATION)),
        )
        .order_by(Opening.opened_at, Tender.id)
        .limit(limit)
    )
    return [(tender, opened_at) for tender, opened_at in session.execute(query)]


# --- what the pages need ----------------------------------------------------------------------------


def available_years(session: Session, now: datetime) -> list[int]:
    """The years that have public tenders (Algiers time), most recent first."""
    first, last = session.execute(
        select(func.min(Tender.published_at), func.max(Tender.published_at)).where(
            Tender.status.not_in(HIDDEN_STATUSES)
        )
    ).one()
    if first is None:
        return [now.astimezone(ALGIERS).year]
    return list(range(last.astimezone(ALGIERS).year, first.astimezone(ALGIERS).year - 1, -1))


def last_change(session: Session, now: datetime) -> datetime | None:
    """When any figure may last have changed: Last-Modified of the dashboard and its CSV files.

    The listing's last change (edits, passed deadlines) plus the award events that do not
    always move a tender's ``changed_at`` (one lot of several becoming final).
    """
    moments = session.execute(
        select(
            select(func.max(LotAward.published_at)).scalar_subquery(),
            select(func.max(LotAward.finalized_at)).scalar_subquery(),
            select(func.max(Opening.opened_at)).scalar_subquery(),
            select(func.max(Amendment.created_at)).scalar_subquery(),
        )
    ).one()
    return max(filter(None, (listing_last_change(session, now), *moments)), default=None)


class Dashboard:
    """Every dataset of a dashboard, each computed on first use (a CSV file needs only one)."""

    def __init__(self, session: Session, filters: StatsFilters, now: datetime, short_period_days: int):
        self.session, self.filters, self.now, self.short_period_days = session, filters, now, short_period_days

    @cached_property
    def tenders_per_month(self) -> list[MonthCount]:
        return tenders_per_month(self.session, self.filters)

    @cached_property
    def bids_per_month(self) -> list[MonthCount]:
        return bids_per_month(self.session, self.filters)

    @cached_property
    def competition(self) -> Competition:
        return competition(self.session, self.filters)

    @cached_property
    def awarded_by_wilaya(self) -> list[Awarded]:
        return awarded_by_wilaya(self.session, self.filters)

    @cached_property
    def awarded_by_sector(self) -> list[Awarded]:
        return awarded_by_sector(self.session, self.filters)

    @cached_property
    def awarded_by_authority(self) -> list[Awarded]:
        return awarded_by_authority(self.session, self.filters)

    @cached_property
    def micro_share(self) -> MicroShare:
        return micro_enterprise_share(self.session, self.filters)

    @cached_property
    def reserved_shares(self) -> list[ReservedShare]:
        return reserved_shares(self.session, self.filters)

    @cached_property
    def time_to_award(self) -> list[AwardDelay]:
        return time_to_award(self.session, self.filters)

    @cached_property
    def overall_delay(self) -> AwardDelay:
        return overall_delay(self.time_to_award)

    @cached_property
    def tenders_by_state(self) -> dict[str, int]:
        return tenders_by_state(self.session, self.filters, self.now)

    @property
    def unsuccessful_share(self) -> Decimal | None:
        return unsuccessful_share(self.tenders_by_state)

    @cached_property
    def red_flag_counts(self) -> dict[str, int]:
        return red_flag_counts(self.session, self.filters, self.short_period_days)

    @cached_property
    def upcoming_deadlines(self) -> list[Tender]:
        return upcoming_deadlines(self.session, self.filters, self.now)

    @cached_property
    def open_evaluations(self) -> list[tuple[Tender, datetime]]:
        return open_evaluations(self.session, self.filters)
