"""Payment reminders to the contracting authority, before and after an invoice's due date.

Knows no Flask: it lists what is due; :mod:`safkat.execution.notify` sends it. Each
reminder is sent once per invoice and officer (kept in ``sent_reminders`` with the kinds
``invoice_due_<id>`` and ``invoice_late_<id>``), so cron may run it as often as it likes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.accounts.models import Role, User
from safkat.execution.invoices import InvoiceClock, invoice_clock
from safkat.execution.models import Invoice
from safkat.notifications.models import SentReminder

DAYS_BEFORE = 5
OPEN_STATUSES = ("submitted", "approved")


@dataclass(frozen=True)
class PaymentReminder:
    invoice: Invoice
    officer: User
    kind: str  # "due" (the due date is near) or "late" (it has passed)
    clock: InvoiceClock

    @property
    def key(self) -> str:
        return f"invoice_{self.kind}_{self.invoice.id}"


def due_payment_reminders(session: Session, today: date, days_before: int = DAYS_BEFORE) -> list[PaymentReminder]:
    sent = {
        (r.user_id, r.kind) for r in session.scalars(select(SentReminder).where(SentReminder.kind.like("invoice_%")))
    }
    reminders = []
    for invoice in session.scalars(select(Invoice).where(Invoice.status.in_(OPEN_STATUSES)).order_by(Invoice.id)):
        clock = invoice_clock(invoice, today)
        if clock.is_late:
            kind = "late"
        elif (clock.due_on - today).days <= days_before:
            kind = "due"
        else:
            continue
        authority_id = invoice.contract.lot.tender.authority_id
        officers = session.scalars(
            select(User).where(User.role == Role.OFFICER, User.authority_id == authority_id, User.is_active.is_(True))
        )
        for officer in officers:
            reminder = PaymentReminder(invoice, officer, kind, clock)
            if (officer.id, reminder.key) not in sent:
                reminders.append(reminder)
    return reminders
