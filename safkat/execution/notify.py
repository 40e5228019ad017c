"""Messages of the execution (e-mail and notification centre): the firm told that payment is
ordered; the authority reminded of invoices near or past their due date."""

from __future__ import annotations

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from safkat.accounts.models import User
from safkat.execution.invoices import InvoiceClock
from safkat.i18n import format_dzd
from safkat.notifications import emails
from safkat.notifications.subscriptions import add_notification
from safkat.web import get_session, now


def payment_ordered(invoice, clock: InvoiceClock) -> None:
    session = get_session()
    contract = invoice.contract
    link = emails.absolute_url("execution.show_contract", contract_id=contract.id, _anchor="invoices")
    for member in session.scalars(select(User).where(User.enterprise_id == contract.enterprise_id)):
        locale = member.locale or "fr"
        with force_locale(locale):
            text = _(
                "Payment of invoice %(number)s is ordered (%(days)s days after its receipt).",
                number=invoice.number,
                days=clock.days_waited,
            )
            if clock.interest:
                text += " " + _("Default interest owed: %(amount)s.", amount=format_dzd(clock.interest, locale))
        add_notification(
            session, member, kind="payment_ordered", text=text, link=link, now=now(), tender_id=contract.tender_id
        )
        emails.queue(
            "payment_ordered", member.email, locale, "payment_ordered", user_id=member.id, text=text, link=link
        )


def send_payment_reminders() -> int:
    """Queue the payment reminders that are due (run by ``safkat notifications reminders``)."""
    from safkat.execution.payment_clock import local_date
    from safkat.execution.reminders import due_payment_reminders
    from safkat.notifications.models import SentReminder

    session = get_session()
    reminders = due_payment_reminders(session, local_date(now()))
    for reminder in reminders:
        invoice, officer = reminder.invoice, reminder.officer
        locale = officer.locale or "fr"
        link = emails.absolute_url("execution.show_contract", contract_id=invoice.contract_id, _anchor="invoices")
        with force_locale(locale):
            if reminder.kind == "late":
                text = _(
                    "Invoice %(number)s of %(firm)s is %(days)s days late: default interest runs.",
                    number=invoice.number,
                    firm=invoice.contract.enterprise.name,
                    days=reminder.clock.late_days,
                )
            else:
                text = _(
                    "Invoice %(number)s of %(firm)s: order its payment by %(day)s.",
                    number=invoice.number,
                    firm=invoice.contract.enterprise.name,
                    day=format_date(reminder.clock.due_on, "medium"),
                )
        add_notification(
            session,
            officer,
            kind=f"payment_{reminder.kind}",
            text=text,
            link=link,
            now=now(),
            tender_id=invoice.contract.tender_id,
        )
        emails.queue(
            f"payment_{reminder.kind}",
            officer.email,
            locale,
            "payment_reminder",
            user_id=officer.id,
            text=text,
            link=link,
        )
        session.add(
            SentReminder(tender_id=invoice.contract.tender_id, user_id=officer.id, kind=reminder.key, sent_at=now())
        )
    session.flush()
    return len(reminders)
