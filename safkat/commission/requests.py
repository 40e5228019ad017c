"""Missing documents: the commission asks a bidder to complete an administrative document.

Décret 15-247, as we read it, lets the commission ask in writing for missing or incomplete
administrative documents (never the offer itself) within a short delay. The documents
that may be asked for and the delay are settings (``COMPLETABLE_DOCUMENTS``,
``MISSING_DOCUMENT_DAYS``). A lot's decision waits while a request is open: neither
answered nor past its delay. Knows no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat import audit
from safkat.accounts.services import ENTERPRISE_DOCUMENT_TYPES
from safkat.bids.models import OpenedBid
from safkat.commission.models import DocumentRequest, SuppliedDocument
from safkat.errors import N_, DomainError
from safkat.storage import FileStore
from safkat.tenders.models import Tender, TenderStatus

OFFER_PARTS = ("financial_offer", "technical_offer", "offer")  # never completable, whatever the settings say


@dataclass(frozen=True)
class RequestRules:
    completable: tuple[str, ...]  # keys of the documents that may be asked for
    days: int = 10


def _log(session, actor, request: DocumentRequest, action: str, now: datetime, **details) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"commission.{action}",
        object_type="bid",
        object_id=request.bid_id,
        now=now,
        document=request.document,
        **details,
    )


def request_document(
    session: Session,
    tender: Tender,
    opened_bid: OpenedBid,
    actor,
    document: str,
    note: str,
    rules: RequestRules,
    now: datetime,
) -> DocumentRequest:
    """Ask the bidder of ``opened_bid`` for ``document``, due ``rules.days`` days from now."""
    if document in OFFER_PARTS or document not in rules.completable:
        raise DomainError(N_("Only a missing administrative document may be asked for, never the offer itself."))
    if tender.status not in (TenderStatus.OPENED, TenderStatus.EVALUATION):
        raise DomainError(N_("Documents are asked for during the evaluation, before the award is proposed."))
    if opened_bid.tender_id != tender.id:
        raise DomainError(N_("This bid is not part of this call for tender."))
    request = DocumentRequest(
        tender_id=tender.id,
        bid_id=opened_bid.bid_id,
        document=document,
        note=note.strip(),
        requested_by_id=actor.id,
        requested_at=now,
        due_at=now + timedelta(days=rules.days),
    )
    session.add(request)
    session.flush()
    _log(session, actor, request, "document_requested", now, member=actor.full_name, due_at=request.due_at.isoformat())
    return request


def supply_document(
    session: Session,
    request: DocumentRequest,
    actor,
    filename: str,
    stream: BinaryIO,
    store: FileStore,
    max_bytes: int,
    now: datetime,
) -> SuppliedDocument:
    """Store the bidder's answer (the same checks as an enterprise's documents)."""
    if now > request.due_at:
        raise DomainError(N_("The delay to supply this document has ended."))
    stored = store.save(stream, max_bytes=max_bytes, allowed_types=ENTERPRISE_DOCUMENT_TYPES)
    supplied = SuppliedDocument(
        request=request,
        original_name=(filename or "document")[-255:],
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        storage_key=stored.storage_key,
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    session.add(supplied)
    session.flush()
    _log(session, actor, request, "document_supplied", now, sha256=stored.sha256, size=stored.size_bytes)
    return supplied


def requests_of(session: Session, tender_id: int, bid_ids=None) -> list[DocumentRequest]:
    query = select(DocumentRequest).where(DocumentRequest.tender_id == tender_id)
    if bid_ids is not None:
        query = query.where(DocumentRequest.bid_id.in_(list(bid_ids)))
    return list(session.scalars(query.order_by(DocumentRequest.requested_at, DocumentRequest.id)))


def is_open(request: DocumentRequest, now: datetime) -> bool:
    """Neither answered nor past its delay: the lot's decision waits."""
    return not request.supplied and now <= request.due_at


def refuse_decision_while_waiting(session: Session, tender_id: int, bid_ids, now: datetime) -> None:
    """Raise while a document asked of one of these bids may still arrive."""
    waiting = [request for request in requests_of(session, tender_id, bid_ids) if is_open(request, now)]
    if waiting:
        raise DomainError(
            N_("A bidder has until %(when)s to supply a missing document: the decision waits until then."),
            when=max(request.due_at for request in waiting).strftime("%Y-%m-%d %H:%M UTC"),
        )
