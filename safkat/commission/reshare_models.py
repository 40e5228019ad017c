"""A redistribution of a tender's commission secret to a new commission (issue 14).

When the commission changes after bids have arrived, the tender's key cannot simply be
made again: the bids are sealed to it. ``k`` members of the old commission (the
*senders*, fixed when the round starts) each split their share again for the new
commission; each new member (a *recipient*) combines the pieces sealed to them into a
new share. The server only ever stores sealed pieces: see
:mod:`safkat.commission.rekeying` and ``docs/security.md``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.accounts.models import User
from safkat.commission.key_models import MemberKey
from safkat.db import Base, UTCDateTime

if TYPE_CHECKING:
    from safkat.tenders.models import Tender


class RoundStatus:
    COLLECTING = "collecting"  # waiting for the senders' re-shares
    COMBINING = "combining"  # every sender answered: the recipients combine
    COMPLETE = "complete"  # every recipient has a new share: the new epoch opens the key
    ABANDONED = "abandoned"  # the commission changed again before the round ended

    ALL = (COLLECTING, COMBINING, COMPLETE, ABANDONED)
    PENDING = (COLLECTING, COMBINING)


class ReshareRound(Base):
    __tablename__ = "reshare_rounds"
    __table_args__ = (
        CheckConstraint("status IN ('collecting', 'combining', 'complete', 'abandoned')", name="status"),
        Index(
            "uq_reshare_rounds_one_pending",
            "tender_id",
            unique=True,
            sqlite_where=Column("status").in_(RoundStatus.PENDING),
            postgresql_where=Column("status").in_(RoundStatus.PENDING),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    old_epoch: Mapped[int] = mapped_column(Integer)
    new_epoch: Mapped[int] = mapped_column(Integer)
    old_threshold: Mapped[int] = mapped_column(Integer)
    new_threshold: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tender: Mapped[Tender] = relationship("Tender")
    participants: Mapped[list[ReshareParticipant]] = relationship(
        back_populates="round", order_by="(ReshareParticipant.role.desc(), ReshareParticipant.share_index)"
    )

    @property
    def senders(self) -> list[ReshareParticipant]:
        return [p for p in self.participants if p.role == ParticipantRole.SENDER]

    @property
    def recipients(self) -> list[ReshareParticipant]:
        return [p for p in self.participants if p.role == ParticipantRole.RECIPIENT]

    def participant(self, role: str, user_id: int | None) -> ReshareParticipant | None:
        return next((p for p in self.participants if p.role == role and p.user_id == user_id), None)


class ParticipantRole:
    SENDER = "sender"  # an old member: ``share_index`` is its index in the old commission
    RECIPIENT = "recipient"  # a new member: ``share_index`` is its index in the new one


class ReshareParticipant(Base):
    """One old member who re-shares (``reply``: their sealed pieces, one per new member), or
    one new member who combines (``answered_at``: their new sealed share is stored)."""

    __tablename__ = "reshare_participants"
    __table_args__ = (
        CheckConstraint("role IN ('sender', 'recipient')", name="role"),
        UniqueConstraint("round_id", "role", "user_id", name="uq_reshare_participants_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reshare_rounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(10))
    share_index: Mapped[int] = mapped_column(Integer)
    member_key_id: Mapped[int] = mapped_column(ForeignKey("member_keys.id"))
    reply: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[ReshareRound] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()
    member_key: Mapped[MemberKey] = relationship()
