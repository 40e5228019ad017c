"""Amounts awarded (by wilaya, sector, authority, kind of firm), reserved shares and time to award."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from safkat.accounts.models import ContractingAuthority, Enterprise, Sector, SupportScheme
from safkat.awards.models import LotAward
from safkat.opendata.stats.figures import localized, ratio
from safkat.opendata.stats.scope import StatsFilters, standing_awards, tender_in_scope
from safkat.opendata.stats.sql import local_period, seconds_between
from safkat.tenders.models import Lot, Tender, TenderStatus, tender_sectors
from safkat.wilayas import WILAYAS_BY_CODE

RESERVATION_TARGET = Decimal("0.20")


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
        return localized(self.names, locale, self.key)


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


def awarded_by_wilaya(session: Session, filters: StatsFilters) -> list[Awarded]:
    """By the winning firm's wilaya."""
    query = (
        select(Enterprise.wilaya_code, LotAward.status, func.sum(LotAward.amount))
        .join(Enterprise, Enterprise.id == LotAward.enterprise_id)
        .where(*standing_awards(filters))
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
        .where(*standing_awards(filters))
        .group_by(Sector.code, LotAward.status)
    )
    rows = session.execute(query).all()
    sectors = session.scalars(select(Sector).where(Sector.code.in_({row[0] for row in rows})))
    names = {s.code: {"fr": s.name_fr, "ar": s.name_ar, "en": s.name_en} for s in sectors}
    return _fold_awards(rows, names)


def authority_names(session: Session, codes) -> dict[str, dict[str, str]]:
    authorities = session.scalars(select(ContractingAuthority).where(ContractingAuthority.code.in_(set(codes))))
    return {a.code: {"fr": a.name_fr, "ar": a.name_ar} for a in authorities}


def awarded_by_authority(session: Session, filters: StatsFilters) -> list[Awarded]:
    query = (
        select(ContractingAuthority.code, LotAward.status, func.sum(LotAward.amount))
        .join(Tender, Tender.id == LotAward.tender_id)
        .join(ContractingAuthority, ContractingAuthority.id == Tender.authority_id)
        .where(*standing_awards(filters))
        .group_by(ContractingAuthority.code, LotAward.status)
    )
    rows = session.execute(query).all()
    return _fold_awards(rows, authority_names(session, (row[0] for row in rows)))


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
        .where(*standing_awards(filters))
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
    estimated: int  # centimes: all lots' public estimates
    reserved_estimated: int  # centimes: reserved lots' public estimates

    @property
    def share(self) -> Decimal | None:
        return ratio(self.reserved_estimated, self.estimated)

    @property
    def meets_target(self) -> bool:
        return self.share is not None and self.share >= RESERVATION_TARGET

    def name(self, locale: str) -> str:
        return localized(self.names, locale, self.authority)


def reserved_shares(session: Session, filters: StatsFilters) -> list[ReservedShare]:
    """Each authority's reserved share per year of publication; cancelled tenders left out.

    Only public estimates are added up: a lot whose tender hides its budget counts in the
    numbers of lots, never in the amounts, so no filter can isolate it and give its
    estimate away (issue 18; see the methodology page)."""
    year = local_period(session, Tender.published_at, "year").label("year")
    public_amount = case((Tender.is_budget_public.is_(True), func.coalesce(Lot.estimated_amount, 0)), else_=0)
    reserved_amount = case((Lot.is_reserved.is_(True), public_amount), else_=0)
    query = (
        select(
            ContractingAuthority.code,
            year,
            func.count(Lot.id),
            func.sum(case((Lot.is_reserved.is_(True), 1), else_=0)),
            func.coalesce(func.sum(public_amount), 0),
            func.coalesce(func.sum(reserved_amount), 0),
        )
        .join(Tender, Tender.id == Lot.tender_id)
        .join(ContractingAuthority, ContractingAuthority.id == Tender.authority_id)
        .where(*tender_in_scope(filters), Tender.status != TenderStatus.CANCELLED)
        .group_by(ContractingAuthority.code, year)
        .order_by(year.desc(), ContractingAuthority.code)
    )
    rows = session.execute(query).all()
    names = authority_names(session, (row[0] for row in rows))
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
        return localized(self.names, locale, self.authority)


def time_to_award(session: Session, filters: StatsFilters) -> list[AwardDelay]:
    """Per authority: days from publication to the first standing award, per tender."""
    first = (
        select(LotAward.tender_id, func.min(LotAward.published_at).label("first_at"))
        .where(*standing_awards(filters))
        .group_by(LotAward.tender_id)
        .subquery()
    )
    seconds = seconds_between(session, first.c.first_at, Tender.published_at)
    query = (
        select(ContractingAuthority.code, func.count(Tender.id), func.sum(seconds))
        .select_from(first)
        .join(Tender, Tender.id == first.c.tender_id)
        .join(ContractingAuthority, ContractingAuthority.id == Tender.authority_id)
        .group_by(ContractingAuthority.code)
    )
    rows = session.execute(query).all()
    names = authority_names(session, (row[0] for row in rows))
    delays = [AwardDelay(code, names.get(code, {}), count, int(total or 0)) for code, count, total in rows]
    return sorted(delays, key=lambda delay: (-(delay.average_days or 0), delay.authority))


def overall_delay(delays: list[AwardDelay]) -> AwardDelay:
    return AwardDelay("", {}, sum(d.tenders for d in delays), sum(d.seconds for d in delays))
