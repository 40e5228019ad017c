"""Execution of a signed contract: service order, extensions, amendments, milestones,
acceptance records, and the firm's invoices with their payment clock."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.awards.models import Contract
from safkat.db import Base, UTCDateTime


class ContractExecution(Base):
    """One per contract, created by the service order (ordre de service) that starts the work."""

    __tablename__ = "contract_executions"
    __table_args__ = (
        CheckConstraint("status IN ('in_progress', 'provisionally_accepted', 'finally_accepted')", name="status"),
        CheckConstraint("execution_days > 0", name="positive_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), unique=True)
    status: Mapped[str] = mapped_column(String(24), default="in_progress")
    starts_on: Mapped[date] = mapped_column(Date)
    execution_days: Mapped[int] = mapped_column(Integer)
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ordered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    provisional_acceptance_on: Mapped[date | None] = mapped_column(Date)
    final_acceptance_on: Mapped[date | None] = mapped_column(Date)
    acceptance_reserves: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[Contract] = relationship()


class ContractChange(Base):
    """An extension of the period, or an amendment (avenant) to the amount or the period."""

    __tablename__ = "contract_changes"
    __table_args__ = (
        CheckConstraint("kind IN ('extension', 'amendment')", name="kind"),
        CheckConstraint("amount_delta <> 0 OR days_delta <> 0", name="changes_something"),
        CheckConstraint("kind = 'amendment' OR amount_delta = 0", name="extension_has_no_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    amount_delta: Mapped[int] = mapped_column(BigInteger, default=0)  # centimes incl. VAT
    days_delta: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Milestone(Base):
    """A delivery or stage of the work, accepted or refused by the authority with a reason."""

    __tablename__ = "contract_milestones"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'delivered', 'accepted', 'refused')", name="status"),
        CheckConstraint("status <> 'refused' OR reason IS NOT NULL", name="refusal_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    reason: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invoice(Base):
    """A firm's invoice or progress statement, and where its payment stands.

    ``received_at`` is the signed receipt's instant (restarted by a resubmission after a
    dispute); the payment period and the interest rate in force then are kept with it, and
    the due date they give with the holidays known then (stated in the signed receipt).
    """

    __tablename__ = "contract_invoices"
    __table_args__ = (
        CheckConstraint("status IN ('submitted', 'disputed', 'approved', 'ordered', 'paid')", name="status"),
        CheckConstraint("amount > 0", name="positive_amount"),
        CheckConstraint("status <> 'disputed' OR dispute_reason IS NOT NULL", name="dispute_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    amount: Mapped[int] = mapped_column(BigInteger)  # centimes incl. VAT
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    document_name: Mapped[str] = mapped_column(String(255))
    document_key: Mapped[str] = mapped_column(String(80))
    document_sha256: Mapped[str] = mapped_column(String(64))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    first_received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payment_days: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    interest_rate_bp: Mapped[int] = mapped_column(Integer)  # annual rate in basis points
    receipt_payload: Mapped[str] = mapped_column(Text)
    receipt_signature: Mapped[str] = mapped_column(String(128))
    dispute_reason: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ordered_on: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)

    contract: Mapped[Contract] = relationship()
