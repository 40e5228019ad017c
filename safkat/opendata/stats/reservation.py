"""The share of the money that went to the lots reserved to micro-enterprises (no Flask).

The estimated reserved share (:func:`safkat.opendata.stats.awards.reserved_shares`) says
what an authority planned; these figures say what it awarded and what is being executed:

- awarded share = amount of the standing awards (provisional or final, excl. VAT) of
  reserved lots ÷ amount of all its standing awards;
- executed share = amount of the signed contracts whose service order was given (incl.
  VAT, with the net change of their amendments) on reserved lots ÷ all such contracts;

per contracting authority and year of publication of the call for tender, like the
estimated share, against the same 20 % target. Only award and contract amounts are
added up: they are public (published with the award), and no estimate enters, hidden
or not (issue 18).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from safkat.accounts.models import ContractingAuthority
from safkat.awards.models import Contract, LotAward
from safkat.execution.models import ContractChange, ContractExecution
from safkat.opendata.stats.awards import RESERVATION_TARGET, authority_names
from safkat.opendata.stats.figures import localized, ratio
from safkat.opendata.stats.scope import StatsFilters, standing_awards, tender_in_scope
from safkat.opendata.stats.sql import local_period
from safkat.tenders.models import Lot, Tender


@dataclass(frozen=True)
class ReservedAwarded:
    authority: str  # code
    names: dict[str, str]
    year: int
    awarded: int = 0  # centimes excl. VAT, every standing award
    reserved_awarded: int = 0
    executed: int = 0  # centimes incl. VAT after amendments, contracts under execution
    reserved_executed: int = 0

    @property
    def awarded_share(self) -> Decimal | None:
        return ratio(self.reserved_awarded, self.awarded)

    @property
    def executed_share(self) -> Decimal | None:
        return ratio(self.reserved_executed, self.executed)

    @property
    def meets_target(self) -> bool:
        return self.awarded_share is not None and self.awarded_share >= RESERVATION_TARGET

    def name(self, locale: str) -> str:
        return localized(self.names, locale, self.authority)


def _sums(amount, reserved_flag):
    return func.coalesce(func.sum(amount), 0), func.coalesce(func.sum(case((reserved_flag, amount), else_=0)), 0)


def _awarded_rows(session: Session, filters: StatsFilters):
    year = local_period(session, Tender.published_at, "year").label("year")
    query = (
        select(ContractingAuthority.code, year, *_sums(LotAward.amount, Lot.is_reserved.is_(True)))
        .join(Lot, Lot.id == LotAward.lot_id)
        .join(Tender, Tender.id == LotAward.tender_id)
        .join(ContractingAuthority, ContractingAuthority.id == Tender.authority_id)
        .where(*standing_awards(filters), LotAward.amount.is_not(None))
        .group_by(ContractingAuthority.code, year)
    )
    return session.execute(query).all()


def _executed_rows(session: Session, filters: StatsFilters):
    year = local_period(session, Tender.published_at, "year").label("year")
    amended = (
        select(ContractChange.contract_id, func.sum(ContractChange.amount_delta).label("delta"))
        .where(ContractChange.kind == "amendment")
        .group_by(ContractChange.contract_id)
        .subquery()
    )
    amount = Contract.amount_incl_vat + func.coalesce(amended.c.delta, 0)
    query = (
        select(ContractingAuthority.code, year, *_sums(amount, Lot.is_reserved.is_(True)))
        .join(ContractExecution, ContractExecution.contract_id == Contract.id)
        .outerjoin(amended, amended.c.contract_id == Contract.id)
        .join(Lot, Lot.id == Contract.lot_id)
        .join(Tender, Tender.id == Contract.tender_id)
        .join(ContractingAuthority, ContractingAuthority.id == Tender.authority_id)
        .where(*tender_in_scope(filters), Contract.status == "signed")
        .group_by(ContractingAuthority.code, year)
    )
    return session.execute(query).all()


def reserved_awarded(session: Session, filters: StatsFilters) -> list[ReservedAwarded]:
    """Per authority and year (most recent first): awarded and executed reserved shares."""
    figures: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for code, year, total, reserved in _awarded_rows(session, filters):
        figures[(code, int(year))].update(awarded=int(total), reserved_awarded=int(reserved))
    for code, year, total, reserved in _executed_rows(session, filters):
        figures[(code, int(year))].update(executed=int(total), reserved_executed=int(reserved))
    names = authority_names(session, (code for code, _year in figures))
    keys = sorted(figures, key=lambda key: (-key[1], key[0]))
    return [ReservedAwarded(code, names.get(code, {}), year, **figures[(code, year)]) for code, year in keys]
