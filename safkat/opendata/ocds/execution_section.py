"""A contract's execution in its OCDS ``contracts`` entry: period, amendments, milestones, payments.

- ``period``: from the service order's start to the end of the execution period after
  every extension and amendment of duration;
- ``amendments``: each extension and amendment (avenant), its reason as ``rationale``; the
  change of amount or period in ``description``;
- ``implementation.milestones``: each milestone or delivery (type ``delivery``: ``met``
  when accepted, ``notMet`` when refused, else ``scheduled``) and the acceptance records
  (type ``assessment``);
- ``implementation.transactions``: one per invoice whose payment is ordered, dated by its
  payment (or, until then, its payment order), from the buyer to the supplier. No
  ``value``: invoice amounts are not published (the contract's value is).

Dates that are calendar days (Algiers) are written as midnight Algiers time, in UTC; the
period's end as the last second of its last day.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from safkat.awards.models import Contract
from safkat.execution import invoices as invoicing
from safkat.execution import services as execution
from safkat.execution.payment_clock import ALGIERS
from safkat.opendata.ocds.values import amount_text, compact, iso

STATUS_AFTER_FINAL_ACCEPTANCE = "terminated"  # OCDS: the contract was completed
LAST_SECOND = time(23, 59, 59)  # a period's end date is the end of its last day


def day_iso(day: date | None, at: time = time.min) -> str | None:
    return iso(datetime.combine(day, at, tzinfo=ALGIERS)) if day else None


def _amendment(change) -> dict:
    parts = []
    if change.amount_delta:
        parts.append(
            f"Amount {'+' if change.amount_delta > 0 else '-'}{amount_text(abs(change.amount_delta))} incl. VAT"
        )
    if change.days_delta:
        parts.append(f"period {change.days_delta:+d} days")
    kind = "Extension of the execution period" if change.kind == "extension" else "Amendment (avenant)"
    return {
        "id": f"{change.kind}-{change.id}",
        "date": iso(change.recorded_at),
        "rationale": change.reason,
        "description": f"{kind}: {', '.join(parts)}.",
    }


def _milestone(milestone) -> dict:
    status = {"accepted": "met", "refused": "notMet"}.get(milestone.status, "scheduled")
    return compact(
        {
            "id": f"milestone-{milestone.id}",
            "title": milestone.title,
            "type": "delivery",
            "description": f"Refused: {milestone.reason}" if milestone.status == "refused" else None,
            "dueDate": day_iso(milestone.due_on),
            "dateMet": iso(milestone.decided_at) if milestone.status == "accepted" else None,
            "dateModified": iso(milestone.decided_at or milestone.delivered_at),
            "status": status,
        }
    )


def _acceptances(record) -> list[dict]:
    rows = []
    for key, title, day in (
        ("provisional-acceptance", "Provisional acceptance (réception provisoire)", record.provisional_acceptance_on),
        ("final-acceptance", "Final acceptance (réception définitive)", record.final_acceptance_on),
    ):
        if day:
            rows.append({"id": key, "title": title, "type": "assessment", "dateMet": day_iso(day), "status": "met"})
    return rows


def execution_fields(session: Session, contract: Contract, buyer: dict, supplier: dict | None) -> dict:
    """The fields to add to the contract's entry (none before the service order)."""
    record = execution.execution_of(session, contract)
    if record is None:
        return {}
    milestones = [_milestone(m) for m in execution.milestones(session, contract)] + _acceptances(record)
    transactions = [
        compact(
            {
                "id": f"invoice-{invoice.id}",
                "date": day_iso(invoice.paid_on or invoice.ordered_on),
                "payer": buyer,
                "payee": supplier,
            }
        )
        for invoice in invoicing.invoices(session, contract)
        if invoice.ordered_on is not None
    ]
    fields = {
        "period": {
            "startDate": day_iso(record.starts_on),
            "endDate": day_iso(execution.ends_on(session, record), LAST_SECOND),
        },
        "amendments": [_amendment(change) for change in execution.changes(session, contract)] or None,
        "implementation": compact({"milestones": milestones or None, "transactions": transactions or None}) or None,
    }
    if record.status == "finally_accepted":
        fields["status"] = STATUS_AFTER_FINAL_ACCEPTANCE
    return compact(fields)
