"""Bid models. Nothing here holds an amount, a statement or a document in clear: those
live only inside sealed envelopes until the opening."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.accounts.models import Enterprise, User
from safkat.db import Base, UTCDateTime
from safkat.tenders.models import Lot, Tender


class BidStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"
    DISCARDED = "discarded"  # a draft given up


class EnvelopeKind(StrEnum):
    APPLICATION = "application"  # dossier de candidature (documents)
    TECHNICAL = "technical"  # offre technique (statement and documents)
    FINANCIAL = "financial"  # offre financière (amounts per lot, price schedule)


class KeyScheme(StrEnum):
    KEK = "kek"  # before issue 14: the private key wrapped under the KEK alone
    COMMISSION = "commission-v1"  # the platform's deadline-gated part and k of n members' shares


class TenderKey(Base):
    """A tender's sealing key pair: the public key, and the private key kept wrapped.

    Under :attr:`KeyScheme.COMMISSION` (every tender published since issue 14) the private
    key is wrapped under both the platform's part (itself under the KEK, released by the
    opening after the deadline) and the commission's secret, split among the members
    (:class:`safkat.commission.models.TenderKeyShare`); see :mod:`safkat.keyshare.tenderkey`.
    """

    __tablename__ = "tender_keys"
    __table_args__ = (CheckConstraint("scheme IN ('kek', 'commission-v1')", name="scheme"),)

    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scheme: Mapped[str] = mapped_column(String(20), default=KeyScheme.KEK)
    wrapped_platform_part: Mapped[bytes | None] = mapped_column(LargeBinary)
    check_value: Mapped[str | None] = mapped_column(String(64))
    threshold: Mapped[int | None] = mapped_column(Integer)
    epoch: Mapped[int] = mapped_column(Integer, default=1)  # the commission whose shares open it


bid_lots = Table(
    "bid_lots",
    Base.metadata,
    Column("bid_id", ForeignKey("bids.id", ondelete="CASCADE"), primary_key=True),
    Column("lot_id", ForeignKey("lots.id"), primary_key=True),
)


class Bid(Base):
    __tablename__ = "bids"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'superseded', 'withdrawn', 'discarded')", name="status"),
        CheckConstraint("status = 'draft' OR status = 'discarded' OR digest IS NOT NULL", name="sealed_has_digest"),
        UniqueConstraint("enterprise_id", "idempotency_key", name="uq_bids_enterprise_idempotency_key"),
        # One active bid, and one draft, per enterprise and tender.
        Index(
            "uq_bids_one_active",
            "tender_id",
            "enterprise_id",
            unique=True,
            sqlite_where=Column("status") == "submitted",
            postgresql_where=Column("status") == "submitted",
        ),
        Index(
            "uq_bids_one_draft",
            "tender_id",
            "enterprise_id",
            unique=True,
            sqlite_where=Column("status") == "draft",
            postgresql_where=Column("status") == "draft",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default=BidStatus.DRAFT)
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # superseded or withdrawn
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("bids.id"))

    tender: Mapped[Tender] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    created_by: Mapped[User] = relationship()
    lots: Mapped[list[Lot]] = relationship(secondary=bid_lots, order_by=Lot.number)
    envelopes: Mapped[list[Envelope]] = relationship(
        back_populates="bid", order_by="Envelope.id", cascade="all, delete-orphan"
    )
    receipts: Mapped[list[Receipt]] = relationship(back_populates="bid", order_by="Receipt.id")


class Envelope(Base):
    """One sealed part of a bid: the financial offer, or one document, or the statement."""

    __tablename__ = "envelopes"
    __table_args__ = (
        CheckConstraint("kind IN ('application', 'technical', 'financial')", name="kind"),
        CheckConstraint("sealed_key IS NOT NULL OR draft_key IS NOT NULL", name="has_a_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    is_offer_data: Mapped[bool] = mapped_column(Boolean, default=False)  # the form's fields, not a file
    sealed_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # data key sealed to the tender
    draft_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # data key wrapped for the draft
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    ciphertext_size: Mapped[int] = mapped_column(Integer)
    ciphertext_sha256: Mapped[str] = mapped_column(String(64))

    bid: Mapped[Bid] = relationship(back_populates="envelopes")


class Receipt(Base):
    """A signed acknowledgement of a submission, replacement or withdrawal."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON, what was signed
    signature: Mapped[str] = mapped_column(String(128))  # hex Ed25519 signature
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    bid: Mapped[Bid] = relationship(back_populates="receipts")


class Opening(Base):
    """The public opening of a tender's bids, and its minutes."""

    __tablename__ = "openings"

    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    commission: Mapped[str] = mapped_column(Text, default="")
    superseded_count: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn_count: Mapped[int] = mapped_column(Integer, default=0)

    rows: Mapped[list[OpenedBid]] = relationship(order_by="OpenedBid.id", cascade="all, delete-orphan")


class OpenedBid(Base):
    """What the opening read out of one bid: public from the opening on."""

    __tablename__ = "opened_bids"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("openings.tender_id"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    is_intact: Mapped[bool] = mapped_column(Boolean)
    problem: Mapped[str | None] = mapped_column(Text)
    envelopes: Mapped[str] = mapped_column(Text)  # JSON: kind → number of documents / received
    amounts: Mapped[str] = mapped_column(Text)  # JSON: lot number → {excl_vat, vat, total} in centimes
    statement: Mapped[str] = mapped_column(Text, default="")

    bid: Mapped[Bid] = relationship()
    documents: Mapped[list[OpenedDocument]] = relationship(order_by="OpenedDocument.id")


class OpenedDocument(Base):
    """A bid document decrypted at the opening (readable by the commission from then on)."""

    __tablename__ = "opened_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    opened_bid_id: Mapped[int] = mapped_column(ForeignKey("opened_bids.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)


class BidUpload(Base):
    """A large bid document arriving in chunks, each encrypted on arrival, resumable.

    Nothing of the file is ever on disk in clear: each chunk is sealed (XChaCha20-Poly1305,
    with the upload's data key) before it is appended; the file name and announced digest
    are sealed too. ``stored_bytes`` is the length of the chunk file that counts: anything
    after it (a write cut by a crash) is cut off before the next chunk.
    """

    __tablename__ = "bid_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12))
    sealed_meta: Mapped[bytes] = mapped_column(LargeBinary)
    data_key: Mapped[bytes] = mapped_column(LargeBinary)  # wrapped like a draft's keys
    declared_size: Mapped[int] = mapped_column(Integer)
    received_size: Mapped[int] = mapped_column(Integer, default=0)
    next_index: Mapped[int] = mapped_column(Integer, default=0)
    stored_bytes: Mapped[int] = mapped_column(Integer, default=0)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
