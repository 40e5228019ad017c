"""What every execution step checks and records: the actor's right, the dates, the row lock,
the audit chain and the OCDS release. Knows no Flask."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from safkat import audit
from safkat.awards.models import Contract
from safkat.errors import N_, DomainError, PermissionDenied
from safkat.execution import payment_clock
from safkat.permissions import can


def require(actor, action: str, contract: Contract) -> None:
    if can(actor, action, contract):
        return
    if action == "contract.invoice":
        raise PermissionDenied(N_("Only the firm that holds this contract can do this."))
    raise PermissionDenied(N_("Only the officers of the contracting authority of this contract can do this."))


def log(session, actor, contract: Contract, action: str, now: datetime, **details) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"execution.{action}",
        object_type="contract",
        object_id=contract.id,
        now=now,
        **details,
    )


def publish(session: Session, contract: Contract, tag: str, now: datetime) -> None:
    """Record the OCDS release of a public step of the execution (no invoice amount in it)."""
    from safkat.opendata import ocds  # imported here: the release reads this module back

    ocds.record_release(session, contract.lot.tender, [tag], now)


def reason_given(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(N_("Give the reason: the other party will read it."))
    return text


def check_past_date(day: date, earliest: date, now: datetime) -> None:
    """A recorded date lies between ``earliest`` (the contract, the receipt…) and today."""
    if day > payment_clock.local_date(now):
        raise DomainError(N_("The date cannot be in the future."))
    if day < earliest:
        raise DomainError(N_("The date cannot be before %(earliest)s."), earliest=earliest.isoformat())


def lock(session: Session, obj) -> None:
    """Reload ``obj`` under a row lock (PostgreSQL ``FOR UPDATE``; SQLite writes one at a time),
    so that two officers, or a double click, never record the same step twice or invoice
    beyond the contract's amount."""
    session.refresh(obj, with_for_update=True)
