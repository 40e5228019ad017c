"""Demo execution of the signed demo contracts, through the real services: contracts in
every state, invoices paid on time and late, and one authority (AT-ORN) that pays late, so
that ``/stats`` shows a real picture. Dates are in the past, clamped to today."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.accounts.models import User
from safkat.awards.models import Contract
from safkat.demo_tenders import tiny_pdf
from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.execution.models import ContractExecution
from safkat.execution.payment_clock import ALGIERS, NATIONAL_HOLIDAYS, Holidays, local_date
from safkat.storage import FileStore

LATE_PAYER = "AT-ORN"
TERMS = ex.PaymentTerms(holidays=Holidays(yearly=NATIONAL_HOLIDAYS))


def seed_execution(session: Session, store: FileStore, now: datetime, keys) -> int:
    """Give the signed demo contracts their execution (once); returns how many were started."""
    if session.scalar(select(ContractExecution.id).limit(1)) is not None:
        return 0
    contracts = session.scalars(select(Contract).where(Contract.status == "signed").order_by(Contract.id)).all()
    late = [c for c in contracts if c.lot.tender.authority.code == LATE_PAYER]
    prompt = [c for c in contracts if c.lot.tender.authority.code != LATE_PAYER]
    demo = _Demo(session, store, now, keys)
    plans = [(late[:1], demo.paid_late), (late[1:2], demo.disputed), (prompt[:1], demo.paid_on_time)]
    started = 0
    for chosen, plan in plans:  # the other contracts wait for their service order
        for contract in chosen:
            plan(contract)
            started += 1
    return started


class _Demo:
    def __init__(self, session, store, now, keys):
        self.session, self.store, self.keys = session, store, keys
        self.today = local_date(now)

    def at(self, day: date) -> datetime:
        """10:00 in Algiers on ``day``, never after today."""
        return datetime.combine(min(day, self.today), time(10), tzinfo=ALGIERS)

    def day(self, day: date) -> date:
        return min(day, self.today)

    def people(self, contract):
        officer = next(o for o in contract.lot.tender.authority.officers if o.is_active)
        firm = self.session.scalar(select(User).where(User.enterprise_id == contract.enterprise_id).order_by(User.id))
        return officer, firm

    def start(self, contract) -> tuple[date, User, User]:
        officer, firm = self.people(contract)
        start = local_date(contract.signed_at) + timedelta(days=1)
        ex.order_service(
            self.session,
            contract,
            officer,
            starts_on=self.day(start),
            execution_days=contract.lot.tender.execution_days or 120,
            now=self.at(start),
        )
        return start, officer, firm

    def invoice(self, contract, firm, number: str, amount: int, received: date):
        stored = self.store.save(
            io.BytesIO(tiny_pdf(f"Facture {number}")), max_bytes=100_000, allowed_types={"application/pdf"}
        )
        return invoicing.submit_invoice(
            self.session, contract, firm, number=number, amount=amount,
            document=(f"facture-{number}.pdf", stored.storage_key, stored.sha256), terms=TERMS,
            signing_key=self.keys.signing_key, now=self.at(received),
        )  # fmt: skip

    def pay(self, invoice, officer, received: date, ordered_after: int, paid_after: int | None) -> None:
        invoicing.approve_invoice(self.session, invoice, officer, self.at(received + timedelta(days=3)))
        ordered = self.day(received + timedelta(days=ordered_after))
        invoicing.order_payment(self.session, invoice, officer, ordered_on=ordered, now=self.at(ordered))
        if paid_after is not None:
            paid = self.day(ordered + timedelta(days=paid_after))
            invoicing.record_payment(self.session, invoice, officer, paid_on=paid, now=self.at(paid))

    def paid_late(self, contract) -> None:
        """Two invoices ordered 45 and 50 days after receipt, one still waiting past its due date."""
        start, officer, firm = self.start(contract)
        first = self.invoice(contract, firm, "FA-2026-001", contract.amount_incl_vat // 4, start + timedelta(days=1))
        second = self.invoice(contract, firm, "FA-2026-002", contract.amount_incl_vat // 5, start + timedelta(days=2))
        self.invoice(contract, firm, "FA-2026-003", contract.amount_incl_vat // 10, start + timedelta(days=3))
        self.pay(first, officer, start + timedelta(days=1), 50, 4)
        self.pay(second, officer, start + timedelta(days=2), 45, None)
        ex.record_acceptance(
            self.session, contract, officer, final=False, on=self.day(start + timedelta(days=40)),
            reserves="Reprise des regards de visite n° 3 et 7.", now=self.at(start + timedelta(days=40)),
        )  # fmt: skip

    def disputed(self, contract) -> None:
        """An extension, a refused delivery, an invoice sent back and one ordered late."""
        start, officer, firm = self.start(contract)
        ex.extend(self.session, contract, officer, days=15, reason="Intempéries de février.", now=self.at(start))
        milestone = ex.add_milestone(
            self.session, contract, officer, title="Livraison du tronçon A", due_on=start + timedelta(days=20),
            now=self.at(start),
        )  # fmt: skip
        ex.deliver_milestone(self.session, milestone, firm, self.at(start + timedelta(days=18)))
        ex.decide_milestone(
            self.session, milestone, officer, accepted=False, reason="Fourreaux non conformes au plan.",
            now=self.at(start + timedelta(days=19)),
        )  # fmt: skip
        late = self.invoice(contract, firm, "SIT-01", contract.amount_incl_vat // 3, start + timedelta(days=2))
        self.pay(late, officer, start + timedelta(days=2), 40, None)
        sent_back = self.invoice(contract, firm, "SIT-02", contract.amount_incl_vat // 6, start + timedelta(days=5))
        invoicing.dispute_invoice(
            self.session, sent_back, officer, reason="Quantités à justifier par un attachement.",
            now=self.at(start + timedelta(days=8)),
        )  # fmt: skip

    def paid_on_time(self, contract) -> None:
        """Two invoices ordered within 12 and 15 days, a delivery accepted, both acceptances."""
        start, officer, firm = self.start(contract)
        milestone = ex.add_milestone(
            self.session, contract, officer, title="Livraison des équipements", due_on=start + timedelta(days=10),
            now=self.at(start),
        )  # fmt: skip
        ex.deliver_milestone(self.session, milestone, firm, self.at(start + timedelta(days=8)))
        ex.decide_milestone(
            self.session, milestone, officer, accepted=True, reason=None, now=self.at(start + timedelta(days=9))
        )
        for number, received, ordered_after in (("F-001", 1, 12), ("F-002", 10, 15)):
            day = start + timedelta(days=received)
            invoice = self.invoice(contract, firm, number, contract.amount_incl_vat // 4, day)
            self.pay(invoice, officer, day, ordered_after, 3)
        for final, after in ((False, 30), (True, 45)):
            day = start + timedelta(days=after)
            ex.record_acceptance(
                self.session, contract, officer, final=final, on=self.day(day), reserves=None, now=self.at(day)
            )
