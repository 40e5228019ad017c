"""The commission's entries in the audit chain (``commission.<action>`` on the tender)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from safkat import audit


def log(session: Session, actor, tender_id: int, action: str, now: datetime, **details) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"commission.{action}",
        object_type="tender",
        object_id=tender_id,
        now=now,
        **details,
    )
