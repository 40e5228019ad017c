"""Evaluation records: one evaluation per lot, one assessment per opened bid on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.accounts.models import Enterprise
from safkat.bids.models import Bid
from safkat.db import Base, UTCDateTime
from safkat.tenders.models import Lot


class LotEvaluation(Base):
    __tablename__ = "lot_evaluations"
    __table_args__ = (CheckConstraint("status IN ('in_progress', 'reviewed', 'locked')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    round: Mapped[int] = mapped_column(Integer, default=1)  # a new round after an upheld complaint
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lot: Mapped[Lot] = relationship()
    assessments: Mapped[list[Assessment]] = relationship(back_populates="evaluation", order_by="Assessment.id")


class Assessment(Base):
    """The commission's view of one bid on one lot."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "bid_id", name="uq_assessments_evaluation_bid"),
        CheckConstraint("is_eligible IS NOT FALSE OR rejection_reason IS NOT NULL", name="rejection_has_reason"),
        CheckConstraint(
            "alo_status IN ('none', 'flagged', 'explanation_requested', 'explained', 'kept', 'rejected')",
            name="alo_status",
        ),
        CheckConstraint(
            "alo_status NOT IN ('kept', 'rejected') OR alo_justification IS NOT NULL", name="alo_decision_justified"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("lot_evaluations.id"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    read_amount: Mapped[int] = mapped_column(BigInteger)  # excl. VAT, as read at the opening (centimes)
    read_vat: Mapped[int] = mapped_column(BigInteger, default=0)
    is_eligible: Mapped[bool | None] = mapped_column(Boolean)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    technical_pass: Mapped[bool | None] = mapped_column(Boolean)  # lowest-price tenders
    corrected_amount: Mapped[int | None] = mapped_column(BigInteger)
    correction_note: Mapped[str | None] = mapped_column(Text)
    national_preference: Mapped[bool] = mapped_column(Boolean, default=False)
    alo_status: Mapped[str] = mapped_column(String(24), default="none")
    alo_question: Mapped[str | None] = mapped_column(Text)
    alo_answer: Mapped[str | None] = mapped_column(Text)
    alo_justification: Mapped[str | None] = mapped_column(Text)
    evaluated_price: Mapped[int | None] = mapped_column(BigInteger)
    technical_score: Mapped[float | None] = mapped_column(Numeric(6, 2))
    financial_score: Mapped[float | None] = mapped_column(Numeric(6, 2))
    total_score: Mapped[float | None] = mapped_column(Numeric(6, 2))
    rank: Mapped[int | None] = mapped_column(Integer)

    evaluation: Mapped[LotEvaluation] = relationship(back_populates="assessments")
    bid: Mapped[Bid] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    scores: Mapped[list[TechnicalScore]] = relationship(back_populates="assessment", order_by="TechnicalScore.id")

    @property
    def amount(self) -> int:
        """The amount excluding VAT after arithmetic correction."""
        return self.corrected_amount if self.corrected_amount is not None else self.read_amount

    @property
    def is_compliant(self) -> bool:
        """Not rejected on any ground (a bid not yet decided counts, so the ranking is always shown)."""
        return self.is_eligible is not False and self.technical_pass is not False and self.alo_status != "rejected"


class TechnicalScore(Base):
    """One evaluator's points for one criterion of one bid."""

    __tablename__ = "technical_scores"
    __table_args__ = (
        UniqueConstraint("assessment_id", "evaluator_id", "criterion_id", name="uq_technical_scores_one_mark"),
        CheckConstraint("points >= 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("technical_criteria.id"))
    points: Mapped[int] = mapped_column(Integer)

    assessment: Mapped[Assessment] = relationship(back_populates="scores")
