"""Tender operations: drafting, publication, amendments, questions, cancellation.

Every function takes the session, the actor, its inputs and ``now``; none knows Flask.
Operations that bidders must hear about return the users to notify; the caller (a view)
composes the messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import BinaryIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from safkat import audit
from safkat.accounts.models import ContractingAuthority, EnterpriseStatus, Sector, User
from safkat.errors import N_, DomainError, PermissionDenied
from safkat.filenames import clean_file_name
from safkat.opendata import ocds
from safkat.statemachine import StateMachine
from safkat.storage import FileStore
from safkat.tenders import search
from safkat.tenders.models import (
    Amendment,
    AmendmentKind,
    AwardMethod,
    DocumentDownload,
    Lot,
    Question,
    TechnicalCriterion,
    Tender,
    TenderDocument,
    TenderSequence,
    TenderStatus,
    TenderWilaya,
)
from safkat.wilayas import WILAYAS_BY_CODE

TENDER_LIFECYCLE = StateMachine(
    "tender",
    {
        (TenderStatus.DRAFT, "edit"): TenderStatus.DRAFT,
        (TenderStatus.DRAFT, "publish"): TenderStatus.PUBLISHED,
        (TenderStatus.DRAFT, "delete"): TenderStatus.DELETED,
        (TenderStatus.PUBLISHED, "amend"): TenderStatus.PUBLISHED,
        (TenderStatus.PUBLISHED, "cancel"): TenderStatus.CANCELLED,
        (TenderStatus.OPENED, "cancel"): TenderStatus.CANCELLED,
        (TenderStatus.EVALUATION, "cancel"): TenderStatus.CANCELLED,
        (TenderStatus.PROVISIONAL_AWARD, "cancel"): TenderStatus.CANCELLED,
    },
)
TENDER_DOCUMENT_TYPES = {"application/pdf", "application/zip", "application/x-ole-storage", "image/jpeg", "image/png"}
MAX_QUESTION_LENGTH = 4000


@dataclass
class LotData:
    title_fr: str
    title_ar: str | None = None
    description: str = ""
    estimated_amount: int | None = None  # centimes
    is_reserved: bool = False


@dataclass
class TenderData:
    """What an officer fills in for a draft."""

    title_fr: str
    category: str
    procedure: str
    title_ar: str | None = None
    description_fr: str = ""
    description_ar: str | None = None
    wilaya_codes: list[str] = field(default_factory=list)
    sector_ids: list[int] = field(default_factory=list)
    estimated_budget: int | None = None  # centimes
    is_budget_public: bool = False
    enquiry_deadline_at: datetime | None = None
    submission_deadline_at: datetime | None = None
    opening_at: datetime | None = None
    opening_place: str = ""
    opening_place_ar: str | None = None
    bid_validity_days: int = 90
    execution_days: int | None = None
    award_method: str = AwardMethod.LOWEST_PRICE
    technical_weight: int = 0
    financial_weight: int = 100
    criteria: list[tuple[str, int]] = field(default_factory=list)
    criteria_ar: list[str] = field(default_factory=list)  # labels, in the order of ``criteria``
    national_preference: bool = False
    requires_technical_offer: bool = True
    required_documents: str = ""
    required_documents_ar: str | None = None


@dataclass
class NewDocument:
    title: str
    filename: str
    stream: BinaryIO


# --- reading --------------------------------------------------------------------------


def public_status(tender: Tender, now: datetime) -> str:
    """The state the public sees: ``open`` and ``closed`` are computed from the clock."""
    if tender.status == TenderStatus.PUBLISHED:
        return "open" if tender.submission_deadline_at > now else "closed"
    return tender.status


def is_public(tender: Tender) -> bool:
    return tender.status not in (TenderStatus.DRAFT, TenderStatus.DELETED)


def is_open_for_questions(tender: Tender, now: datetime) -> bool:
    return tender.status == TenderStatus.PUBLISHED and tender.enquiry_deadline_at > now


def reference_from_url(url_reference: str) -> str:
    """``AT-ORN-2026-0042`` → ``AT-ORN/2026/0042``; a reference as typed is kept."""
    head, _, sequence = url_reference.rpartition("-")
    code, _, year = head.rpartition("-")
    return f"{code}/{year}/{sequence}" if code and year else url_reference


def find_by_reference(session: Session, url_reference: str) -> Tender | None:
    """A public tender (never a draft) from its URL form (``AT-ORN-2026-0042``) or its reference."""
    tender = session.scalar(select(Tender).where(Tender.reference == reference_from_url(url_reference)))
    return tender if tender is not None and is_public(tender) else None


def last_modified(tender: Tender, now: datetime) -> datetime:
    """A tender changes when it is edited, and when its deadline passes (open → closed)."""
    deadline = tender.submission_deadline_at
    if tender.status == TenderStatus.PUBLISHED and deadline and deadline <= now:
        return max(tender.changed_at, deadline)
    return tender.changed_at


def lock_tender(session: Session, tender_id: int) -> Tender:
    """Reload the tender under a row lock (PostgreSQL ``FOR UPDATE``).

    Deadline extensions, bid submissions and the opening take this same lock, so a bid
    and an extension (or an opening) are never decided on a stale deadline.
    """
    tender = session.scalar(
        select(Tender).where(Tender.id == tender_id).with_for_update().execution_options(populate_existing=True)
    )
    if tender is None:
        raise DomainError(N_("This call for tender no longer exists."))
    return tender


def _log(session: Session, actor: User, tender_id: int, action: str, now: datetime, **details: object) -> None:
    audit.record(
        session, actor=actor, action=f"tender.{action}", object_type="tender", object_id=tender_id, now=now, **details
    )


# --- drafting -------------------------------------------------------------------------


def create_draft(
    session: Session, authority: ContractingAuthority, actor: User, data: TenderData, now: datetime
) -> Tender:
    tender = Tender(
        authority=authority, status=TenderStatus.DRAFT, created_at=now, created_by_id=actor.id, changed_at=now
    )
    _apply(session, tender, data)
    session.add(tender)
    session.flush()
    _log(session, actor, tender.id, "draft_created", now)
    return tender


def update_draft(session: Session, tender: Tender, actor: User, data: TenderData, now: datetime) -> None:
    TENDER_LIFECYCLE.next_state(tender.status, "edit")
    _apply(session, tender, data)
    tender.changed_at = now
    session.flush()
    _log(session, actor, tender.id, "draft_updated", now)


def _apply(session: Session, tender: Tender, data: TenderData) -> None:
    if not data.title_fr.strip():
        raise DomainError(N_("Give the title in French."))
    unknown = [code for code in data.wilaya_codes if code not in WILAYAS_BY_CODE]
    if unknown:
        raise DomainError(N_("Unknown wilaya."))
    if data.award_method == AwardMethod.WEIGHTED and data.technical_weight + data.financial_weight != 100:
        raise DomainError(N_("The technical and financial weights must add up to 100."))
    if data.estimated_budget is not None and data.estimated_budget < 0:
        raise DomainError(N_("The estimated budget cannot be negative."))
    for name in (
        "title_fr",
        "title_ar",
        "description_fr",
        "description_ar",
        "category",
        "procedure",
        "estimated_budget",
        "is_budget_public",
        "enquiry_deadline_at",
        "submission_deadline_at",
        "opening_at",
        "opening_place",
        "bid_validity_days",
        "execution_days",
        "award_method",
        "national_preference",
        "requires_technical_offer",
        "required_documents",
    ):
        setattr(tender, name, getattr(data, name))
    if data.award_method == AwardMethod.WEIGHTED:
        tender.technical_weight, tender.financial_weight = data.technical_weight, data.financial_weight
    else:
        tender.technical_weight, tender.financial_weight = 0, 100
    for name in ("title_ar", "description_ar", "opening_place_ar", "required_documents_ar"):
        setattr(tender, name, _optional(getattr(data, name)))
    tender.sectors = list(session.scalars(select(Sector).where(Sector.id.in_(data.sector_ids))))
    current = set(tender.wilaya_codes)
    wanted = list(dict.fromkeys(data.wilaya_codes))
    tender.wilaya_rows = [row for row in tender.wilaya_rows if row.wilaya_code in wanted] + [
        TenderWilaya(wilaya_code=code) for code in wanted if code not in current
    ]
    tender.criteria.clear()
    session.flush()
    if data.award_method == AwardMethod.WEIGHTED:
        if data.criteria_ar and len(data.criteria_ar) != len(data.criteria):
            raise DomainError(
                N_("Give one Arabic label per French criterion (%(n)s), in the same order."), n=len(data.criteria)
            )
        labels_ar = data.criteria_ar or [None] * len(data.criteria)
        for position, ((label, points), label_ar) in enumerate(zip(data.criteria, labels_ar, strict=True), start=1):
            if points <= 0:
                raise DomainError(N_("Each technical criterion needs a positive number of points."))
            tender.criteria.append(
                TechnicalCriterion(
                    position=position, label=label.strip(), label_ar=_optional(label_ar), max_points=points
                )
            )


def _optional(text: str | None) -> str | None:
    """An optional version of a text: stripped, and None rather than empty."""
    return (text or "").strip() or None


def save_lot(
    session: Session, tender: Tender, actor: User, data: LotData, now: datetime, lot: Lot | None = None
) -> Lot:
    """Add a lot to a draft, or change one of its lots."""
    TENDER_LIFECYCLE.next_state(tender.status, "edit")
    if not data.title_fr.strip():
        raise DomainError(N_("Give the lot's title in French."))
    if data.estimated_amount is not None and data.estimated_amount < 0:
        raise DomainError(N_("The estimated amount cannot be negative."))
    if lot is None:
        lot = Lot(number=max((existing.number for existing in tender.lots), default=0) + 1)
        tender.lots.append(lot)
    lot.title_fr = data.title_fr.strip()
    lot.title_ar = _optional(data.title_ar)
    lot.description = data.description
    lot.estimated_amount = data.estimated_amount
    lot.is_reserved = data.is_reserved
    tender.has_reserved_lot = any(existing.is_reserved for existing in tender.lots)
    tender.changed_at = now
    session.flush()
    _log(session, actor, tender.id, "lot_saved", now, lot=lot.number)
    return lot


def remove_lot(session: Session, tender: Tender, actor: User, lot: Lot, now: datetime) -> None:
    TENDER_LIFECYCLE.next_state(tender.status, "edit")
    number = lot.number
    tender.lots.remove(lot)
    session.flush()
    for position, remaining in enumerate(tender.lots, start=1):
        remaining.number = position
    tender.has_reserved_lot = any(existing.is_reserved for existing in tender.lots)
    session.flush()
    _log(session, actor, tender.id, "lot_removed", now, lot=number)


def _store_documents(
    session, tender, documents: Iterable[NewDocument], store: FileStore, max_bytes: int, now, amendment=None
) -> list[TenderDocument]:
    saved: list[TenderDocument] = []
    try:
        for document in documents:
            if not document.title.strip():
                raise DomainError(N_("Give each document a title."))
            stored = store.save(document.stream, max_bytes=max_bytes, allowed_types=TENDER_DOCUMENT_TYPES)
            saved.append(
                TenderDocument(
                    title=document.title.strip()[:200],
                    original_name=clean_file_name(document.filename),
                    content_type=stored.content_type,
                    size_bytes=stored.size_bytes,
                    sha256=stored.sha256,
                    storage_key=stored.storage_key,
                    uploaded_at=now,
                    download_count=0,
                    amendment_id=amendment.id if amendment is not None else None,
                )
            )
    except Exception:
        for row in saved:  # the transaction rolls back: leave no orphan file
            store.delete(row.storage_key)
        raise
    tender.documents.extend(saved)
    session.flush()
    return saved


def add_draft_documents(
    session: Session,
    tender: Tender,
    actor: User,
    documents: list[NewDocument],
    store: FileStore,
    max_bytes: int,
    now: datetime,
) -> list[TenderDocument]:
    TENDER_LIFECYCLE.next_state(tender.status, "edit")
    saved = _store_documents(session, tender, documents, store, max_bytes, now)
    _log(session, actor, tender.id, "documents_added", now, digests=[row.sha256 for row in saved])
    return saved


def remove_draft_document(
    session: Session, tender: Tender, actor: User, document: TenderDocument, now: datetime
) -> None:
    TENDER_LIFECYCLE.next_state(tender.status, "edit")
    tender.documents.remove(document)
    session.delete(document)
    session.flush()
    _log(session, actor, tender.id, "document_removed", now, sha256=document.sha256)


def delete_draft(session: Session, tender: Tender, actor: User, now: datetime) -> None:
    tender.status = TENDER_LIFECYCLE.next_state(tender.status, "delete")
    session.flush()
    _log(session, actor, tender.id, "deleted", now)


# --- publication ----------------------------------------------------------------------


def publication_problems(tender: Tender, now: datetime, min_days: int) -> list[str]:
    """What keeps a draft from being published (untranslated messages); empty when ready."""
    problems = []
    if not tender.description_fr.strip():
        problems.append(N_("Write the description in French."))
    if not tender.wilaya_codes:
        problems.append(N_("Choose at least one wilaya of execution."))
    if not tender.lots:
        problems.append(N_("Add at least one lot."))
    if not tender.current_documents:
        problems.append(N_("Attach the tender documents (at least the specifications)."))
    enquiry, submission, opening = tender.enquiry_deadline_at, tender.submission_deadline_at, tender.opening_at
    if submission is None or enquiry is None or opening is None:
        problems.append(N_("Set the enquiry deadline, the submission deadline and the opening date."))
    else:
        if submission < now + timedelta(days=min_days):
            problems.append(N_("The submission deadline must leave bidders at least the legal minimum of days."))
        if not now < enquiry < submission:
            problems.append(N_("The enquiry deadline must be in the future and before the submission deadline."))
        if opening < submission:
            problems.append(N_("The opening cannot come before the submission deadline."))
    if tender.award_method == AwardMethod.WEIGHTED and not tender.criteria:
        problems.append(N_("A weighted award needs its technical criteria."))
    if not tender.opening_place.strip():
        problems.append(N_("Say where the bids will be opened."))
    from safkat.commission.services import commission_problem

    if problem := commission_problem(tender):
        problems.append(problem)
    return problems


def publish(session: Session, tender: Tender, actor: User, now: datetime, min_days: int, kek: bytes) -> None:
    """Check completeness, give the tender its reference and its sealing key pair, and make it public."""
    next_status = TENDER_LIFECYCLE.next_state(tender.status, "publish")
    problems = publication_problems(tender, now, min_days)
    if problems:
        raise DomainError(problems[0], **getattr(problems[0], "params", {}))
    tender.reference = _next_reference(session, tender.authority, now.year)
    _create_sealing_key(session, tender, kek, now)
    tender.status = next_status
    tender.published_at = now
    tender.changed_at = now
    session.flush()
    search.index_tender(session, tender)
    _log(session, actor, tender.id, "published", now, reference=tender.reference)
    ocds.record_release(session, tender, ["tender"], now)


def _create_sealing_key(session: Session, tender: Tender, kek: bytes, now: datetime) -> None:
    """The tender's key pair, held jointly by the platform (after the deadline) and its commission."""
    from safkat.commission.keys import protect_tender_key

    protect_tender_key(session, tender, kek, now)


def _next_reference(session: Session, authority: ContractingAuthority, year: int) -> str:
    """``<CODE>/<YEAR>/<SEQ>``; the sequence row is locked while updated, so never reused."""
    sequence = session.execute(
        update(TenderSequence)
        .where(TenderSequence.authority_id == authority.id, TenderSequence.year == year)
        .values(last_value=TenderSequence.last_value + 1)
        .returning(TenderSequence.last_value)
    ).scalar()
    if sequence is None:
        session.add(TenderSequence(authority_id=authority.id, year=year, last_value=1))
        session.flush()
        sequence = 1
    return f"{authority.code}/{year}/{sequence:04d}"


# --- after publication ----------------------------------------------------------------


def amend(
    session: Session,
    tender: Tender,
    actor: User,
    *,
    reason: str,
    now: datetime,
    reason_ar: str | None = None,
    new_deadline: datetime | None = None,
    new_enquiry_deadline: datetime | None = None,
    documents: list[NewDocument] | None = None,
    replaces: dict[int, int] | None = None,
    store: FileStore | None = None,
    max_bytes: int = 0,
) -> Amendment:
    """Publish an amendment: a clarification, new or replaced documents, or a later deadline.

    ``replaces`` maps the index of a new document to the id of the document it replaces.
    Deadlines may only move later, and only while the tender is still open.
    """
    tender = lock_tender(session, tender.id)
    TENDER_LIFECYCLE.next_state(tender.status, "amend")
    if tender.submission_deadline_at <= now:
        raise DomainError(N_("The submission deadline has passed: the tender can no longer be amended."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(N_("Give the reason of the amendment: bidders will read it."))
    kind = AmendmentKind.CLARIFICATION
    old_deadline = tender.submission_deadline_at
    if new_deadline is not None:
        if new_deadline <= old_deadline:
            raise DomainError(N_("A deadline can only be extended, never shortened."))
        new_enquiry = new_enquiry_deadline or tender.enquiry_deadline_at
        if new_enquiry < tender.enquiry_deadline_at:
            raise DomainError(N_("A deadline can only be extended, never shortened."))
        if new_enquiry >= new_deadline:
            raise DomainError(N_("The enquiry deadline must be in the future and before the submission deadline."))
        shift = new_deadline - old_deadline
        tender.submission_deadline_at = new_deadline
        tender.enquiry_deadline_at = new_enquiry
        tender.opening_at = max(tender.opening_at + shift, new_deadline)
        kind = AmendmentKind.DEADLINE_EXTENSION
    elif documents:
        kind = AmendmentKind.DOCUMENTS
    amendment = Amendment(
        tender=tender,
        number=len(tender.amendments) + 1,
        kind=kind,
        reason=reason,
        reason_ar=_optional(reason_ar),
        created_at=now,
        created_by_id=actor.id,
        old_deadline_at=old_deadline if new_deadline else None,
        new_deadline_at=new_deadline,
    )
    session.add(amendment)
    session.flush()
    if documents:
        saved = _store_documents(session, tender, documents, store, max_bytes, now, amendment=amendment)
        current = {document.id: document for document in tender.current_documents}
        for index, old_id in (replaces or {}).items():
            if old_id not in current or index >= len(saved):
                raise DomainError(N_("The document to replace is not part of this tender."))
            current[old_id].replaced_by_id = saved[index].id
    tender.changed_at = now
    session.flush()
    search.index_tender(session, tender)
    _log(
        session,
        actor,
        tender.id,
        "amended",
        now,
        amendment=amendment.number,
        kind=kind,
        new_deadline=new_deadline.isoformat() if new_deadline else None,
    )
    ocds.record_release(session, tender, ["tenderAmendment"], now)
    return amendment


def cancel(
    session: Session, tender: Tender, actor: User, reason: str, now: datetime, reason_ar: str | None = None
) -> None:
    tender = lock_tender(session, tender.id)
    next_status = TENDER_LIFECYCLE.next_state(tender.status, "cancel")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(N_("Give the public reason of the cancellation."))
    tender.status = next_status
    tender.cancel_reason = reason
    tender.cancel_reason_ar = _optional(reason_ar)
    tender.cancelled_at = now
    tender.changed_at = now
    session.flush()
    _log(session, actor, tender.id, "cancelled", now, reason=reason)
    ocds.record_release(session, tender, ["tenderCancellation"], now)


def ask_question(session: Session, tender: Tender, actor: User, text: str, now: datetime) -> Question:
    if actor.enterprise is None or actor.enterprise.status == EnterpriseStatus.SUSPENDED:
        raise PermissionDenied(N_("Only registered enterprises can ask questions."))
    if not is_open_for_questions(tender, now):
        raise DomainError(N_("The enquiry deadline has passed: questions are closed."))
    text = (text or "").strip()
    if not text:
        raise DomainError(N_("Write your question."))
    if len(text) > MAX_QUESTION_LENGTH:
        raise DomainError(N_("The question is too long (at most %(n)s characters)."), n=MAX_QUESTION_LENGTH)
    question = Question(tender=tender, asked_by_id=actor.id, text=text, asked_at=now)
    session.add(question)
    session.flush()
    _log(session, actor, tender.id, "question_asked", now, question=question.id)
    return question


def answer_question(
    session: Session, question: Question, actor: User, answer: str, now: datetime, answer_ar: str | None = None
) -> None:
    """Publish the answer on the tender page (the asker stays anonymous)."""
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(N_("Write the answer."))
    if question.tender.status not in (TenderStatus.PUBLISHED,):
        raise DomainError(N_("This call for tender no longer takes answers."))
    question.answer = answer
    question.answer_ar = _optional(answer_ar)
    question.answered_at = now
    question.answered_by_id = actor.id
    question.tender.changed_at = now
    session.flush()
    _log(session, actor, question.tender_id, "question_answered", now, question=question.id)


def record_download(session: Session, document: TenderDocument, user: User | None, now: datetime) -> None:
    """Count a download; remember logged-in bidders so they hear of amendments."""
    session.execute(
        update(TenderDocument)
        .where(TenderDocument.id == document.id)
        .values(download_count=TenderDocument.download_count + 1)
    )
    if user is not None and getattr(user, "is_bidder", False):
        seen = session.scalar(
            select(DocumentDownload.id).where(
                DocumentDownload.document_id == document.id, DocumentDownload.user_id == user.id
            )
        )
        if seen is None:
            session.add(
                DocumentDownload(document_id=document.id, tender_id=document.tender_id, user_id=user.id, first_at=now)
            )
    session.flush()
