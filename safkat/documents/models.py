"""Issued documents: each version of each official PDF, stored once and never changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safkat.db import Base, UTCDateTime
from safkat.tenders.models import Tender


class IssuedDocument(Base):
    """One version of an official document, as issued: the signed PDF is in the file store
    under ``storage_key``, and ``sha256`` is the digest of exactly those bytes.

    A document is about a *subject* (``receipt:12``, ``tender:7``…): the kind, the subject
    and the language name a document, whose versions are numbered from 1. A new version
    supersedes the previous one, which stays verifiable. ``recipient_enterprise_id`` marks a
    document addressed to one bidder: only that enterprise may download it, and its public
    verification page shows only that it exists and its digest.
    """

    __tablename__ = "issued_documents"
    __table_args__ = (
        UniqueConstraint("subject", "kind", "language", "version", name="uq_issued_documents_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("language IN ('fr', 'ar')", name="language"),
        CheckConstraint("NOT (is_public AND recipient_enterprise_id IS NOT NULL)", name="public_or_addressed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # printed and in the QR code
    kind: Mapped[str] = mapped_column(String(32), index=True)
    subject: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id"), index=True)
    bid_id: Mapped[int | None] = mapped_column(ForeignKey("bids.id"), index=True)
    recipient_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    is_public: Mapped[bool] = mapped_column(Boolean)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))  # of the values rendered: a change means a new version
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"), unique=True)

    tender: Mapped[Tender | None] = relationship()
    supersedes: Mapped[IssuedDocument | None] = relationship(remote_side=[id])
