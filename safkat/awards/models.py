"""Awards per lot, complaints, and contracts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.accounts.models import Enterprise
from safkat.db import Base, UTCDateTime
from safkat.tenders.models import Lot


class LotAward(Base):
    __tablename__ = "lot_awards"
    __table_args__ = (
        UniqueConstraint("lot_id", "round", name="uq_lot_awards_lot_round"),
        CheckConstraint("status IN ('provisional', 'final', 'withdrawn', 'unsuccessful')", name="status"),
        CheckConstraint("status = 'unsuccessful' OR enterprise_id IS NOT NULL", name="winner_named"),
        CheckConstraint("status <> 'unsuccessful' OR reason IS NOT NULL", name="unsuccessful_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    amount: Mapped[int | None] = mapped_column(BigInteger)  # excluding VAT, centimes
    amount_incl_vat: Mapped[int | None] = mapped_column(BigInteger)
    bids_count: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    standstill_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lot: Mapped[Lot] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()


class Complaint(Base):
    """A bidder's recours against a provisional award."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'upheld', 'rejected')", name="status"),
        CheckConstraint("status = 'pending' OR answer IS NOT NULL", name="answered_with_reasons"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    lodged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    grounds: Mapped[str] = mapped_column(Text)
    document_name: Mapped[str | None] = mapped_column(String(255))
    document_key: Mapped[str | None] = mapped_column(String(80))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lot: Mapped[Lot] = relationship()
    enterprise: Mapped[Enterprise] = relationship()


class Contract(Base):
    __tablename__ = "contracts"
    __table_args__ = (CheckConstraint("status IN ('pending_signature', 'signed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_award_id: Mapped[int] = mapped_column(ForeignKey("lot_awards.id"), unique=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    amount_incl_vat: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="pending_signature")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lot: Mapped[Lot] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
