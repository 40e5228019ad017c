"""What the statistics pages need: every dataset of a dashboard, the years, the last change."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safkat.audit import AuditEvent
from safkat.awards.models import LotAward
from safkat.bids.models import Opening
from safkat.opendata.stats import activity, awards, flag_counts, payments, pipeline, reservation
from safkat.opendata.stats.activity import Competition, MonthCount
from safkat.opendata.stats.awards import AwardDelay, Awarded, MicroShare, ReservedShare
from safkat.opendata.stats.scope import HIDDEN_STATUSES, StatsFilters
from safkat.tenders.filters import ALGIERS
from safkat.tenders.models import Amendment, Tender
from safkat.tenders.queries import last_change as listing_last_change


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
    always move a tender's ``changed_at`` (one lot of several becoming final), and the last
    recorded step of a contract's execution (invoices, payment orders).
    """
    moments = session.execute(
        select(
            select(func.max(LotAward.published_at)).scalar_subquery(),
            select(func.max(LotAward.finalized_at)).scalar_subquery(),
            select(func.max(Opening.opened_at)).scalar_subquery(),
            select(func.max(Amendment.created_at)).scalar_subquery(),
            select(func.max(AuditEvent.occurred_at)).where(AuditEvent.action.like("execution.%")).scalar_subquery(),
        )
    ).one()
    return max(filter(None, (listing_last_change(session, now), *moments)), default=None)


class Dashboard:
    """Every dataset of a dashboard, each computed on first use (a CSV file needs only one)."""

    def __init__(
        self, session: Session, filters: StatsFilters, now: datetime, short_period_days: int, late_payer_share: int = 25
    ):
        self.session, self.filters, self.now, self.short_period_days = session, filters, now, short_period_days
        self.late_payer_share = late_payer_share
        self.today = now.astimezone(ALGIERS).date()

    @cached_property
    def tenders_per_month(self) -> list[MonthCount]:
        return activity.tenders_per_month(self.session, self.filters)

    @cached_property
    def bids_per_month(self) -> list[MonthCount]:
        return activity.bids_per_month(self.session, self.filters)

    @cached_property
    def competition(self) -> Competition:
        return activity.competition(self.session, self.filters)

    @cached_property
    def awarded_by_wilaya(self) -> list[Awarded]:
        return awards.awarded_by_wilaya(self.session, self.filters)

    @cached_property
    def awarded_by_sector(self) -> list[Awarded]:
        return awards.awarded_by_sector(self.session, self.filters)

    @cached_property
    def awarded_by_authority(self) -> list[Awarded]:
        return awards.awarded_by_authority(self.session, self.filters)

    @cached_property
    def micro_share(self) -> MicroShare:
        return awards.micro_enterprise_share(self.session, self.filters)

    @cached_property
    def reserved_shares(self) -> list[ReservedShare]:
        return awards.reserved_shares(self.session, self.filters)

    @cached_property
    def reserved_awarded(self) -> list[reservation.ReservedAwarded]:
        return reservation.reserved_awarded(self.session, self.filters)

    @cached_property
    def time_to_award(self) -> list[AwardDelay]:
        return awards.time_to_award(self.session, self.filters)

    @cached_property
    def overall_delay(self) -> AwardDelay:
        return awards.overall_delay(self.time_to_award)

    @cached_property
    def tenders_by_state(self) -> dict[str, int]:
        return pipeline.tenders_by_state(self.session, self.filters, self.now)

    @property
    def unsuccessful_share(self) -> Decimal | None:
        return pipeline.unsuccessful_share(self.tenders_by_state)

    @cached_property
    def red_flag_counts(self) -> dict[str, int]:
        return flag_counts.red_flag_counts(self.session, self.filters, self.short_period_days)

    @cached_property
    def upcoming_deadlines(self) -> list[Tender]:
        return pipeline.upcoming_deadlines(self.session, self.filters, self.now)

    @cached_property
    def open_evaluations(self) -> list[tuple[Tender, datetime]]:
        return pipeline.open_evaluations(self.session, self.filters)

    @cached_property
    def invoice_facts(self) -> list[payments.InvoiceFact]:
        return payments.invoice_facts(self.session, self.filters)

    @cached_property
    def payment_delays(self) -> list[payments.PaymentDelays]:
        return payments.delays_by_authority(self.session, self.invoice_facts, self.today)

    @cached_property
    def overall_payment_delay(self) -> payments.PaymentDelays:
        return payments.overall(self.invoice_facts, self.today)

    @cached_property
    def payment_delays_per_month(self) -> list[payments.MonthDelays]:
        return payments.delays_per_month(self.invoice_facts, self.today)

    def late_payers(self) -> list[payments.PaymentDelays]:
        """The authorities flagged "pays late"."""
        return [d for d in self.payment_delays if d.pays_late(self.late_payer_share)]
