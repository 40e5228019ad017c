"""Telling the firm (e-mail and notification centre) that its invoice's payment is ordered."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from safkat.accounts.models import User
from safkat.execution.services import InvoiceClock
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
