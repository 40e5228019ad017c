"""What the firm is shown before it seals its bid: its draft, decrypted in memory.

The review page is built from the encrypted draft on each request and sent to the firm's
browser only (``Cache-Control: no-store``); nothing readable is written on the server.
Knows no Flask.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field

from safkat.bids import crypto
from safkat.bids.models import Bid
from safkat.bids.services import draft_fingerprint
from safkat.keys import PlatformKeys
from safkat.storage import FileStore
from safkat.tenders.models import Lot


@dataclass
class LotOffer:
    lot: Lot
    excl_vat: int | None  # centimes; None when no amount was given
    vat: int

    @property
    def total(self) -> int:
        return (self.excl_vat or 0) + self.vat


@dataclass
class ReviewedDocument:
    kind: str
    name: str
    size: int
    sha256: str  # of the file as the firm has it, so it can check its own copy
    damaged: bool = False  # its ciphertext does not decrypt: the firm removes it, attaches it again


@dataclass
class DraftReview:
    lots: list[LotOffer]
    statement: str
    documents: list[ReviewedDocument]
    fingerprint: str
    totals: dict[str, int] = field(default_factory=dict)  # excl_vat, vat, total
    offer_damaged: bool = False  # the saved amounts and statement do not decrypt


class _Digest:
    """A write-only sink that keeps only the size and SHA-256 of what it is given."""

    def __init__(self):
        self.size, self.sha256 = 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.size += len(data)
        self.sha256.update(data)


def review(draft: Bid, store: FileStore, keys: PlatformKeys) -> DraftReview:
    offer, documents, offer_damaged = {}, [], False
    for envelope in draft.envelopes:
        if envelope.is_offer_data:
            plain = io.BytesIO()
            try:
                _decrypt(envelope, store, keys, plain)
                offer = json.loads(plain.getvalue())
            except crypto.SealError:
                offer_damaged = True
        else:
            documents.append(_document(envelope, store, keys))
    amounts = offer.get("amounts", {})
    lots = []
    for lot in draft.lots:
        amount = amounts.get(str(lot.number))
        lots.append(LotOffer(lot, amount["excl_vat"] if amount else None, amount["vat"] if amount else 0))
    return DraftReview(
        lots=lots,
        statement=offer.get("statement", ""),
        documents=documents,
        fingerprint=draft_fingerprint(draft),
        totals={
            "excl_vat": sum(offer.excl_vat or 0 for offer in lots),
            "vat": sum(offer.vat for offer in lots),
            "total": sum(offer.total for offer in lots),
        },
        offer_damaged=offer_damaged,
    )


def _document(envelope, store: FileStore, keys: PlatformKeys) -> ReviewedDocument:
    """A document's name, size and digest, decrypted as a stream that is only hashed."""
    sink = _Digest()
    try:
        metadata = _decrypt(envelope, store, keys, sink)
    except crypto.SealError:
        return ReviewedDocument(envelope.kind, "", 0, "", damaged=True)
    return ReviewedDocument(envelope.kind, metadata.get("name", ""), sink.size, sink.sha256.hexdigest())


def _decrypt(envelope, store: FileStore, keys: PlatformKeys, out) -> dict:
    data_key = crypto.unwrap_draft_key(keys.kek, envelope.draft_key)
    with store.open(envelope.storage_key) as handle:
        return crypto.decrypt_envelope(handle, out, data_key)
