"""The opening: the only code that recovers a tender's private key
(:func:`safkat.commission.keys.tender_private_key`: the platform's part and the commission's
kept shares, or the KEK alone for a tender published before issue 14).

``open_bids`` refuses before the deadline, takes the tender's row lock (so two workers
never open twice), is idempotent, checks every bid against its receipt digest, decrypts
what is intact and records the rest as tampered (:mod:`safkat.bids.unsealing`, in worker
processes for a large opening), then publishes the minutes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from safkat import audit
from safkat.bids import unsealing
from safkat.bids.models import Bid, BidStatus, OpenedBid, OpenedDocument, Opening
from safkat.commission.keys import tender_private_key
from safkat.errors import N_, DomainError
from safkat.faults import checkpoint
from safkat.keys import PlatformKeys
from safkat.opendata import ocds
from safkat.storage import FileStore
from safkat.tenders.models import Tender, TenderStatus
from safkat.tenders.services import lock_tender


def is_due(tender: Tender, now: datetime) -> bool:
    return tender.status == TenderStatus.PUBLISHED and tender.submission_deadline_at <= now


def open_bids(
    session: Session, tender: Tender, actor, keys: PlatformKeys, store: FileStore, now: datetime, commission: str = ""
) -> Opening:
    """Open the tender's bids once; later calls return the same opening."""
    tender = lock_tender(session, tender.id)
    existing = session.get(Opening, tender.id)
    if existing is not None:
        return existing
    if tender.status != TenderStatus.PUBLISHED:
        raise DomainError(N_("This call for tender has no bids to open."))
    if now < tender.submission_deadline_at:
        raise DomainError(N_("The bids stay sealed until the submission deadline."))
    bids = list(
        session.scalars(
            select(Bid)
            .where(Bid.tender_id == tender.id)
            .order_by(Bid.submitted_at, Bid.id)
            .options(selectinload(Bid.envelopes))
            .execution_options(populate_existing=True)  # under the lock, read what is committed now
        )
    )
    active = [bid for bid in bids if bid.status == BidStatus.SUBMITTED]
    private_key = tender_private_key(session, tender, keys.kek, now) if active else None
    opening = Opening(
        tender_id=tender.id,
        opened_at=now,
        opened_by_id=getattr(actor, "id", None),
        commission=commission.strip(),
        superseded_count=sum(bid.status == BidStatus.SUPERSEDED for bid in bids),
        withdrawn_count=sum(bid.status == BidStatus.WITHDRAWN for bid in bids),
    )
    session.add(opening)
    if active:
        by_id = {bid.id: bid for bid in active}
        for result in unsealing.unseal_all(unsealing.sealed_bids(active), private_key, store):
            opening.rows.append(_row(by_id[result.bid_id], result))
            checkpoint("opening.bid_opened")
        store.sync()  # the decrypted files are on disk before the rows naming them commit
    tender.status = TenderStatus.OPENED if active else TenderStatus.UNSUCCESSFUL
    tender.changed_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="tender.opened",
        object_type="tender",
        object_id=tender.id,
        now=now,
        bids=len(active),
        intact=sum(row.is_intact for row in opening.rows),
        unsuccessful=not active,
    )
    ocds.record_release(session, tender, ["tenderUpdate"], now)
    return opening


def _row(bid: Bid, result: unsealing.UnsealedBid) -> OpenedBid:
    return OpenedBid(
        bid=bid,
        digest=bid.digest,
        is_intact=result.problem is None,
        problem=result.problem,
        amounts=result.amounts,
        statement=result.statement,
        envelopes=result.envelopes,
        documents=[OpenedDocument(**vars(document)) for document in result.documents],
    )
