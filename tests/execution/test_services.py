"""Execution and invoices through the services: the journey, the clock, and refusals."""

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from safkat.audit import AuditEvent, verify_chain
from safkat.bids.receipts import receipt_document, verify_receipt
from safkat.errors import DomainError, PermissionDenied
from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.execution.models import ContractChange, Invoice

from .conftest import TERMS


@pytest.fixture
def started(signed_contract, db_session, clock):
    contract, officer, bidder = signed_contract()
    ex.order_service(db_session, contract, officer, starts_on=date(2026, 3, 2), execution_days=90, now=clock.now())
    return contract, officer, bidder


@pytest.fixture
def keys(app):
    return app.extensions["safkat.keys"]


def submit(db_session, contract, bidder, pdf, keys, clock, amount=400_000_00, number="F-001"):
    return invoicing.submit_invoice(
        db_session,
        contract,
        bidder,
        number=number,
        amount=amount,
        document=pdf(number.encode()),
        terms=TERMS,
        signing_key=keys.signing_key,
        now=clock.now(),
    )


def count_events(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(AuditEvent))


def test_invoice_paid_late_accrues_interest_seen_by_both_sides(started, db_session, clock, pdf, keys):
    contract, officer, bidder = started
    # Received on Monday 2 March 2026 (10:00 in Algiers): due 30 days later, Wednesday 1 April.
    invoice = submit(db_session, contract, bidder, pdf, keys, clock)
    document = receipt_document(invoice.receipt_payload, invoice.receipt_signature, keys.verify_key)
    assert verify_receipt(document, keys.verify_key)
    assert document["payload"]["document_sha256"] == invoice.document_sha256
    clock.advance(days=5)
    invoicing.approve_invoice(db_session, invoice, officer, clock.now())
    clock.advance(days=60)
    invoicing.order_payment(db_session, invoice, officer, ordered_on=date(2026, 4, 21), now=clock.now())
    invoicing.record_payment(db_session, invoice, officer, paid_on=date(2026, 4, 28), now=clock.now())
    state = invoicing.invoice_clock(invoice, date(2026, 5, 6))
    assert (state.received_on, state.due_on) == (date(2026, 3, 2), date(2026, 4, 1))
    assert state.late_days == 20 and state.days_waited == 50
    # 400 000,00 × 8 % × 20 / 365 = 1 753,42 DZD
    assert state.interest == 175_342
    assert invoice.status == "paid"
    actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert [a for a in actions if a.startswith("execution.")] == [
        "execution.service_ordered",
        "execution.invoice_received",
        "execution.invoice_approved",
        "execution.payment_ordered",
        "execution.paid",
    ]
    assert verify_chain(db_session).is_intact


def test_a_disputed_invoice_restarts_its_clock_when_resubmitted(started, db_session, clock, pdf, keys):
    contract, officer, bidder = started
    invoice = submit(db_session, contract, bidder, pdf, keys, clock)
    first_signature = invoice.receipt_signature
    clock.advance(days=10)
    invoicing.dispute_invoice(db_session, invoice, officer, reason="Quantités du lot 1 à corriger", now=clock.now())
    assert ex.remaining(db_session, contract) == 1_000_000_00  # a disputed invoice claims nothing
    clock.advance(days=4)  # resubmitted on Monday 16 March 2026
    invoicing.resubmit_invoice(
        db_session,
        invoice,
        bidder,
        amount=390_000_00,
        document=pdf(b"v2"),
        holidays=ex.payment_clock.NO_HOLIDAYS,
        signing_key=keys.signing_key,
        now=clock.now(),
    )
    assert invoice.status == "submitted" and invoice.receipt_signature != first_signature
    state = invoicing.invoice_clock(invoice, date(2026, 4, 10))
    # 16 March + 30 = 15 April: not late on 10 April, though 39 days have passed since the first receipt.
    assert state.due_on == date(2026, 4, 15) and state.late_days == 0
    assert ex.payment_clock.local_date(invoice.first_received_at) == date(2026, 3, 2)


def test_an_extension_and_an_amendment_move_the_end_and_the_amount(started, db_session, clock):
    contract, officer, _ = started
    execution = ex.execution_of(db_session, contract)
    assert ex.ends_on(db_session, execution) == date(2026, 5, 30)
    ex.extend(db_session, contract, officer, days=15, reason="Intempéries", now=clock.now())
    ex.amend(
        db_session,
        contract,
        officer,
        amount_delta=150_000_00,
        days_delta=10,
        reason="Travaux supplémentaires",
        terms=TERMS,
        now=clock.now(),
    )
    assert ex.ends_on(db_session, execution) == date(2026, 6, 24)
    assert ex.contract_total(db_session, contract) == 1_150_000_00
    with pytest.raises(DomainError, match="more than 20"):
        ex.amend(
            db_session,
            contract,
            officer,
            amount_delta=60_000_00,
            days_delta=0,
            reason="Encore",
            terms=TERMS,
            now=clock.now(),
        )
    assert len(ex.changes(db_session, contract)) == 2


def test_milestone_refused_with_a_reason_then_delivered_again_and_accepted(started, db_session, clock):
    contract, officer, bidder = started
    milestone = ex.add_milestone(
        db_session, contract, officer, title="Tirage de câble, tronçon A", due_on=date(2026, 4, 1), now=clock.now()
    )
    ex.deliver_milestone(db_session, milestone, bidder, clock.now())
    with pytest.raises(DomainError):
        ex.decide_milestone(db_session, milestone, officer, accepted=False, reason=" ", now=clock.now())
    ex.decide_milestone(
        db_session, milestone, officer, accepted=False, reason="Fourreaux non conformes", now=clock.now()
    )
    assert milestone.status == "refused"
    ex.deliver_milestone(db_session, milestone, bidder, clock.now())
    ex.decide_milestone(db_session, milestone, officer, accepted=True, reason=None, now=clock.now())
    assert milestone.status == "accepted"


def test_acceptance_records_in_order(started, db_session, clock):
    contract, officer, _ = started
    clock.advance(days=100)
    with pytest.raises(DomainError):
        ex.record_acceptance(
            db_session, contract, officer, final=True, on=date(2026, 6, 1), reserves=None, now=clock.now()
        )
    ex.record_acceptance(
        db_session, contract, officer, final=False, on=date(2026, 6, 1), reserves="Peinture", now=clock.now()
    )
    with pytest.raises(DomainError, match="before"):
        ex.record_acceptance(
            db_session, contract, officer, final=True, on=date(2026, 5, 31), reserves=None, now=clock.now()
        )
    ex.record_acceptance(db_session, contract, officer, final=True, on=date(2026, 6, 5), reserves=None, now=clock.now())
    assert ex.execution_of(db_session, contract).status == "finally_accepted"


def test_refusals_change_nothing(started, signed_contract, db_session, clock, pdf, keys, make):
    contract, officer, bidder = started
    other_contract, other_officer, other_bidder = signed_contract()
    invoice = submit(db_session, contract, bidder, pdf, keys, clock, amount=600_000_00)
    before = count_events(db_session)

    with pytest.raises(DomainError, match="remains to invoice"):
        submit(db_session, contract, bidder, pdf, keys, clock, amount=400_000_01, number="F-002")
    with pytest.raises(PermissionDenied):
        submit(db_session, contract, other_bidder, pdf, keys, clock, amount=1_00, number="F-003")
    with pytest.raises(PermissionDenied):
        invoicing.approve_invoice(db_session, invoice, other_officer, clock.now())
    with pytest.raises(PermissionDenied):
        invoicing.approve_invoice(db_session, invoice, bidder, clock.now())
    assert count_events(db_session) == before and invoice.status == "submitted"
    assert ex.remaining(db_session, contract) == 400_000_00
    invoicing.approve_invoice(db_session, invoice, officer, clock.now())
    before = count_events(db_session)
    with pytest.raises(DomainError, match="future"):
        invoicing.order_payment(db_session, invoice, officer, ordered_on=date(2026, 3, 3), now=clock.now())
    with pytest.raises(DomainError, match="before"):
        invoicing.order_payment(db_session, invoice, officer, ordered_on=date(2026, 3, 1), now=clock.now())
    assert count_events(db_session) == before and invoice.ordered_on is None
    clock.advance(days=3)
    invoicing.order_payment(db_session, invoice, officer, ordered_on=date(2026, 3, 4), now=clock.now())
    invoicing.record_payment(db_session, invoice, officer, paid_on=date(2026, 3, 5), now=clock.now())
    before = count_events(db_session)
    with pytest.raises(DomainError, match="already recorded"):
        invoicing.record_payment(db_session, invoice, officer, paid_on=date(2026, 3, 5), now=clock.now())
    with pytest.raises(DomainError, match="already recorded"):
        invoicing.order_payment(db_session, invoice, officer, ordered_on=date(2026, 3, 5), now=clock.now())
    assert count_events(db_session) == before
    assert invoice.paid_on == date(2026, 3, 5)
    assert db_session.scalar(select(func.count()).select_from(Invoice)) == 1


def test_service_order_dates_before_the_contract_or_in_the_future_are_refused(signed_contract, db_session, clock):
    contract, officer, _ = signed_contract()
    for day in (date(2026, 3, 1), date(2026, 3, 3)):
        with pytest.raises(DomainError):
            ex.order_service(db_session, contract, officer, starts_on=day, execution_days=30, now=clock.now())
    assert ex.execution_of(db_session, contract) is None
    with pytest.raises(DomainError, match="service order"):
        ex.extend(db_session, contract, officer, days=5, reason="x", now=clock.now())
    assert db_session.scalar(select(func.count()).select_from(ContractChange)) == 0


def test_receipt_payload_is_canonical_json(started, db_session, clock, pdf, keys):
    contract, _, bidder = started
    invoice = submit(db_session, contract, bidder, pdf, keys, clock)
    payload = json.loads(invoice.receipt_payload)
    assert payload["received_at"] == clock.now().isoformat() and payload["invoice"] == invoice.id
    assert invoice.received_at - clock.now() == timedelta(0)


def test_due_date_moves_past_a_holiday_and_is_fixed_in_the_signed_receipt(started, db_session, clock, pdf, keys):
    contract, _, bidder = started
    # Received Monday 2 March 2026: + 30 = Wednesday 1 April, declared a holiday: Thursday 2 April.
    terms = replace(TERMS, holidays=ex.payment_clock.Holidays(dated=frozenset({date(2026, 4, 1)})))
    invoice = invoicing.submit_invoice(
        db_session, contract, bidder, number="F-H", amount=100_000_00, document=pdf(b"h"), terms=terms,
        signing_key=keys.signing_key, now=clock.now(),
    )  # fmt: skip
    assert invoice.due_on == date(2026, 4, 2)
    assert json.loads(invoice.receipt_payload)["payment_due_on"] == "2026-04-02"
    assert invoicing.invoice_clock(invoice, date(2026, 4, 2)).late_days == 0
    assert invoicing.invoice_clock(invoice, date(2026, 4, 5)).late_days == 3
