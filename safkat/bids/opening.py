"""The opening: the only code that unwraps a tender's private key.

``open_bids`` refuses before the deadline, takes the tender's row lock (so two workers
never open twice), is idempotent, checks every bid against its receipt digest, decrypts
what is intact and records the rest as tampered, then publishes the minutes.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from safkat import audit
from safkat.bids import crypto
from safkat.bids.models import Bid, BidStatus, Envelope, OpenedBid, OpenedDocument, Opening, TenderKey
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
        tender_key = session.get(TenderKey, tender.id)
        private_key = crypto.unwrap_tender_private_key(keys.kek, tender_key.wrapped_private_key)
        for bid in active:  # threads measured slower (GIL hand-offs at every 64 KB chunk)
            opening.rows.append(_open_one(bid, private_key, store))
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


def _open_one(bid: Bid, private_key, store: FileStore) -> OpenedBid:
    row = OpenedBid(bid_id=bid.id, digest=bid.digest, is_intact=True, amounts="{}", statement="")
    counts: dict[str, int] = {}
    written: list[OpenedDocument] = []
    try:
        recomputed = crypto.bid_digest([(e.kind, e.ciphertext_sha256) for e in bid.envelopes])
        if recomputed != bid.digest:
            raise crypto.SealError(N_("The envelopes do not match the receipt's digest."))
        for envelope in bid.envelopes:
            data_key = crypto.open_data_key(private_key, envelope.sealed_key)
            if envelope.is_offer_data:
                plain = io.BytesIO()
                with store.open(envelope.storage_key) as handle:
                    _decrypt_checked(_HashingReader(handle), plain, data_key, envelope)
                offer = json.loads(plain.getvalue())
                row.amounts = json.dumps(offer["amounts"], sort_keys=True)
                row.statement = offer.get("statement", "")
                continue
            written.append(_decrypt_document(store, envelope, data_key))
            counts[envelope.kind] = counts.get(envelope.kind, 0) + 1
    except crypto.SealError as error:
        for document in written:
            store.delete(document.storage_key)
        written = []
        row.is_intact, row.problem, row.amounts, row.statement = False, error.message, "{}", ""
    row.envelopes = json.dumps(counts, sort_keys=True)
    row.documents = written
    return row


class _HashingReader:
    """Hashes the sealed file as it is decrypted, so that it is read from disk only once."""

    def __init__(self, source):
        self.source, self.sha256 = source, hashlib.sha256()

    def read(self, size: int) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        return data


def _decrypt_checked(source: _HashingReader, out, data_key: bytes, envelope: Envelope) -> dict:
    """Decrypt, then check the whole file against the digest its receipt covers."""
    metadata = crypto.decrypt_envelope(source, out, data_key)
    if source.sha256.hexdigest() != envelope.ciphertext_sha256:
        raise crypto.SealError(N_("A sealed envelope was altered on disk."))
    return metadata


class _Hashing:
    def __init__(self, out):
        self.out, self.size, self.sha256 = out, 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.sha256.update(data)
        self.size += len(data)


def _decrypt_document(store: FileStore, envelope: Envelope, data_key: bytes) -> OpenedDocument:
    with store.writer(durable=False) as (out, storage_key), store.open(envelope.storage_key) as source:
        sink = _Hashing(out)
        metadata = _decrypt_checked(_HashingReader(source), sink, data_key, envelope)
    return OpenedDocument(
        kind=envelope.kind,
        original_name=metadata.get("name", "document")[-255:],
        content_type=metadata.get("type", "application/octet-stream"),
        size_bytes=sink.size,
        sha256=sink.sha256.hexdigest(),
        storage_key=storage_key,
    )


def open_due(session: Session, keys: PlatformKeys, store: FileStore, now: datetime) -> list[Opening]:
    """Open every tender whose deadline has passed (for cron: ``safkat open-due``)."""
    due = session.scalars(
        select(Tender)
        .where(Tender.status == TenderStatus.PUBLISHED, Tender.submission_deadline_at <= now)
        .order_by(Tender.id)
    ).all()
    return [open_bids(session, tender, None, keys, store, now) for tender in due]
