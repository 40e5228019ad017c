"""The firm's and the officer's pages of a contract, through the web."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from safkat.execution import services as ex
from safkat.execution.models import Invoice
from safkat.notifications.models import Notification, OutboxMessage


@pytest.fixture
def started(signed_contract, db_session, clock):
    contract, officer, bidder = signed_contract()
    ex.order_service(db_session, contract, officer, starts_on=date(2026, 3, 2), execution_days=90, now=clock.now())
    return contract, officer, bidder


def send_invoice(client, contract, amount="400 000,00", body=b"%PDF-1.7\nfacture"):
    return client.post(
        f"/contracts/{contract.id}/invoices",
        data={"number": "F-2026-01", "amount": amount, "document": (io.BytesIO(body), "facture.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_firm_invoices_officer_orders_late_and_the_firm_sees_the_interest(
    started, login, db_session, clock, mailbox, app
):
    contract, officer, bidder = started
    firm = login(bidder)
    assert contract.lot.tender.reference in firm.get("/contracts").text
    page = send_invoice(firm, contract)
    assert page.status_code == 200
    assert "le délai de paiement court" in page.text
    invoice = db_session.scalar(select(Invoice).where(Invoice.contract_id == contract.id))
    assert invoice.amount == 400_000_00 and invoice.status == "submitted"
    assert firm.get(f"/invoices/{invoice.id}/receipt.json").json["payload"]["invoice"] == invoice.id

    desk = login(officer)
    assert desk.post(f"/invoices/{invoice.id}/approve", data={}).status_code == 302
    clock.advance(days=60)  # 1 May 2026: due on 1 April, ordered on 21 April → 20 days late
    desk = login(officer)  # a new session: the first one ended while idle
    desk.post(f"/invoices/{invoice.id}/payment-order", data={"on": "2026-04-21"})
    db_session.expire_all()
    assert invoice.status == "ordered" and invoice.ordered_on == date(2026, 4, 21)

    notice = db_session.scalar(select(Notification).where(Notification.user_id == bidder.id))
    assert "F-2026-01" in notice.text and "50" in notice.text  # 50 days from receipt to the order
    mail = db_session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "payment_ordered"))
    assert mail.recipient == bidder.email and "F-2026-01" in mail.body_text
    page = login(bidder).get(f"/contracts/{contract.id}")
    # 400 000,00 × 8 % × 20 / 365 = 1 753,42 DZD, shown to the firm in French.
    assert "1\u202f753,42" in page.text or "1 753,42" in page.text
    assert "Mandatée" in page.text and "Intérêts moratoires" in page.text


def test_an_amount_above_the_remaining_is_refused_and_leaves_no_file(started, login, db_session, app):
    contract, _officer, bidder = started
    store = app.extensions["safkat.files"]
    before = sorted(p.name for p in store.root.rglob("*") if p.is_file())
    page = send_invoice(login(bidder), contract, amount="1 000 000,01")
    assert "reste à facturer" in page.text
    assert db_session.scalar(select(Invoice)) is None
    assert sorted(p.name for p in store.root.rglob("*") if p.is_file()) == before


def test_a_non_pdf_or_unreadable_amount_is_refused(started, login, db_session):
    contract, _officer, bidder = started
    firm = login(bidder)
    page = send_invoice(firm, contract, body=b"\x89PNG\r\n\x1a\nimage")
    assert page.status_code == 200 and db_session.scalar(select(Invoice)) is None
    page = send_invoice(firm, contract, amount="4OO 000")
    assert db_session.scalar(select(Invoice)) is None
    assert "Saisissez le montant en chiffres" in page.text
    page = send_invoice(firm, contract, amount="4.500")  # 4 500 DZD or 4,50 DZD: never guessed
    assert db_session.scalar(select(Invoice)) is None
    assert "4.500" in page.text and "deux montants" in page.text


def test_other_firms_and_other_authorities_get_403(started, signed_contract, login, make):
    contract, _officer, _bidder = started
    _other_contract, other_officer, other_bidder = signed_contract()
    for user in (other_bidder, other_officer):
        client = login(user)
        assert client.get(f"/contracts/{contract.id}").status_code == 403
        assert send_invoice(client, contract).status_code == 403
    assert login(other_bidder).post(f"/contracts/{contract.id}/service-order", data={}).status_code == 403


def test_officer_records_the_service_order_through_the_form(signed_contract, login, db_session):
    contract, officer, _bidder = signed_contract()
    desk = login(officer)
    page = desk.post(
        f"/contracts/{contract.id}/service-order",
        data={"starts_on": "2026-03-05", "execution_days": "60"},
        follow_redirects=True,
    )
    assert ex.execution_of(db_session, contract) is None  # in the future: refused
    assert "dans le futur" in page.text
    desk.post(f"/contracts/{contract.id}/service-order", data={"starts_on": "2026-03-02", "execution_days": "60"})
    db_session.expire_all()
    assert ex.execution_of(db_session, contract).execution_days == 60
    assert contract.lot.tender.reference in desk.get("/contracts").text


def test_state_changes_need_post_and_a_csrf_token(started, login, db_session):
    contract, officer, _ = started
    desk = login(officer)
    assert desk.get(f"/contracts/{contract.id}/extensions").status_code == 405
    response = desk.post(f"/contracts/{contract.id}/extensions", data={"days": "5", "reason": "x"}, csrf=False)
    assert response.status_code in (302, 400)
    assert ex.changes(db_session, contract) == []


def test_the_service_order_form_proposes_the_tenders_execution_period(signed_contract, login, db_session):
    contract, officer, bidder = signed_contract()
    contract.lot.tender.execution_days = 75
    db_session.flush()
    page = login(officer).get(f"/contracts/{contract.id}")
    assert re.search(r'id="execution_days"[^>]*value="75"|value="75"[^>]*id="execution_days"', page.text)
    public = login(bidder).get(f"/tenders/{contract.lot.tender.url_reference}?lang=fr").text
    assert "<dt>Délai d'exécution</dt><dd>75\xa0jours</dd>" in public
