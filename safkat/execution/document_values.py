"""Values of the execution documents: service order, acceptance record, payment certificate.

Plain data only (see :mod:`safkat.documents.values`); calendar days are passed as noon in
Algiers so that the documents' ``day`` filter shows the same date in every time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import object_session

from safkat.documents.values import localized, tender_heading
from safkat.execution import invoices as invoicing
from safkat.execution import services as execution
from safkat.execution.models import ContractExecution, Invoice
from safkat.execution.payment_clock import ALGIERS, local_date


def moment(day: date | None) -> datetime | None:
    return datetime.combine(day, time(12), tzinfo=ALGIERS) if day else None


def _contract_values(contract, lang: str) -> dict:
    lot = contract.lot
    return {
        **tender_heading(lot.tender, lang),
        "lot": {"number": lot.number, "title": localized(lot.title_ar, lot.title_fr, lang)},
        "enterprise": {"name": contract.enterprise.name, "nif": contract.enterprise.nif},
        "signed_at": contract.signed_at,
        "signatures": [],  # the platform's electronic signature only
    }


def service_order_values(record: ContractExecution, lang: str) -> dict:
    session = object_session(record)
    return {
        **_contract_values(record.contract, lang),
        "starts_on": moment(record.starts_on),
        "execution_days": record.execution_days,
        "ends_on": moment(execution.ends_on(session, record)),
        "ordered_at": record.ordered_at,
        "changes": [
            {"kind": change.kind, "days": change.days_delta, "reason": change.reason, "at": change.recorded_at}
            for change in execution.changes(session, record.contract)
            if change.days_delta
        ],
    }


def acceptance_record_values(record: ContractExecution, lang: str) -> dict:
    return {
        **_contract_values(record.contract, lang),
        "starts_on": moment(record.starts_on),
        "provisional_on": moment(record.provisional_acceptance_on),
        "final_on": moment(record.final_acceptance_on),
        "reserves": record.acceptance_reserves or "",
    }


def payment_certificate_values(invoice: Invoice, lang: str) -> dict:
    clock = invoicing.invoice_clock(invoice, invoice.ordered_on or local_date(invoice.received_at))
    return {
        **_contract_values(invoice.contract, lang),
        "invoice": {"number": invoice.number, "amount": invoice.amount, "sha256": invoice.document_sha256},
        "received_at": invoice.received_at,
        "due_on": moment(clock.due_on),
        "ordered_on": moment(invoice.ordered_on),
        "paid_on": moment(invoice.paid_on),
        "days_waited": clock.days_waited,
        "late_days": clock.late_days,
        "interest": clock.interest,
        "interest_rate_bp": invoice.interest_rate_bp,
        "payment_days": invoice.payment_days,
        "receipt_signature": invoice.receipt_signature,
    }
