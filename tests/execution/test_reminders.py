"""Reminders to the authority before and after an invoice's due date, each sent once."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.notifications.models import Notification, OutboxMessage

from .conftest import TERMS


def run(app) -> str:
    result = app.test_cli_runner().invoke(args=["notifications", "reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_before_and_after_the_due_date(signed_contract, db_session, clock, app, pdf, make):
    contract, officer, bidder = signed_contract()
    other_officer = make.officer()
    ex.order_service(db_session, contract, officer, starts_on=date(2026, 3, 2), execution_days=90, now=clock.now())
    keys = app.extensions["safkat.keys"]
    invoice = invoicing.submit_invoice(
        db_session,
        contract,
        bidder,
        number="F-9",
        amount=100_000_00,
        document=pdf(),
        terms=TERMS,
        signing_key=keys.signing_key,
        now=clock.now(),
    )  # due on Wednesday 1 April 2026

    def officer_notes(user):
        db_session.expire_all()
        return [n.kind for n in db_session.scalars(select(Notification).where(Notification.user_id == user.id))]

    clock.set(datetime(2026, 3, 20, 8, tzinfo=UTC))
    assert "0 reminder" in run(app)
    clock.set(datetime(2026, 3, 28, 8, tzinfo=UTC))
    run(app)
    assert officer_notes(officer) == ["payment_due"]
    run(app)  # cron again: nothing new
    assert officer_notes(officer) == ["payment_due"]
    clock.set(datetime(2026, 4, 3, 8, tzinfo=UTC))
    run(app)
    assert officer_notes(officer) == ["payment_due", "payment_late"]
    late = db_session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "payment_late", OutboxMessage.recipient == officer.email)
    )
    assert "F-9" in late.body_text and " 2 " in late.body_text  # 3 April: two days past 1 April
    assert officer_notes(other_officer) == [] and officer_notes(bidder) == []
    assert invoice.status == "submitted"


def test_no_reminder_once_payment_is_ordered(signed_contract, db_session, clock, app, pdf):
    contract, officer, bidder = signed_contract()
    ex.order_service(db_session, contract, officer, starts_on=date(2026, 3, 2), execution_days=90, now=clock.now())
    invoice = invoicing.submit_invoice(
        db_session,
        contract,
        bidder,
        number="F-10",
        amount=100_000_00,
        document=pdf(),
        terms=TERMS,
        signing_key=app.extensions["safkat.keys"].signing_key,
        now=clock.now(),
    )
    invoicing.approve_invoice(db_session, invoice, officer, clock.now())
    invoicing.order_payment(db_session, invoice, officer, ordered_on=date(2026, 3, 2), now=clock.now())
    clock.set(datetime(2026, 5, 1, 8, tzinfo=UTC))
    assert "0 reminder" in run(app)
