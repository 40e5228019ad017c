"""How fast authorities order the payment of their suppliers' invoices (no Flask).

**Formulas** (days are calendar days, Algiers dates; no invoice amount is used or shown):

- days to payment = payment order (mandatement) date − receipt date of the invoice (its
  last receipt, after a correction), for invoices whose payment is ordered;
- paid late = the payment order came after the due date (receipt + the payment period in
  force at receipt, moved to the next working day; fixed at receipt): share = paid late ÷ payment ordered;
- open past due = invoices received and not yet ordered whose due date has passed, and
  how many days late they are today;
- median and 90th percentile by the nearest-rank method (the value of rank ⌈p·n⌉);
- "pays late": an authority with at least ``MIN_INVOICES`` invoices ordered or past due,
  of which more than the configured share (``SAFKAT_LATE_PAYER_SHARE``, 25 %) were paid
  late or are open past due.

Invoices sent back for correction are left out until resubmitted. The invoices of the
tenders in scope (:mod:`.scope`) are read once and folded in Python: percentiles are not
portable SQL, and an authority has a few invoices a month.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.accounts.models import ContractingAuthority
from safkat.awards.models import Contract
from safkat.execution.models import Invoice
from safkat.execution.payment_clock import local_date
from safkat.opendata.stats.figures import localized, ratio
from safkat.opendata.stats.scope import StatsFilters, tender_in_scope
from safkat.tenders.models import Tender

MIN_INVOICES = 3


@dataclass(frozen=True)
class InvoiceFact:
    authority: str
    received_on: date
    due_on: date
    ordered_on: date | None

    @property
    def days_to_order(self) -> int | None:
        return None if self.ordered_on is None else (self.ordered_on - self.received_on).days

    def days_late(self, today: date) -> int:
        return max(0, ((self.ordered_on or today) - self.due_on).days)


def invoice_facts(session: Session, filters: StatsFilters) -> list[InvoiceFact]:
    rows = session.execute(
        select(ContractingAuthority.code, Invoice.received_at, Invoice.due_on, Invoice.ordered_on)
        .join(Contract, Contract.id == Invoice.contract_id)
        .join(Tender, Tender.id == Contract.tender_id)
        .join(ContractingAuthority, ContractingAuthority.id == Tender.authority_id)
        .where(*tender_in_scope(filters), Invoice.status != "disputed")
    ).all()
    return [InvoiceFact(code, local_date(received_at), due_on, ordered) for code, received_at, due_on, ordered in rows]


def percentile(values: list[int], share: float) -> int | None:
    """Nearest rank: the smallest value with at least ``share`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


@dataclass(frozen=True)
class PaymentDelays:
    authority: str  # "" for every authority together
    names: dict[str, str]
    days_to_order: tuple[int, ...]  # one per invoice whose payment is ordered
    paid_late: int
    open_late_days: tuple[int, ...]  # one per open invoice past its due date

    @property
    def ordered(self) -> int:
        return len(self.days_to_order)

    @property
    def median_days(self) -> int | None:
        return percentile(list(self.days_to_order), 0.5)

    @property
    def p90_days(self) -> int | None:
        return percentile(list(self.days_to_order), 0.9)

    @property
    def late_share(self) -> Decimal | None:
        return ratio(self.paid_late, self.ordered)

    @property
    def open_past_due(self) -> int:
        return len(self.open_late_days)

    @property
    def longest_open_late(self) -> int | None:
        return max(self.open_late_days, default=None)

    def pays_late(self, threshold_percent: int) -> bool:
        considered = self.ordered + self.open_past_due
        late = self.paid_late + self.open_past_due
        return considered >= MIN_INVOICES and late * 100 > threshold_percent * considered

    def name(self, locale: str) -> str:
        return localized(self.names, locale, self.authority)


def _fold(authority: str, names: dict[str, str], facts: list[InvoiceFact], today: date) -> PaymentDelays:
    ordered = [fact for fact in facts if fact.ordered_on is not None]
    open_late = [fact.days_late(today) for fact in facts if fact.ordered_on is None and fact.days_late(today)]
    return PaymentDelays(
        authority,
        names,
        tuple(fact.days_to_order for fact in ordered),
        sum(1 for fact in ordered if fact.days_late(today)),
        tuple(sorted(open_late, reverse=True)),
    )


def delays_by_authority(session: Session, facts: list[InvoiceFact], today: date) -> list[PaymentDelays]:
    grouped: dict[str, list[InvoiceFact]] = defaultdict(list)
    for fact in facts:
        grouped[fact.authority].append(fact)
    authorities = session.scalars(select(ContractingAuthority).where(ContractingAuthority.code.in_(grouped)))
    names = {a.code: {"fr": a.name_fr, "ar": a.name_ar} for a in authorities}
    delays = [_fold(code, names.get(code, {}), rows, today) for code, rows in grouped.items()]
    return sorted(delays, key=lambda d: (-(d.late_share or 0), -(d.median_days or 0), d.authority))


def overall(facts: list[InvoiceFact], today: date) -> PaymentDelays:
    return _fold("", {}, facts, today)


@dataclass(frozen=True)
class MonthDelays:
    month: str  # YYYY-MM of the payment order
    delays: PaymentDelays


def delays_per_month(facts: list[InvoiceFact], today: date) -> list[MonthDelays]:
    grouped: dict[str, list[InvoiceFact]] = defaultdict(list)
    for fact in facts:
        if fact.ordered_on is not None:
            grouped[fact.ordered_on.strftime("%Y-%m")].append(fact)
    return [MonthDelays(month, _fold("", {}, grouped[month], today)) for month in sorted(grouped)]
