"""A firm's invoices: receipt (signed), approval or dispute, payment order, payment, and the
payment clock of each as both sides see it. Knows no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.awards.models import Contract
from safkat.bids.receipts import sign_receipt
from safkat.errors import N_, DomainError
from safkat.execution import payment_clock
from safkat.execution.guards import check_past_date, lock, log, publish, reason_given, require
from safkat.execution.models import Invoice
from safkat.execution.services import PaymentTerms, contract_total, invoiced, running_execution
from safkat.statemachine import StateMachine

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


def _due_on(received_at: datetime, payment_days: int, holidays: payment_clock.Holidays) -> date:
    return payment_clock.payment_due_on(payment_clock.local_date(received_at), payment_days, holidays)


def _stamp(invoice: Invoice, signing_key, now: datetime) -> None:
    """Sign the receipt like a bid receipt: what was received, its digest, when, and the
    last day of the payment period that starts then (``invoice.due_on``, set by the caller)."""
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
            "payment_due_on": invoice.due_on.isoformat(),
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
    require(actor, "contract.invoice", contract)
    lock(session, contract)
    running_execution(session, contract)
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
        due_on=_due_on(now, terms.payment_days, terms.holidays),
        interest_rate_bp=terms.interest_rate_bp,
        receipt_payload="",
        receipt_signature="",
    )
    session.add(invoice)
    session.flush()
    _stamp(invoice, signing_key, now)
    session.flush()
    log(session, actor, contract, "invoice_received", now, invoice=invoice.id, sha256=digest)
    return invoice


def resubmit_invoice(
    session: Session,
    invoice: Invoice,
    actor,
    *,
    amount: int,
    document: tuple[str, str, str],
    holidays: payment_clock.Holidays,
    signing_key,
    now: datetime,
) -> None:
    """After a dispute, the corrected invoice: a new receipt, and the payment clock restarts
    (with the period kept from the first receipt)."""
    contract = session.get(Contract, invoice.contract_id)
    require(actor, "contract.invoice", contract)
    lock(session, contract)
    lock(session, invoice)
    _check_amount(session, contract, amount, invoice)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "resubmit")
    invoice.amount = amount
    invoice.document_name, invoice.document_key, invoice.document_sha256 = document[0][-255:], document[1], document[2]
    invoice.due_on = _due_on(now, invoice.payment_days, holidays)
    _stamp(invoice, signing_key, now)
    session.flush()
    log(session, actor, contract, "invoice_resubmitted", now, invoice=invoice.id, sha256=document[2])


def approve_invoice(session: Session, invoice: Invoice, actor, now: datetime) -> None:
    contract = session.get(Contract, invoice.contract_id)
    require(actor, "contract.execute", contract)
    lock(session, invoice)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "approve")
    invoice.approved_at = now
    session.flush()
    log(session, actor, contract, "invoice_approved", now, invoice=invoice.id)


def dispute_invoice(session: Session, invoice: Invoice, actor, *, reason: str, now: datetime) -> None:
    """Send the invoice back with a reason; its clock restarts when the firm resubmits it."""
    contract = session.get(Contract, invoice.contract_id)
    require(actor, "contract.execute", contract)
    lock(session, invoice)
    reason = reason_given(reason)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "dispute")
    invoice.dispute_reason = reason
    session.flush()
    log(session, actor, contract, "invoice_disputed", now, invoice=invoice.id, reason=reason)


def order_payment(session: Session, invoice: Invoice, actor, *, ordered_on: date, now: datetime) -> None:
    """The payment order (mandatement): it stops the clock and the interest."""
    contract = session.get(Contract, invoice.contract_id)
    require(actor, "contract.execute", contract)
    lock(session, invoice)
    if invoice.ordered_on is not None:
        raise DomainError(N_("The payment order of this invoice is already recorded."))
    check_past_date(ordered_on, payment_clock.local_date(invoice.received_at), now)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "order")
    invoice.ordered_on = ordered_on
    session.flush()
    clock = invoice_clock(invoice, payment_clock.local_date(now))
    log(
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
    publish(session, contract, "implementationUpdate", now)


def record_payment(session: Session, invoice: Invoice, actor, *, paid_on: date, now: datetime) -> None:
    contract = session.get(Contract, invoice.contract_id)
    require(actor, "contract.execute", contract)
    lock(session, invoice)
    if invoice.paid_on is not None:
        raise DomainError(N_("The payment of this invoice is already recorded."))
    if invoice.ordered_on is None:
        raise DomainError(N_("Record the payment order first."))
    check_past_date(paid_on, invoice.ordered_on, now)
    invoice.status = INVOICE_LIFECYCLE.next_state(invoice.status, "pay")
    invoice.paid_on = paid_on
    session.flush()
    log(session, actor, contract, "paid", now, invoice=invoice.id, paid_on=paid_on)
    publish(session, contract, "implementationUpdate", now)


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
    late = payment_clock.late_days(invoice.due_on, invoice.ordered_on, today)
    return InvoiceClock(
        received_on=received_on,
        due_on=invoice.due_on,
        days_waited=payment_clock.days_waited(received_on, invoice.ordered_on, today),
        late_days=late,
        interest=payment_clock.moratory_interest(invoice.amount, invoice.interest_rate_bp, late),
    )


def invoices(session: Session, contract: Contract) -> list[Invoice]:
    return list(session.scalars(select(Invoice).where(Invoice.contract_id == contract.id).order_by(Invoice.id)))
