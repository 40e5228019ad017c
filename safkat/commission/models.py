"""The commission of a tender and the per-member records of its work.

Each member's act is a row of its own (a presence at the opening, a document request), so
that a later step (threshold sharing of the tender's key) can ask each member in turn.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.accounts.models import User
from safkat.db import Base, UTCDateTime

if TYPE_CHECKING:
    from safkat.bids.models import Bid


class Commission(Base):
    """A tender's commission d'ouverture des plis et d'évaluation des offres."""

    __tablename__ = "commissions"
    __table_args__ = (CheckConstraint("quorum >= 2", name="quorum_at_least_two"),)

    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True)
    quorum: Mapped[int] = mapped_column(Integer, default=2)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ready_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # `safkat open-due` told the members

    members: Mapped[list[CommissionMember]] = relationship(
        back_populates="commission",
        order_by="(CommissionMember.is_chair.desc(), CommissionMember.id)",
        cascade="all, delete-orphan",
    )

    @property
    def chair(self) -> CommissionMember | None:
        return next((member for member in self.members if member.is_chair), None)

    def member_for(self, user_id: int | None) -> CommissionMember | None:
        return next((member for member in self.members if member.user_id == user_id), None)


class CommissionMember(Base):
    __tablename__ = "commission_members"
    __table_args__ = (UniqueConstraint("tender_id", "user_id", name="uq_commission_members_tender_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("commissions.tender_id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)

    commission: Mapped[Commission] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class OpeningPresence(Base):
    """One member's confirmed presence at the opening session, with their declaration of
    no conflict of interest with the bidders, then known."""

    __tablename__ = "opening_presences"
    __table_args__ = (
        UniqueConstraint("tender_id", "user_id", name="uq_opening_presences_tender_user"),
        CheckConstraint("declared_no_conflict", name="declared_no_conflict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    declared_no_conflict: Mapped[bool] = mapped_column(Boolean)

    user: Mapped[User] = relationship()


class DocumentRequest(Base):
    """The commission asks a bidder to complete a missing administrative document."""

    __tablename__ = "document_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    document: Mapped[str] = mapped_column(String(40))  # a key of the completable documents setting
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)

    bid: Mapped[Bid] = relationship("Bid")
    requested_by: Mapped[User] = relationship()
    supplied: Mapped[list[SuppliedDocument]] = relationship(back_populates="request", order_by="SuppliedDocument.id")


class SuppliedDocument(Base):
    """A file a bidder uploaded in answer to a request; readable by the commission only."""

    __tablename__ = "supplied_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("document_requests.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    request: Mapped[DocumentRequest] = relationship(back_populates="supplied")
