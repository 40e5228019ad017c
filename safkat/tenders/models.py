"""Tender models: the call for tender, its lots, documents, amendments and questions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from safkat.accounts.models import ContractingAuthority, Sector, User
from safkat.db import Base, UTCDateTime, one_of

if TYPE_CHECKING:
    from safkat.commission.models import Commission


class TenderStatus(StrEnum):
    """Stored states. "open" and "closed" are not stored: they are a published tender
    before and after its submission deadline, computed from the clock."""

    DRAFT = "draft"
    PUBLISHED = "published"
    OPENED = "opened"  # bids opened, minutes published
    EVALUATION = "evaluation"
    PROVISIONAL_AWARD = "provisional_award"
    AWARDED = "awarded"  # every lot awarded (or unsuccessful); contracts follow
    UNSUCCESSFUL = "unsuccessful"  # infructueux
    CANCELLED = "cancelled"
    DELETED = "deleted"


class Category(StrEnum):
    WORKS = "works"
    SUPPLIES = "supplies"
    SERVICES = "services"
    STUDIES = "studies"


class Procedure(StrEnum):
    OPEN = "open"
    OPEN_MIN_CAPACITY = "open_min_capacity"
    RESTRICTED = "restricted"
    CONSULTATION = "consultation"


class AwardMethod(StrEnum):
    LOWEST_PRICE = "lowest_price"  # moins-disant
    WEIGHTED = "weighted"  # offre économiquement la plus avantageuse


class AmendmentKind(StrEnum):
    DOCUMENTS = "documents"
    CLARIFICATION = "clarification"
    DEADLINE_EXTENSION = "deadline_extension"
    COMMISSION = "commission"  # the commission changed after publication


tender_wilayas = Table(
    "tender_wilayas",
    Base.metadata,
    Column("tender_id", ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True),
    Column("wilaya_code", String(2), primary_key=True),
    # Copies of the tender's, kept by triggers (migration 0024): a wilaya's open tenders
    # in deadline order are the first rows of ix_tender_wilayas_listing. Never written here.
    Column("status", String(20)),
    Column("category", String(16)),
    Column("submission_deadline_at", UTCDateTime),
    # A filter by wilaya reads its tenders' ids from this index alone (migration 0021).
    Index("ix_tender_wilayas_wilaya_tender", "wilaya_code", "tender_id"),
    Index("ix_tender_wilayas_listing", "wilaya_code", "status", "submission_deadline_at", "tender_id", "category"),
)

tender_sectors = Table(
    "tender_sectors",
    Base.metadata,
    Column("tender_id", ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="RESTRICT"), primary_key=True),
    Index("ix_tender_sectors_sector_tender", "sector_id", "tender_id"),
)


CODES_SEPARATOR = "\x1f"  # the unit separator: no code can hold it (forms strip control characters)


def codes_of(joined: str) -> list[str]:
    """The codes a listing query joined with :data:`CODES_SEPARATOR`, in order."""
    return sorted(code for code in joined.split(CODES_SEPARATOR) if code)


def url_reference_of(reference: str) -> str:
    """A reference made URL-safe: ``AT-ORN/2026/0042`` → ``AT-ORN-2026-0042``."""
    return reference.replace("/", "-")


FILTER_COLUMNS = (
    "id",
    "status",
    "submission_deadline_at",
    "published_at",
    "category",
    "procedure",
    "authority_id",
    "is_budget_public",
    "has_reserved_lot",
    "estimated_budget",
)


class Tender(Base):
    """A call for tender (appel d'offres)."""

    __tablename__ = "tenders"
    __table_args__ = (
        CheckConstraint(one_of("status", TenderStatus), name="status"),
        CheckConstraint(one_of("category", Category), name="category"),
        CheckConstraint(one_of("procedure", Procedure), name="procedure"),
        CheckConstraint(one_of("award_method", AwardMethod), name="award_method"),
        CheckConstraint(
            "award_method <> 'weighted' OR technical_weight + financial_weight = 100", name="weights_sum_to_100"
        ),
        CheckConstraint("status = 'draft' OR status = 'deleted' OR reference IS NOT NULL", name="published_has_ref"),
        CheckConstraint("estimated_budget IS NULL OR estimated_budget >= 0", name="budget_positive"),
        # The listing's two orders, ending with the id as they do (PostgreSQL: index-only pages).
        Index("ix_tenders_public_listing", "status", "submission_deadline_at", "id"),
        # The open tenders of a category in deadline order, without reading their rows
        # (a wilaya × category page on PostgreSQL: 13 → 1.1 ms; migration 0022).
        Index("ix_tenders_open_category", "status", "category", "submission_deadline_at", "id"),
        Index("ix_tenders_published_at", "published_at", "id"),
        # max(changed_at) makes the listing's Last-Modified on every request (benchmarks: 110 ms → 0.05 ms).
        Index("ix_tenders_changed_at", "changed_at"),
        # What filters and statistics read of a tender, beside its id: a filter by wilaya,
        # sector or words checks thousands of tenders by id, and a statistic scans them all;
        # this narrow copy answers both without reading the wide rows (descriptions).
        Index("ix_tenders_filter_columns", *FILTER_COLUMNS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=TenderStatus.DRAFT)
    title_fr: Mapped[str] = mapped_column(String(300))
    title_ar: Mapped[str | None] = mapped_column(String(300))
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_ar: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16), index=True)
    procedure: Mapped[str] = mapped_column(String(20), index=True)
    estimated_budget: Mapped[int | None] = mapped_column(BigInteger)  # centimes of DZD
    is_budget_public: Mapped[bool] = mapped_column(Boolean, default=False)
    enquiry_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submission_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opening_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opening_place: Mapped[str] = mapped_column(String(300), default="")
    opening_place_ar: Mapped[str | None] = mapped_column(String(300))
    bid_validity_days: Mapped[int] = mapped_column(Integer, default=90)
    execution_days: Mapped[int | None] = mapped_column(Integer)  # délai d'exécution; the service order starts it
    award_method: Mapped[str] = mapped_column(String(16), default=AwardMethod.LOWEST_PRICE)
    technical_weight: Mapped[int] = mapped_column(Integer, default=0)
    financial_weight: Mapped[int] = mapped_column(Integer, default=100)
    national_preference: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_technical_offer: Mapped[bool] = mapped_column(Boolean, default=True)
    required_documents: Mapped[str] = mapped_column(Text, default="")  # one per line
    required_documents_ar: Mapped[str | None] = mapped_column(Text)  # one per line
    has_reserved_lot: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason_ar: Mapped[str | None] = mapped_column(Text)
    # Moves on every public change; drives ETag / Last-Modified of the public pages.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Its number of lots and its wilaya codes (joined by CODES_SEPARATOR, in order), kept
    # by triggers (migration 0026) for the listing's statements (queries.LOTS_COUNT,
    # queries.WILAYAS_JOINED). Deferred: a Tender object's copy may be older than its lots.
    listed_lots: Mapped[int] = mapped_column(Integer, server_default="0", deferred=True)
    listed_wilayas: Mapped[str] = mapped_column(String(200), server_default="", deferred=True)

    authority: Mapped[ContractingAuthority] = relationship()
    created_by: Mapped[User] = relationship()
    lots: Mapped[list[Lot]] = relationship(back_populates="tender", order_by="Lot.number", cascade="all, delete-orphan")
    criteria: Mapped[list[TechnicalCriterion]] = relationship(
        back_populates="tender", order_by="TechnicalCriterion.position", cascade="all, delete-orphan"
    )
    documents: Mapped[list[TenderDocument]] = relationship(back_populates="tender", order_by="TenderDocument.id")
    amendments: Mapped[list[Amendment]] = relationship(back_populates="tender", order_by="Amendment.number")
    questions: Mapped[list[Question]] = relationship(back_populates="tender", order_by="Question.id")
    sectors: Mapped[list[Sector]] = relationship(secondary=tender_sectors, order_by=Sector.code)
    commission: Mapped[Commission | None] = relationship("Commission", uselist=False, viewonly=True)

    wilaya_rows = relationship("TenderWilaya", cascade="all, delete-orphan", order_by="TenderWilaya.wilaya_code")
    # Set by the listing's queries (``queries._load``): the cards, the API and the feed
    # show the number of lots and the codes of wilayas and sectors, not the rows themselves.
    lots_counted: Mapped[int | None] = query_expression()
    wilayas_joined: Mapped[str | None] = query_expression()  # codes joined by CODES_SEPARATOR
    sectors_joined: Mapped[str | None] = query_expression()

    @property
    def lots_count(self) -> int:
        return self.lots_counted if self.lots_counted is not None else len(self.lots)

    @property
    def listed_wilaya_codes(self) -> list[str]:
        """The wilaya codes, in order, from the listing's query when it gave them."""
        return self.wilaya_codes if self.wilayas_joined is None else codes_of(self.wilayas_joined)

    @property
    def listed_sector_codes(self) -> list[str]:
        if self.sectors_joined is None:
            return [sector.code for sector in self.sectors]
        return codes_of(self.sectors_joined)

    @property
    def wilaya_codes(self) -> list[str]:
        return [row.wilaya_code for row in self.wilaya_rows]

    def title(self, locale: str) -> str:
        return self.title_ar if locale == "ar" and self.title_ar else self.title_fr

    def description(self, locale: str) -> str:
        return self.description_ar if locale == "ar" and self.description_ar else self.description_fr

    @property
    def url_reference(self) -> str:
        """The reference made URL-safe: ``AT-ORN/2026/0042`` → ``AT-ORN-2026-0042``."""
        return url_reference_of(self.reference or "")

    @property
    def current_documents(self) -> list[TenderDocument]:
        return [document for document in self.documents if document.replaced_by_id is None]


class TenderWilaya(Base):
    """Where the work is done; a tender may cover several wilayas."""

    __table__ = tender_wilayas


class Lot(Base):
    __tablename__ = "lots"
    __table_args__ = (
        UniqueConstraint("tender_id", "number", name="uq_lots_tender_number"),
        CheckConstraint("estimated_amount IS NULL OR estimated_amount >= 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title_fr: Mapped[str] = mapped_column(String(300))
    title_ar: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    estimated_amount: Mapped[int | None] = mapped_column(BigInteger)  # centimes of DZD
    is_reserved: Mapped[bool] = mapped_column(Boolean, default=False)  # to micro-enterprises

    tender: Mapped[Tender] = relationship(back_populates="lots")

    def title(self, locale: str) -> str:
        return self.title_ar if locale == "ar" and self.title_ar else self.title_fr


class TechnicalCriterion(Base):
    """A published technical criterion of a weighted tender, with its maximum points."""

    __tablename__ = "technical_criteria"
    __table_args__ = (CheckConstraint("max_points > 0", name="max_points_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    label_ar: Mapped[str | None] = mapped_column(String(300))
    max_points: Mapped[int] = mapped_column(Integer)

    tender: Mapped[Tender] = relationship(back_populates="criteria")


class TenderDocument(Base):
    """A file of the tender file (cahier des charges, plans, annexes)."""

    __tablename__ = "tender_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("tender_documents.id"))
    download_count: Mapped[int] = mapped_column(Integer, default=0)

    tender: Mapped[Tender] = relationship(back_populates="documents")
    amendment: Mapped[Amendment | None] = relationship(back_populates="documents")


class DocumentDownload(Base):
    """A logged-in bidder downloaded a document: it will be told of amendments."""

    __tablename__ = "document_downloads"
    __table_args__ = (UniqueConstraint("document_id", "user_id", name="uq_document_downloads_document_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("tender_documents.id"), index=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Amendment(Base):
    """A public change after publication, with its reason."""

    __tablename__ = "amendments"
    __table_args__ = (
        UniqueConstraint("tender_id", "number", name="uq_amendments_tender_number"),
        CheckConstraint(one_of("kind", AmendmentKind), name="kind"),
        CheckConstraint("kind <> 'deadline_extension' OR new_deadline_at > old_deadline_at", name="extension_only"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text)
    reason_ar: Mapped[str | None] = mapped_column(Text)
    old_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    tender: Mapped[Tender] = relationship(back_populates="amendments")
    documents: Mapped[list[TenderDocument]] = relationship(back_populates="amendment")


class Question(Base):
    """A bidder's question; its answer is published without naming the asker."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answer_ar: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    tender: Mapped[Tender] = relationship(back_populates="questions")

    @property
    def is_answered(self) -> bool:
        return self.answer is not None


class TenderSequence(Base):
    """The last reference number given by an authority in a year; never reused."""

    __tablename__ = "tender_sequences"

    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class TenderSearch(Base):
    """Normalised searchable text of each public tender (FTS5 or tsvector index on top)."""

    __tablename__ = "tender_search"

    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    # Copies of the tender's, kept by triggers (migration 0025): on PostgreSQL a search's
    # open tenders in deadline order are walked on ix_tender_search_listing. Never written here.
    status: Mapped[str | None] = mapped_column(String(20))
    submission_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_tender_search_listing", "status", "submission_deadline_at", "tender_id"),)
