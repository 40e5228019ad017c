"""Service order, acceptance record and payment certificate: signed PDFs in French and Arabic,
each with a verification code, for the contract's firm and authority only."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from safkat.documents.models import IssuedDocument
from safkat.execution import invoices as invoicing
from safkat.execution import services as ex

from .conftest import TERMS


@pytest.fixture
def paid(signed_contract, db_session, clock, app, pdf):
    contract, officer, bidder = signed_contract()
    ex.order_service(db_session, contract, officer, starts_on=date(2026, 3, 2), execution_days=60, now=clock.now())
    invoice = invoicing.submit_invoice(
        db_session,
        contract,
        bidder,
        number="F-77",
        amount=250_000_00,
        document=pdf(),
        terms=TERMS,
        signing_key=app.extensions["safkat.keys"].signing_key,
        now=clock.now(),
    )
    clock.set(datetime(2026, 5, 20, 9, tzinfo=UTC))
    invoicing.approve_invoice(db_session, invoice, officer, clock.now())
    invoicing.order_payment(db_session, invoice, officer, ordered_on=date(2026, 5, 15), now=clock.now())
    ex.record_acceptance(
        db_session, contract, officer, final=False, on=date(2026, 5, 1), reserves=None, now=clock.now()
    )
    return contract, officer, bidder, invoice


@pytest.mark.parametrize("edition", ["fr", "ar"])
def test_each_document_is_a_signed_pdf_with_a_code(paid, login, db_session, edition):
    contract, officer, bidder, invoice = paid
    firm = login(bidder)
    for url in (
        f"/contracts/{contract.id}/service-order/{edition}.pdf",
        f"/contracts/{contract.id}/acceptance/{edition}.pdf",
        f"/invoices/{invoice.id}/certificate/{edition}.pdf",
    ):
        response = firm.get(url)
        assert response.status_code == 200, url
        assert response.data.startswith(b"%PDF-") and b"/ByteRange" in response.data  # signed (PAdES)
    documents = db_session.scalars(select(IssuedDocument).where(IssuedDocument.language == edition)).all()
    assert {d.kind for d in documents} == {"service_order", "acceptance_record", "payment_certificate"}
    assert all(d.code and d.recipient_enterprise_id == contract.enterprise_id for d in documents)
    assert login(officer).get(f"/invoices/{invoice.id}/certificate/{edition}.pdf").status_code == 200


def test_others_cannot_read_them(paid, signed_contract, login):
    contract, _officer, _bidder, invoice = paid
    _other, other_officer, other_bidder = signed_contract()
    for user in (other_officer, other_bidder):
        client = login(user)
        assert client.get(f"/contracts/{contract.id}/service-order/fr.pdf").status_code == 403
        assert client.get(f"/invoices/{invoice.id}/certificate/ar.pdf").status_code == 403
