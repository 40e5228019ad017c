"""Execution of a contract: service order, extensions, amendments, acceptance, milestones.
Knows no Flask; invoices are in :mod:`safkat.execution.invoices`.

Every operation checks the actor with :func:`safkat.permissions.can` (a firm cannot act on
another firm's contract, an officer on another authority's), refuses bad input with a
:class:`DomainError` before changing anything, and records itself in the audit chain
(:mod:`safkat.execution.guards`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safkat.awards.models import Contract
from safkat.errors import N_, DomainError
from safkat.execution import payment_clock
from safkat.execution.guards import check_past_date, lock, log, publish, reason_given, require
from safkat.execution.models import ContractChange, ContractExecution, Invoice, Milestone
from safkat.statemachine import StateMachine
from safkat.tenders.models import Lot, Tender

EXECUTION_LIFECYCLE = StateMachine(
    "execution",
    {
        ("in_progress", "accept_provisionally"): "provisionally_accepted",
        ("provisionally_accepted", "accept_finally"): "finally_accepted",
    },
)
MILESTONE_LIFECYCLE = StateMachine(
    "milestone",
    {
        ("pending", "deliver"): "delivered",
        ("refused", "deliver"): "delivered",
        ("delivered", "accept"): "accepted",
        ("delivered", "refuse"): "refused",
    },
)


@dataclass(frozen=True)
class PaymentTerms:
    """The settings in force: payment period, default-interest rate, amendment limit, holidays."""

    payment_days: int = 30
    interest_rate_bp: int = 800
    amendment_max_percent: int = 20
    holidays: payment_clock.Holidays = payment_clock.NO_HOLIDAYS


def signed_contracts(
    session: Session, *, authority_id: int | None = None, enterprise_id: int | None = None
) -> list[Contract]:
    """The signed contracts of an authority, or of a firm, most recent first."""
    query = select(Contract).where(Contract.status == "signed").order_by(Contract.signed_at.desc())
    if authority_id is not None:
        query = query.join(Lot, Lot.id == Contract.lot_id).join(Tender, Tender.id == Lot.tender_id)
        query = query.where(Tender.authority_id == authority_id)
    else:
        query = query.where(Contract.enterprise_id == enterprise_id)
    return list(session.scalars(query))


def execution_of(session: Session, contract: Contract) -> ContractExecution | None:
    return session.scalar(select(ContractExecution).where(ContractExecution.contract_id == contract.id))


def running_execution(session, contract) -> ContractExecution:
    execution = execution_of(session, contract)
    if execution is None:
        raise DomainError(N_("The service order has not been given yet."))
    return execution


def signed_on(contract: Contract) -> date:
    if contract.status != "signed" or contract.signed_at is None:
        raise DomainError(N_("The contract is not signed yet."))
    return payment_clock.local_date(contract.signed_at)


# -- execution ---------------------------------------------------------------------------


def order_service(
    session: Session, contract: Contract, actor, *, starts_on: date, execution_days: int, now: datetime
) -> ContractExecution:
    """The service order (ordre de service) that starts the execution period."""
    require(actor, "contract.execute", contract)
    lock(session, contract)
    check_past_date(starts_on, signed_on(contract), now)
    if execution_of(session, contract) is not None:
        raise DomainError(N_("The service order is already recorded."))
    if not 0 < execution_days <= 3660:
        raise DomainError(N_("The execution period is a number of days between 1 and 3660."))
    execution = ContractExecution(
        contract_id=contract.id,
        status="in_progress",
        starts_on=starts_on,
        execution_days=execution_days,
        ordered_at=now,
        ordered_by_id=actor.id,
    )
    session.add(execution)
    session.flush()
    log(session, actor, contract, "service_ordered", now, starts_on=starts_on, days=execution_days)
    publish(session, contract, "implementation", now)
    return execution


def changes(session: Session, contract: Contract) -> list[ContractChange]:
    return list(
        session.scalars(
            select(ContractChange).where(ContractChange.contract_id == contract.id).order_by(ContractChange.id)
        )
    )


def ends_on(session: Session, execution: ContractExecution) -> date:
    """The end of the execution period, after every extension and amendment of duration."""
    extra = sum(change.days_delta for change in changes(session, execution.contract))
    return payment_clock.execution_ends_on(execution.starts_on, execution.execution_days, extra)


def extend(session: Session, contract: Contract, actor, *, days: int, reason: str, now: datetime) -> ContractChange:
    """Extend the execution period (e.g. a delay caused by the authority), with a reason."""
    require(actor, "contract.execute", contract)
    reason = reason_given(reason)
    lock(session, contract)
    execution = running_execution(session, contract)
    if execution.status != "in_progress":
        raise DomainError(N_("The work is already accepted: the period can no longer change."))
    if not 0 < days <= 3660:
        raise DomainError(N_("An extension is a number of days between 1 and 3660."))
    change = ContractChange(
        contract_id=contract.id,
        kind="extension",
        amount_delta=0,
        days_delta=days,
        reason=reason,
        recorded_at=now,
        recorded_by_id=actor.id,
    )
    session.add(change)
    session.flush()
    log(session, actor, contract, "extended", now, days=days, reason=reason)
    publish(session, contract, "contractAmendment", now)
    return change


def contract_total(session: Session, contract: Contract) -> int:
    """The contract's amount incl. VAT after its amendments, in centimes."""
    delta = session.scalar(
        select(func.coalesce(func.sum(ContractChange.amount_delta), 0)).where(ContractChange.contract_id == contract.id)
    )
    return contract.amount_incl_vat + int(delta)


def invoiced(session: Session, contract: Contract, excluding: Invoice | None = None) -> int:
    """What the firm has claimed so far (disputed invoices do not count until resubmitted)."""
    query = select(func.coalesce(func.sum(Invoice.amount), 0)).where(
        Invoice.contract_id == contract.id, Invoice.status != "disputed"
    )
    if excluding is not None:
        query = query.where(Invoice.id != excluding.id)
    return int(session.scalar(query))


def remaining(session: Session, contract: Contract) -> int:
    return contract_total(session, contract) - invoiced(session, contract)


def amend(
    session: Session,
    contract: Contract,
    actor,
    *,
    amount_delta: int,
    days_delta: int,
    reason: str,
    terms: PaymentTerms,
    now: datetime,
) -> ContractChange:
    """An amendment (avenant) to the amount and/or the period, within the configured limit."""
    require(actor, "contract.execute", contract)
    reason = reason_given(reason)
    lock(session, contract)
    execution = running_execution(session, contract)
    if execution.status == "finally_accepted":
        raise DomainError(N_("The contract is closed by its final acceptance."))
    if amount_delta == 0 and days_delta == 0:
        raise DomainError(N_("An amendment changes the amount or the period."))
    cumulated = contract_total(session, contract) + amount_delta - contract.amount_incl_vat
    if abs(cumulated) * 100 > contract.amount_incl_vat * terms.amendment_max_percent:
        raise DomainError(
            N_("The amendments together would change the contract's amount by more than %(limit)s %%."),
            limit=terms.amendment_max_percent,
        )
    if contract.amount_incl_vat + cumulated < invoiced(session, contract):
        raise DomainError(N_("The amount cannot fall below what is already invoiced."))
    if ends_on(session, execution).toordinal() + days_delta < execution.starts_on.toordinal():
        raise DomainError(N_("The period cannot end before it starts."))
    change = ContractChange(
        contract_id=contract.id,
        kind="amendment",
        amount_delta=amount_delta,
        days_delta=days_delta,
        reason=reason,
        recorded_at=now,
        recorded_by_id=actor.id,
    )
    session.add(change)
    session.flush()
    log(session, actor, contract, "amended", now, amount_delta=amount_delta, days_delta=days_delta, reason=reason)
    publish(session, contract, "contractAmendment", now)
    return change


def record_acceptance(
    session: Session, contract: Contract, actor, *, final: bool, on: date, reserves: str | None, now: datetime
) -> ContractExecution:
    """The acceptance record: provisional (réception provisoire), then final (définitive)."""
    require(actor, "contract.execute", contract)
    lock(session, contract)
    execution = running_execution(session, contract)
    earliest = (
        execution.provisional_acceptance_on if final and execution.provisional_acceptance_on else execution.starts_on
    )
    check_past_date(on, earliest, now)
    execution.status = EXECUTION_LIFECYCLE.next_state(
        execution.status, "accept_finally" if final else "accept_provisionally"
    )
    if final:
        execution.final_acceptance_on = on
    else:
        execution.provisional_acceptance_on = on
        execution.acceptance_reserves = (reserves or "").strip() or None
    session.flush()
    log(session, actor, contract, "final_acceptance" if final else "provisional_acceptance", now, on=on)
    publish(session, contract, "implementationUpdate", now)
    return execution


# -- milestones --------------------------------------------------------------------------


def add_milestone(session: Session, contract: Contract, actor, *, title: str, due_on: date, now: datetime) -> Milestone:
    require(actor, "contract.execute", contract)
    execution = running_execution(session, contract)
    title = (title or "").strip()
    if not title:
        raise DomainError(N_("Name the milestone or delivery."))
    if due_on < execution.starts_on:
        raise DomainError(N_("The date cannot be before %(earliest)s."), earliest=execution.starts_on.isoformat())
    milestone = Milestone(contract_id=contract.id, title=title[:200], due_on=due_on, status="pending")
    session.add(milestone)
    session.flush()
    log(session, actor, contract, "milestone_added", now, milestone=milestone.id, due_on=due_on)
    publish(session, contract, "implementationUpdate", now)
    return milestone


def deliver_milestone(session: Session, milestone: Milestone, actor, now: datetime) -> None:
    """The firm declares the delivery; the authority then accepts or refuses it."""
    contract = session.get(Contract, milestone.contract_id)
    require(actor, "contract.invoice", contract)
    lock(session, milestone)
    milestone.status = MILESTONE_LIFECYCLE.next_state(milestone.status, "deliver")
    milestone.delivered_at, milestone.reason = now, None
    session.flush()
    log(session, actor, contract, "milestone_delivered", now, milestone=milestone.id)


def decide_milestone(
    session: Session, milestone: Milestone, actor, *, accepted: bool, reason: str | None, now: datetime
) -> None:
    contract = session.get(Contract, milestone.contract_id)
    require(actor, "contract.execute", contract)
    lock(session, milestone)
    # A refusal must say why; an acceptance may add a remark.
    reason = ((reason or "").strip() or None) if accepted else reason_given(reason)
    milestone.status = MILESTONE_LIFECYCLE.next_state(milestone.status, "accept" if accepted else "refuse")
    milestone.reason, milestone.decided_at = reason, now
    session.flush()
    log(
        session,
        actor,
        contract,
        "milestone_accepted" if accepted else "milestone_refused",
        now,
        milestone=milestone.id,
        reason=reason,
    )
    publish(session, contract, "implementationUpdate", now)


def milestones(session: Session, contract: Contract) -> list[Milestone]:
    return list(
        session.scalars(select(Milestone).where(Milestone.contract_id == contract.id).order_by(Milestone.due_on))
    )
