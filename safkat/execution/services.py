"""Execution of a contract and the payment of its invoices. Knows no Flask.

Every operation checks the actor with :func:`safkat.permissions.can` (a firm cannot act on
another firm's contract, an officer on another authority's), refuses bad input with a
:class:`DomainError` before changing anything, and records itself in the audit chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safkat import audit
from safkat.awards.models import Contract
from safkat.bids.receipts import sign_receipt
from safkat.errors import N_, DomainError, PermissionDenied
from safkat.execution import payment_clock
from safkat.execution.models import ContractChange, ContractExecution, Invoice, Milestone
from safkat.permissions import can
from safkat.statemachine import StateMachine

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
INVOICE_LIFECYCLE = StateMachine(
    "invoice",
    {
        ("submitted", "approve"): "approved",
        ("submitted", "dispute"): "disputed",
        ("disputed", "resubmit"): "submitted",
        ("approved", "order"): "ordered",
        ("ordered", "pay"): "paid",
    },
)


@dataclass(frozen=True)
class PaymentTerms:
    """The settings in force: payment period, default-interest rate, amendment limit."""

    payment_days: int = 30
    interest_rate_bp: int = 800
    amendment_max_percent: int = 20


def _require(actor, action: str, contract: Contract) -> None:
    if can(actor, action, contract):
        return
    if action == "contract.invoice":
        raise PermissionDenied(N_("Only the firm that holds this contract can do this."))
    raise PermissionDenied(N_("Only the officers of the contracting authority of this contract can do this."))


def _log(session, actor, contract: Contract, action: str, now: datetime, **details) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"execution.{action}",
        object_type="contract",
        object_id=contract.id,
        now=now,
        **details,
    )


def _publish(session: Session, contract: Contract, tag: str, now: datetime) -> None:
    """Record the OCDS release of a public step of the execution (no invoice amount in it)."""
    from safkat.opendata import ocds  # imported here: the release reads this module back

    ocds.record_release(session, contract.lot.tender, [tag], now)


def _reason(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(N_("Give the reason: the other party will read it."))
    return text


def _check_past_date(day: date, earliest: date, now: datetime) -> None:
    """A recorded date lies between ``earliest`` (the contract, the receipt…) and today."""
    if day > payment_clock.local_date(now):
        raise DomainError(N_("The date cannot be in the future."))
    if day < earliest:
        raise DomainError(N_("The date cannot be before %(earliest)s."), earliest=earliest.isoformat())


def _lock(session: Session, obj) -> None:
    """Reload ``obj`` under a row lock (PostgreSQL ``FOR UPDATE``; SQLite writes one at a time),
    so that two officers, or a double click, never record the same step twice or invoice
    beyond the contract's amount."""
    session.refresh(obj, with_for_update=True)


def execution_of(session: Session, contract: Contract) -> ContractExecution | None:
    return session.scalar(select(ContractExecution).where(ContractExecution.contract_id == contract.id))


def _running_execution(session, contract) -> ContractExecution:
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
    _require(actor, "contract.execute", contract)
    _lock(session, contract)
    _check_past_date(starts_on, signed_on(contract), now)
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
    _log(session, actor, contract, "service_ordered", now, starts_on=starts_on, days=execution_days)
    _publish(session, contract, "implementation", now)
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
    _require(actor, "contract.execute", contract)
    reason = _reason(reason)
    _lock(session, contract)
    execution = _running_execution(session, contract)
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
    _log(session, actor, contract, "extended", now, days=days, reason=reason)
    _publish(session, contract, "contractAmendment", now)
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
    _require(actor, "contract.execute", contract)
    reason = _reason(reason)
    _lock(session, contract)
    execution = _running_execution(session, contract)
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
    _log(session, actor, contract, "amended", now, amount_delta=amount_delta, days_delta=days_delta, reason=reason)
    _publish(session, contract, "contractAmendment", now)
    return change


def record_acceptance(
    session: Session, contract: Contract, actor, *, final: bool, on: date, reserves: str | None, now: datetime
) -> ContractExecution:
    """The acceptance record: provisional (réception provisoire), then final (définitive)."""
    _require(actor, "contract.execute", contract)
    _lock(session, contract)
    execution = _running_execution(session, contract)
    earliest = (
        execution.provisional_acceptance_on if final and execution.provisional_acceptance_on else execution.starts_on
    )
    _check_past_date(on, earliest, now)
    execution.status = EXECUTION_LIFECYCLE.next_state(
        execution.status, "accept_finally" if final else "accept_provisionally"
    )
    if final:
        execution.final_acceptance_on = on
    else:
        execution.provisional_acceptance_on = on
        execution.acceptance_reserves = (reserves or "").strip() or None
    session.flush()
    _log(session, actor, contract, "final_acceptance" if final else "provisional_acceptance", now, on=on)
    _publish(session, contract, "implementationUpdate", now)
    return execution


# -- milestones --------------------------------------------------------------------------


def add_milestone(session: Session, contract: Contract, actor, *, title: str, due_on: date, now: datetime) -> Milestone:
    _require(actor, "contract.execute", contract)
    execution = _running_execution(session, contract)
    title = (title or "").strip()
    if not title:
        raise DomainError(N_("Name the milestone or delivery."))
    if due_on < execution.starts_on:
        raise DomainError(N_("The date cannot be before %(earliest)s."), earliest=execution.starts_on.isoformat())
    milestone = Milestone(contract_id=contract.id, title=title[:200], due_on=due_on, status="pending")
    session.add(milestone)
    session.flush()
    _log(session, actor, contract, "milestone_added", now, milestone=milestone.id, due_on=due_on)
    _publish(session, contract, "implementationUpdate", now)
    return milestone


def deliver_milestone(session: Session, milestone: Milestone, actor, now: datetime) -> None:
    """The firm declares the delivery; the authority then accepts or refuses it."""
    contract = session.get(Contract, milestone.contract_id)
    _require(actor, "contract.invoice", contract)
    _lock(session, milestone)
    milestone.status = MILESTONE_LIFECYCLE.next_state(milestone.status, "deliver")
    milestone.delivered_at, milestone.reason = now, None
    session.flush()
    _log(session, actor, contract, "milestone_delivered", now, milestone=milestone.id)


def decide_milestone(
    session: Session, milestone: Milestone, actor, *, accepted: bool, reason: str | None, now: datetime
) -> None:
    contract = session.get(Contract, milestone.contract_id)
    _require(actor, "contract.execute", contract)
    _lock(session, milestone)
    # A refusal must say why; an acceptance may add a remark.
    reason = ((reason or "").strip() or None) if accepted else _reason(reason)
    milestone.status = MILESTONE_LIFECYCLE.next_state(milestone.status, "accept" if accepted else "refuse")
    milestone.reason, milestone.decided_at = reason, now
    session.flush()
    _log(
        session,
        actor,
        contract,
        "milestone_accepted" if accepted else "milestone_refused",
        now,
        milestone=milestone.id,
        reason=reason,
    )
    _publish(session, contract, "implementationUpdate", now)


# -- invoices ----------------------------------------------------------------------------


def _stamp(invoice: Invoice, signing_key, now: datetime) -> None:
    """Sign the receipt like a bid receipt: what was received, its digest, and when."""
    invoice.received_at = now
    invoice.receipt_payload, invoice.receipt_signature = sign_receipt(
        signing_key,
        {
            "kind": "invoice_receipt",
            "invoice": invoice.id,
            "contract": invoice.contract_id,
            "number": invoice.number,
            "amount_centimes": invoice.amount,
            "document_sha256": invoice.document_sha256,
            "received_at": now.isoformat(),
        },
    )


def _check_amount(session, contract: Contract, amount: int, invoice: Invoice | None = None) -> None:
    if amount <= 0:
        raise DomainError(N_("The amount must be positive."))
    left = contract_total(session, contract) - invoiced(session, contract, excluding=invoice)
    if amount > left:
        raise DomainError(
            N_("The amount is above what remains to invoice on this contract (%(left)s DZD)."),
            left=f"{left / 100:,.2f}".replace(",", " "),
        )


def submit_invoice(
    session: Session,
    contract: Contract,
    actor,
    *,
    number: str,
    amount: int,
    document: tuple[str, str, str],
    terms: PaymentTerms,
    signing_key,
    now: datetime,
) -> Invoice:
    """The firm sends an invoice or progress statement with its PDF; the receipt is signed."""
    _require(actor, "contract.invoice", contract)
    _lock(session, contract)
    _running_execution(session, contract)
    number = (number or "").strip()
    if not number:
        raise DomainError(N_("Give the invoice's number."))
    _check_amount(session, contract, amount)
    name, key, digest = document
    invoice = Invoice(
        contract_id=contract.id,
        number=number[:60],
        amount=amount,
        status="submitted",
        document_name=name[-255:],
        document_key=key,
        document_sha256=digest,
        submitted_by_id=actor.id,
        first_received_at=now,
        received_at=now,
        payment_days=terms.payment_days,
        interest_rate_bp=terms.interest_rate_bp,
        receipt_payload="",
        receipt_signature="",
    )
    session.add(invoice)
    session.flush()
    _stamp(invoice, signing_key, now)
    session.flush()
    _log(session, actor, contract, "invoice_received", now, invoice=invoice.id, sha256=digest)
    return invoice


def resubmit_invoice(
    session: Session,
    invoice: Invoice,
    actor,
    *,
    amount: int,
    document: tuple[str, str, str],
    signing_key,
    now: datetime,
) -> None:
    """After a dispute, the corrected invoice: a new receipt, and the payment clock restarts."""
    contract = session.get(Contract, invoice.contract_id)
    _require(actor, "contract.invoice", contract)
    _lock(session, contract)
    _lock(session, invoice)
    _check_amount(session, contract, amount, invoice)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "resubmit")
    invoice.amount = amount
    invoice.document_name, invoice.document_key, invoice.document_sha256 = document[0][-255:], document[1], document[2]
    _stamp(invoice, signing_key, now)
    session.flush()
    _log(session, actor, contract, "invoice_resubmitted", now, invoice=invoice.id, sha256=document[2])


def approve_invoice(session: Session, invoice: Invoice, actor, now: datetime) -> None:
    contract = session.get(Contract, invoice.contract_id)
    _require(actor, "contract.execute", contract)
    _lock(session, invoice)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "approve")
    invoice.approved_at = now
    session.flush()
    _log(session, actor, contract, "invoice_approved", now, invoice=invoice.id)


def dispute_invoice(session: Session, invoice: Invoice, actor, *, reason: str, now: datetime) -> None:
    """Send the invoice back with a reason; its clock restarts when the firm resubmits it."""
    contract = session.get(Contract, invoice.contract_id)
    _require(actor, "contract.execute", contract)
    _lock(session, invoice)
    reason = _reason(reason)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "dispute")
    invoice.dispute_reason = reason
    session.flush()
    _log(session, actor, contract, "invoice_disputed", now, invoice=invoice.id, reason=reason)


def order_payment(session: Session, invoice: Invoice, actor, *, ordered_on: date, now: datetime) -> None:
    """The payment order (mandatement): it stops the clock and the interest."""
    contract = session.get(Contract, invoice.contract_id)
    _require(actor, "contract.execute", contract)
    _lock(session, invoice)
    if invoice.ordered_on is not None:
        raise DomainError(N_("The payment order of this invoice is already recorded."))
    _check_past_date(ordered_on, payment_clock.local_date(invoice.received_at), now)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "order")
    invoice.ordered_on = ordered_on
    session.flush()
    clock = invoice_clock(invoice, payment_clock.local_date(now))
    _log(
        session,
        actor,
        contract,
        "payment_ordered",
        now,
        invoice=invoice.id,
        ordered_on=ordered_on,
        late_days=clock.late_days,
        interest_centimes=clock.interest,
    )
    _publish(session, contract, "implementationUpdate", now)


def record_payment(session: Session, invoice: Invoice, actor, *, paid_on: date, now: datetime) -> None:
    contract = session.get(Contract, invoice.contract_id)
    _require(actor, "contract.execute", contract)
    _lock(session, invoice)
    if invoice.paid_on is not None:
        raise DomainError(N_("The payment of this invoice is already recorded."))
    if invoice.ordered_on is None:
        raise DomainError(N_("Record the payment order first."))
    _check_past_date(paid_on, invoice.ordered_on, now)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "pay")
    invoice.paid_on = paid_on
    session.flush()
    _log(session, actor, contract, "paid", now, invoice=invoice.id, paid_on=paid_on)
    _publish(session, contract, "implementationUpdate", now)


@dataclass(frozen=True)
class InvoiceClock:
    """Where an invoice's payment stands on a given day, as both sides see it."""

    received_on: date
    due_on: date
    days_waited: int
    late_days: int
    interest: int  # centimes

    @property
    def is_late(self) -> bool:
        return self.late_days > 0


def invoice_clock(invoice: Invoice, today: date) -> InvoiceClock:
    received_on = payment_clock.local_date(invoice.received_at)
    due_on = payment_clock.payment_due_on(received_on, invoice.payment_days)
    late = payment_clock.late_days(due_on, invoice.ordered_on, today)
    return InvoiceClock(
        received_on=received_on,
        due_on=due_on,
        days_waited=payment_clock.days_waited(received_on, invoice.ordered_on, today),
        late_days=late,
        interest=payment_clock.moratory_interest(invoice.amount, invoice.interest_rate_bp, late),
    )


def invoices(session: Session, contract: Contract) -> list[Invoice]:
    return list(session.scalars(select(Invoice).where(Invoice.contract_id == contract.id).order_by(Invoice.id)))


def milestones(session: Session, contract: Contract) -> list[Milestone]:
    return list(
        session.scalars(select(Milestone).where(Milestone.contract_id == contract.id).order_by(Milestone.due_on))
    )
