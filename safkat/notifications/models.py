"""The outbox: every e-mail is a row first, so none is lost when sending fails."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.db import Base, UTCDateTime


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # gave up after too many attempts; visible to administrators


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'dead')", name="status"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", order_by="OutboxAttachment.id", cascade="all, delete-orphan"
    )


class OutboxAttachment(Base):
    """A file sent with a message: an issued document, read from the file store when the
    message is sent (its bytes are not copied into the outbox).

    A document may still be *to issue* when the message is queued (``issue_*`` set,
    ``document_id`` empty): rendering and signing a PDF takes a third of a second, too
    long for the request that made the event (a bid in the last-minute rush), so the
    sender issues it just before sending and records it here.
    """

    __tablename__ = "outbox_attachments"
    __table_args__ = (CheckConstraint("document_id IS NOT NULL OR issue_kind IS NOT NULL", name="issued_or_to_issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    issue_kind: Mapped[str | None] = mapped_column(String(40))
    issue_subject: Mapped[str | None] = mapped_column(String(80))  # "receipts:12"
    issue_language: Mapped[str | None] = mapped_column(String(5))

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")
    document = relationship("IssuedDocument")

    @property
    def is_to_issue(self) -> bool:
        return self.document_id is None and self.document is None


class Subscription(Base):
    """What new tenders a user wants to hear of, and how often."""

    __tablename__ = "subscriptions"
    __table_args__ = (CheckConstraint("frequency IN ('immediate', 'daily')", name="frequency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    sectors: Mapped[str] = mapped_column(Text, default="")  # codes, comma-separated; empty = any
    wilayas: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[str] = mapped_column(Text, default="")
    authorities: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(10), default="immediate")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def codes(self, field: str) -> list[str]:
        return [code for code in getattr(self, field).split(",") if code]


class Notification(Base):
    """An entry of a user's notification centre."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id"))
    text: Mapped[str] = mapped_column(Text)  # in the user's language, written when created
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_pending: Mapped[bool] = mapped_column(Boolean, default=False)  # waits for the daily digest


class SentReminder(Base):
    """A reminder already sent, so that cron runs never repeat one."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("tender_id", "user_id", "kind", name="uq_sent_reminders_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
