"""Two officers ordering the same payment at once, or two invoices beyond the contract's
amount sent at once: one goes through, the other is refused. PostgreSQL only."""

import io
from datetime import date

from sqlalchemy import func, select

from safkat.audit import AuditEvent
from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.execution.models import Invoice
from tests.bids.conftest import committed, committed_make  # noqa: F401  (fixtures)
from tests.bids.test_concurrency import run_together
from tests.conftest import requires_postgresql

from .conftest import TERMS, build_signed_contract

pytestmark = requires_postgresql


def started(committed, make):  # noqa: F811
    session, now = make.session, committed.clock.now()
    contract, officer, bidder = build_signed_contract(make, session, now)
    ex.order_service(session, contract, officer, starts_on=date(2026, 3, 2), execution_days=90, now=now)
    return session, contract, officer, bidder


def test_one_payment_order_of_two_at_once(committed, committed_make):  # noqa: F811
    session, contract, officer, bidder = started(committed, committed_make)
    stored = committed.app.extensions["safkat.files"].save(
        io.BytesIO(b"%PDF-1.7\nfacture"), max_bytes=10_000, allowed_types={"application/pdf"}
    )
    invoice = invoicing.submit_invoice(
        session, contract, bidder, number="F-1", amount=100_000_00, document=("f.pdf", stored.storage_key,
        stored.sha256), terms=TERMS, signing_key=committed.app.extensions["safkat.keys"].signing_key,
        now=committed.clock.now(),
    )  # fmt: skip
    invoicing.approve_invoice(session, invoice, officer, committed.clock.now())
    session.commit()
    url = f"/invoices/{invoice.id}/payment-order"

    def order():
        return committed.client(officer).post(url, data={"on": "2026-03-02"})

    results, errors = run_together(order, order)
    assert errors == [] and [r.status_code for r in results] == [302, 302]
    with committed.session() as check:
        assert check.get(Invoice, invoice.id).ordered_on == date(2026, 3, 2)
        ordered = select(func.count()).where(AuditEvent.action == "execution.payment_ordered")
        assert check.scalar(ordered) == 1


def test_two_invoices_beyond_the_amount_at_once(committed, committed_make):  # noqa: F811
    session, contract, _officer, bidder = started(committed, committed_make)
    session.commit()

    def send():
        return committed.client(bidder).post(
            f"/contracts/{contract.id}/invoices",
            data={"number": "F", "amount": "600 000,00", "document": (io.BytesIO(b"%PDF-1.7\nf"), "f.pdf")},
            content_type="multipart/form-data",
        )

    results, errors = run_together(send, send)
    assert errors == [] and [r.status_code for r in results] == [302, 302]
    with committed.session() as check:
        assert check.scalar(select(func.count()).select_from(Invoice)) == 1
