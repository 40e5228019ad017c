"""The append-only, hash-chained event log.

Each event stores the SHA-256 of its own content and of the previous event, so editing or
deleting any row breaks the chain from that row on. Appends are serialised through a
single ``audit_head`` row that every writer updates first: on PostgreSQL the row lock
makes concurrent writers queue, on SQLite the write lock does, so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from safkat.db import Base, UTCDateTime

GENESIS_HASH = "0" * 64


class AuditHead(Base):
    """The single row that points at the chain's last event."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


class AuditEvent(Base):
    """Who did what to which object, when; never updated, never deleted."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __mapper_args__ = {"confirm_deleted_rows": False}

    @property
    def details_dict(self) -> dict:
        return json.loads(self.details)


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def compute_hash(event: AuditEvent) -> str:
    content = _canonical(
        {
            "seq": event.seq,
            "occurred_at": event.occurred_at.isoformat(),
            "actor_id": event.actor_id,
            "actor_label": event.actor_label,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "details": event.details,
        }
    )
    return hashlib.sha256(f"{event.prev_hash}\n{content}".encode()).hexdigest()


def record(
    session: Session,
    *,
    actor,
    action: str,
    object_type: str,
    object_id: object,
    now: datetime,
    **details: object,
) -> AuditEvent:
    """Append an event to the chain, inside the caller's transaction.

    ``actor`` is a user, or ``None`` for the system (CLI, cron).
    """
    seq, prev_hash = _lock_head(session)
    event = AuditEvent(
        seq=seq,
        occurred_at=now,
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=_canonical(details),
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(event)
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=event.hash))
    session.flush()
    return event


def _lock_head(session: Session) -> tuple[int, str]:
    """Take the chain's lock by updating its head; return the next seq and the last hash."""
    row = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(last_seq=AuditHead.last_seq + 1)
        .returning(AuditHead.last_seq, AuditHead.last_hash)
    ).first()
    if row is None:
        session.add(AuditHead(id=1, last_seq=1, last_hash=GENESIS_HASH))
        session.flush()
        return 1, GENESIS_HASH
    return row.last_seq, row.last_hash


@dataclass
class ChainReport:
    count: int
    first_broken_seq: int | None = None
    problem: str | None = None

    @property
    def is_intact(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(session: Session, batch_size: int = 1000) -> ChainReport:
    """Walk the whole chain in order and name the first event that does not add up."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch_size)
        ).all()
        if not events:
            break
        for event in events:
            if event.seq != expected_seq:
                return ChainReport(count, expected_seq, "missing event")
            if event.prev_hash != expected_prev:
                return ChainReport(count, event.seq, "previous hash does not match")
            if compute_hash(event) != event.hash:
                return ChainReport(count, event.seq, "content does not match its hash")
            expected_prev = event.hash
            expected_seq += 1
            count += 1
        last_seq = events[-1].seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != count or head.last_hash != expected_prev):
        return ChainReport(count, count + 1, "events missing at the end of the chain")
    return ChainReport(count)
