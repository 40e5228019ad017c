"""Bid operations: drafts, sealed submission, replacement, withdrawal, receipts.

Services know no Flask. A bid is accepted only if its transaction commits before the
deadline: the deadline is checked under the tender's row lock (the lock that extensions
and the opening take too), and checked again by a guard just before COMMIT.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat import audit
from safkat.accounts.models import EnterpriseStatus, User
from safkat.bids import crypto
from safkat.bids.models import Bid, BidStatus, Envelope, EnvelopeKind, Receipt, TenderKey
from safkat.bids.receipts import sign_receipt
from safkat.db import add_commit_guard, on_commit, on_rollback
from safkat.errors import N_, DomainError, PermissionDenied
from safkat.faults import checkpoint
from safkat.filenames import clean_file_name
from safkat.keys import PlatformKeys
from safkat.statemachine import StateMachine
from safkat.storage import FileStore, UploadRejected, sniff_content_type
from safkat.tenders.models import Tender, TenderStatus
from safkat.tenders.services import lock_tender
from safkat.zipcheck import check_archives

BID_LIFECYCLE = StateMachine(
    "bid",
    {
        (BidStatus.DRAFT, "save"): BidStatus.DRAFT,
        (BidStatus.DRAFT, "submit"): BidStatus.SUBMITTED,
        (BidStatus.DRAFT, "discard"): BidStatus.DISCARDED,
        (BidStatus.SUBMITTED, "supersede"): BidStatus.SUPERSEDED,
        (BidStatus.SUBMITTED, "withdraw"): BidStatus.WITHDRAWN,
    },
)
BID_DOCUMENT_TYPES = {"application/pdf", "application/zip", "application/x-ole-storage", "image/jpeg", "image/png"}
MAX_AMOUNT_CENTIMES = 10**15  # ten thousand billion DZD: anything above is a typing error


@dataclass
class NewBidDocument:
    kind: str  # an EnvelopeKind
    filename: str
    stream: BinaryIO


@dataclass
class BidInput:
    """What a firm sends: lots, amounts per lot (centimes), statement, documents."""

    lot_ids: list[int]
    amounts: dict[int, tuple[int, int]] = field(default_factory=dict)  # lot id → (excl. VAT, VAT)
    statement: str = ""
    documents: list[NewBidDocument] = field(default_factory=list)
    removed_envelope_ids: list[int] = field(default_factory=list)


@dataclass
class RefusedDocument:
    """A file the firm chose that was not accepted, and why; the other files are kept."""

    filename: str
    error: UploadRejected


# --- who may bid --------------------------------------------------------------------------


def check_can_bid(tender: Tender, actor: User, lot_ids: list[int] | None, now: datetime) -> None:
    """Raise unless ``actor``'s enterprise may bid on these lots of ``tender`` now."""
    enterprise = actor.enterprise
    if enterprise is None:
        raise PermissionDenied(N_("Only members of a registered enterprise can bid."))
    if enterprise.status != EnterpriseStatus.VERIFIED:
        raise PermissionDenied(N_("Your enterprise must be verified before it can bid."))
    if tender.status != TenderStatus.PUBLISHED:
        raise DomainError(N_("This call for tender does not take bids."))
    if now >= tender.submission_deadline_at:
        raise DomainError(N_("The submission deadline has passed: the bid was not accepted."))
    lots = {lot.id: lot for lot in tender.lots}
    for lot_id in lot_ids or []:
        if lot_id not in lots:
            raise DomainError(N_("This lot is not part of the call for tender."))
        if lots[lot_id].is_reserved and not enterprise.is_micro_enterprise:
            raise PermissionDenied(N_("Lot %(n)s is reserved to micro-enterprises."), n=lots[lot_id].number)


def active_bid(session: Session, tender: Tender, enterprise_id: int) -> Bid | None:
    return session.scalar(
        select(Bid).where(
            Bid.tender_id == tender.id, Bid.enterprise_id == enterprise_id, Bid.status == BidStatus.SUBMITTED
        )
    )


def draft_bid(session: Session, tender: Tender, enterprise_id: int, lock: bool = False) -> Bid | None:
    """The firm's draft; ``lock`` takes its row lock (PostgreSQL), so that saving a draft
    and sealing the draft just reviewed never interleave."""
    query = select(Bid).where(
        Bid.tender_id == tender.id, Bid.enterprise_id == enterprise_id, Bid.status == BidStatus.DRAFT
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def count_bids(session: Session, tender: Tender) -> int:
    """The only figure officers see before the opening."""
    from sqlalchemy import func

    return (
        session.scalar(select(func.count()).where(Bid.tender_id == tender.id, Bid.status == BidStatus.SUBMITTED)) or 0
    )


# --- validation -------------------------------------------------------------------------


def _validate(tender: Tender, data: BidInput, kept: list[Envelope], *, complete: bool) -> None:
    has_something = data.lot_ids or data.statement.strip() or data.documents or data.removed_envelope_ids
    if (complete or not has_something) and not data.lot_ids:  # an empty form makes no draft
        raise DomainError(N_("Choose at least one lot."))
    for lot_id in data.lot_ids:
        if complete and lot_id not in data.amounts:
            raise DomainError(N_("Give the amount of every lot you bid on."))
    for excl_vat, vat in data.amounts.values():
        if excl_vat <= 0 or vat < 0 or excl_vat > MAX_AMOUNT_CENTIMES or vat > excl_vat:
            raise DomainError(N_("The amounts must be positive, and the VAT cannot exceed the amount before VAT."))
    if len(data.statement) > 20_000:
        raise DomainError(N_("The technical statement is too long (at most 20,000 characters)."))
    if not complete:
        return
    kinds = {e.kind for e in kept if not e.is_offer_data} | {d.kind for d in data.documents}
    if EnvelopeKind.APPLICATION not in kinds:
        raise DomainError(N_("The application file is missing: attach your administrative documents."))
    if tender.requires_technical_offer and not (data.statement.strip() or EnvelopeKind.TECHNICAL in kinds):
        raise DomainError(N_("The technical offer is missing: write the statement or attach its documents."))


# --- envelopes ------------------------------------------------------------------------------


def _seal(session: Session, store: FileStore, source: BinaryIO, metadata: dict, wrap) -> Envelope:
    """Encrypt ``source`` straight into the store; ``wrap(data_key)`` sets the key columns.

    The ciphertext is removed again if the transaction does not commit.
    """
    data_key = crypto.new_data_key()
    with store.writer() as (out, storage_key):
        size, digest, _plain = crypto.encrypt_envelope(source, out, data_key, metadata)
    on_rollback(session, lambda: store.delete(storage_key))
    envelope = Envelope(storage_key=storage_key, ciphertext_size=size, ciphertext_sha256=digest)
    wrap(envelope, data_key)
    return envelope


def _offer_data(data: BidInput, tender: Tender) -> bytes:
    numbers = {lot.id: lot.number for lot in tender.lots}
    return json.dumps(
        {
            "amounts": {
                str(numbers[lot_id]): {"excl_vat": excl, "vat": vat, "total": excl + vat}
                for lot_id, (excl, vat) in sorted(data.amounts.items())
                if lot_id in data.lot_ids
            },
            "statement": data.statement,
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()


def _new_envelopes(
    session: Session,
    tender: Tender,
    data: BidInput,
    store: FileStore,
    max_bytes: int,
    wrap,
    refused: list | None = None,
    from_draft: tuple[list[Envelope], bytes] = ([], b""),
) -> list[Envelope]:
    """Seal the offer data, the draft's documents ``from_draft`` (envelopes, KEK) under fresh
    keys, then each new document. A document that is not accepted raises, or, when
    ``refused`` is a list, is left out and noted there (the others are kept)."""
    envelopes = []
    try:
        offer = _seal(session, store, io.BytesIO(_offer_data(data, tender)), {"offer": True}, wrap)
        offer.kind, offer.is_offer_data = EnvelopeKind.FINANCIAL, True
        envelopes.append(offer)
        drafts, kek = from_draft
        for draft in drafts:
            envelopes.append(_reseal(session, store, draft, kek, wrap))
        for document in data.documents:
            try:
                envelopes.append(_seal_document(session, document, store, max_bytes, wrap))
            except UploadRejected as error:
                if refused is None:
                    raise
                refused.append(RefusedDocument(document.filename, error))
    except Exception:
        for envelope in envelopes:
            store.delete(envelope.storage_key)
        raise
    return envelopes


def _seal_document(session: Session, document: NewBidDocument, store: FileStore, max_bytes: int, wrap) -> Envelope:
    content_type = sniff_content_type(document.stream.read(64))
    if content_type not in BID_DOCUMENT_TYPES:
        raise UploadRejected(N_("This type of file is not accepted."))
    check_archives(document.stream, content_type)  # in memory or the request's spool: never stored in clear
    limited = _Limited(document.stream, max_bytes)  # the writer leaves no file if this refuses
    envelope = _seal(session, store, limited, {"name": clean_file_name(document.filename), "type": content_type}, wrap)
    envelope.kind, envelope.is_offer_data = document.kind, False
    return envelope


def _reseal(session: Session, store: FileStore, draft: Envelope, kek: bytes, wrap) -> Envelope:
    """A draft's envelope copied into a new file under a fresh data key, so that nothing
    kept of the draft (its wrapped key, its file, a backup of either) opens the copy.

    The copy is removed again if the transaction does not commit; the draft is untouched."""
    data_key = crypto.new_data_key()
    try:
        with store.open(draft.storage_key) as source, store.writer() as (out, storage_key):
            checkpoint("bid.resealing")
            size, digest = crypto.reencrypt_envelope(
                source, out, crypto.unwrap_draft_key(kek, draft.draft_key), data_key
            )
    except (crypto.SealError, FileNotFoundError):
        raise crypto.SealError(
            N_("A file of your draft is damaged and cannot be sealed: remove it and attach it again.")
        ) from None
    on_rollback(session, lambda: store.delete(storage_key))
    envelope = Envelope(
        kind=draft.kind,
        is_offer_data=False,
        storage_key=storage_key,
        ciphertext_size=size,
        ciphertext_sha256=digest,
    )
    wrap(envelope, data_key)
    return envelope


class _Limited:
    """A read-only stream that refuses to go past ``limit`` bytes."""

    def __init__(self, stream: BinaryIO, limit: int):
        self.stream, self.limit, self.read_so_far = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise UploadRejected(N_("The file is too large (at most %(limit)s MB)."), limit=self.limit // (1024 * 1024))
        return data


# --- drafts -----------------------------------------------------------------------------------


def save_draft(
    session: Session,
    tender: Tender,
    actor: User,
    data: BidInput,
    store: FileStore,
    keys: PlatformKeys,
    max_bytes: int,
    now: datetime,
    refused: list[RefusedDocument] | None = None,
) -> Bid:
    """Keep the firm's work, encrypted, to come back to (or to review); nothing is submitted.

    With a ``refused`` list, a file that is not accepted is noted there and the rest is
    saved, so the firm need not choose its other files again."""
    check_can_bid(tender, actor, data.lot_ids, now)
    bid = draft_bid(session, tender, actor.enterprise_id, lock=True)
    kept = _kept_documents(bid, data) if bid else []
    _validate(tender, data, kept, complete=False)

    def wrap(envelope, data_key):
        envelope.draft_key = crypto.wrap_draft_key(keys.kek, data_key)

    new = _new_envelopes(session, tender, data, store, max_bytes, wrap, refused)
    if bid is None:
        bid = Bid(
            tender=tender,
            enterprise_id=actor.enterprise_id,
            created_by_id=actor.id,
            status=BidStatus.DRAFT,
            created_at=now,
        )
        session.add(bid)
    else:
        BID_LIFECYCLE.next_state(bid.status, "save")
    _replace_envelopes(session, bid, kept, new, store)
    bid.lots = [lot for lot in tender.lots if lot.id in data.lot_ids]
    session.flush()
    audit.record(session, actor=actor, action="bid.draft_saved", object_type="bid", object_id=bid.id, now=now)
    return bid


def check_complete(tender: Tender, draft: Bid, data: BidInput) -> None:
    """Raise unless ``draft``, just saved from ``data``, could be sealed as it is."""
    _validate(tender, replace(data, documents=[]), list(draft.envelopes), complete=True)


def _kept_documents(bid: Bid, data: BidInput) -> list[Envelope]:
    return [e for e in bid.envelopes if not e.is_offer_data and e.id not in data.removed_envelope_ids]


def _replace_envelopes(session: Session, bid: Bid, kept: list[Envelope], new: list[Envelope], store: FileStore) -> None:
    """Swap the envelopes; the old files go only once this commits, so that a refused or
    interrupted transaction leaves the draft whole."""
    for envelope in list(bid.envelopes):
        if envelope not in kept:
            bid.envelopes.remove(envelope)
            _delete_when_committed(session, store, envelope.storage_key)
    bid.envelopes.extend(new)


def _delete_when_committed(session: Session, store: FileStore, storage_key: str) -> None:
    """A file the bid no longer names goes once that is committed (a rollback still needs it)."""
    on_commit(session, lambda: store.delete(storage_key))


def read_draft(bid: Bid, store: FileStore, keys: PlatformKeys) -> tuple[dict, list[tuple[Envelope, dict]]]:
    """The draft's offer data and its documents' metadata, decrypted in memory. What does
    not decrypt is marked ``{"damaged": True}``, so the firm can replace it."""
    documents = [(e, _metadata_or_damaged(e, store, keys)) for e in bid.envelopes if not e.is_offer_data]
    try:
        offer = read_offer(bid, store, keys)
    except crypto.SealError:
        offer = {"amounts": {}, "statement": "", "damaged": True}
    return offer, documents


def _metadata_or_damaged(envelope: Envelope, store: FileStore, keys: PlatformKeys) -> dict:
    try:
        return _decrypt_draft(envelope, store, keys, None)
    except crypto.SealError:
        return {"name": "", "damaged": True}


def read_offer(bid: Bid, store: FileStore, keys: PlatformKeys) -> dict:
    """The draft's offer data (amounts, statement), decrypted in memory."""
    for envelope in bid.envelopes:
        if envelope.is_offer_data:
            plain = io.BytesIO()
            _decrypt_draft(envelope, store, keys, plain)
            return json.loads(plain.getvalue())
    return {"amounts": {}, "statement": ""}


def _decrypt_draft(envelope: Envelope, store: FileStore, keys: PlatformKeys, out) -> dict:
    data_key = crypto.unwrap_draft_key(keys.kek, envelope.draft_key)
    with store.open(envelope.storage_key) as handle:
        return crypto.decrypt_envelope(handle, out, data_key)


def discard_draft(session: Session, bid: Bid, actor: User, store: FileStore, now: datetime) -> None:
    bid.status = BID_LIFECYCLE.next_state(bid.status, "discard")
    for envelope in list(bid.envelopes):
        _delete_when_committed(session, store, envelope.storage_key)
        bid.envelopes.remove(envelope)
    session.flush()
    audit.record(session, actor=actor, action="bid.draft_discarded", object_type="bid", object_id=bid.id, now=now)


# --- submission ------------------------------------------------------------------------------


def submit(
    session: Session,
    tender: Tender,
    actor: User,
    data: BidInput,
    store: FileStore,
    keys: PlatformKeys,
    max_bytes: int,
    now: datetime,
    idempotency_key: str,
    clock=None,
) -> tuple[Bid, Receipt]:
    """Seal and submit a bid (replacing the enterprise's active one, if any).

    Submitting twice with the same ``idempotency_key`` returns the first bid and receipt.
    """
    tender = lock_tender(session, tender.id)
    previous = session.scalar(
        select(Bid).where(Bid.enterprise_id == actor.enterprise_id, Bid.idempotency_key == idempotency_key)
    )
    if previous is not None and previous.tender_id == tender.id and previous.receipts:
        return previous, previous.receipts[-1]
    check_can_bid(tender, actor, data.lot_ids, now)
    tender_key = session.get(TenderKey, tender.id)
    if tender_key is None:
        raise DomainError(N_("This call for tender has no sealing key; contact the authority."))
    draft = draft_bid(session, tender, actor.enterprise_id)
    kept = _kept_documents(draft, data) if draft else []
    _validate(tender, data, kept, complete=True)

    def wrap(envelope, data_key):
        envelope.sealed_key = crypto.seal_data_key(tender_key.public_key, data_key)

    new = _new_envelopes(session, tender, data, store, max_bytes, wrap, from_draft=(kept, keys.kek))
    checkpoint("bid.sealed")

    replaced = active_bid(session, tender, actor.enterprise_id)
    if replaced is not None:
        replaced.status = BID_LIFECYCLE.next_state(replaced.status, "supersede")
        replaced.ended_at = now
        session.flush()
    if draft is not None:  # its envelopes and files go once this commits: none is kept
        bid = draft
        _replace_envelopes(session, bid, [], new, store)
    else:
        bid = Bid(tender=tender, enterprise_id=actor.enterprise_id, created_by_id=actor.id, created_at=now)
        bid.envelopes = new
        session.add(bid)
    with session.no_autoflush:  # the bid becomes "submitted" only with its digest
        bid.lots = [lot for lot in tender.lots if lot.id in data.lot_ids]
        bid.idempotency_key = idempotency_key
        bid.submitted_at = now
        bid.replaces_id = replaced.id if replaced else None
        bid.digest = crypto.bid_digest([(e.kind, e.ciphertext_sha256) for e in bid.envelopes])
        bid.status = BID_LIFECYCLE.next_state(BidStatus.DRAFT, "submit")
    session.flush()
    receipt = _issue_receipt(session, bid, "replacement" if replaced else "submission", keys, now)
    audit.record(
        session,
        actor=actor,
        action="bid.submitted",
        object_type="bid",
        object_id=bid.id,
        now=now,
        tender=tender.reference,
        digest=bid.digest,
        replaces=bid.replaces_id,
    )
    if clock is not None:
        _guard_deadline(session, tender, clock)
    checkpoint("bid.submitted")
    return bid, receipt


def submit_draft(
    session: Session,
    tender: Tender,
    actor: User,
    store: FileStore,
    keys: PlatformKeys,
    max_bytes: int,
    now: datetime,
    idempotency_key: str,
    reviewed: str,
    clock=None,
) -> tuple[Bid, Receipt]:
    """Seal the draft the firm has just reviewed, exactly as it was shown.

    ``reviewed`` is :func:`draft_fingerprint` of the draft on the review page: if the draft
    changed since (another tab, another member of the firm), nothing is sealed."""
    draft = draft_bid(session, tender, actor.enterprise_id, lock=True)  # held until the commit
    previous = session.scalar(  # asked after the lock: sees a twin confirmation that just committed
        select(Bid).where(Bid.enterprise_id == actor.enterprise_id, Bid.idempotency_key == idempotency_key)
    )
    if previous is not None and previous.tender_id == tender.id and previous.receipts:
        return previous, previous.receipts[-1]  # the confirmation was sent twice
    if draft is None or draft_fingerprint(draft) != reviewed:
        raise DomainError(N_("Your bid changed after you reviewed it: review it again before sealing it."))
    offer = read_offer(draft, store, keys)  # the documents are checked as they are re-sealed
    lot_ids = {lot.number: lot.id for lot in tender.lots}
    data = BidInput(
        lot_ids=[lot.id for lot in draft.lots],
        amounts={
            lot_ids[int(number)]: (amount["excl_vat"], amount["vat"])
            for number, amount in offer["amounts"].items()
            if int(number) in lot_ids
        },
        statement=offer["statement"],
    )
    return submit(session, tender, actor, data, store, keys, max_bytes, now, idempotency_key, clock=clock)


def draft_fingerprint(draft: Bid) -> str:
    """What identifies a draft's exact content (its ciphertexts and lots) without reading it:
    every save seals the offer afresh, so any change makes a new fingerprint."""
    parts = [(e.kind, e.ciphertext_sha256) for e in draft.envelopes]
    parts += [("lot", str(lot.id)) for lot in draft.lots]
    return crypto.bid_digest(parts)


def withdraw(session: Session, bid: Bid, actor: User, keys: PlatformKeys, now: datetime, clock=None) -> Receipt:
    tender = lock_tender(session, bid.tender_id)
    check_can_bid(tender, actor, None, now)
    bid.status = BID_LIFECYCLE.next_state(bid.status, "withdraw")
    bid.ended_at = now
    receipt = _issue_receipt(session, bid, "withdrawal", keys, now)
    audit.record(
        session,
        actor=actor,
        action="bid.withdrawn",
        object_type="bid",
        object_id=bid.id,
        now=now,
        tender=tender.reference,
        digest=bid.digest,
    )
    if clock is not None:
        _guard_deadline(session, tender, clock)
    return receipt


def _guard_deadline(session: Session, tender: Tender, clock) -> None:
    """Refuse the COMMIT itself if the deadline passed while the request was running."""
    deadline = tender.submission_deadline_at

    def guard() -> None:
        if clock.now() >= deadline:
            raise DomainError(N_("The submission deadline has passed: the bid was not accepted."))

    add_commit_guard(session, guard)


def _issue_receipt(session: Session, bid: Bid, kind: str, keys: PlatformKeys, now: datetime) -> Receipt:
    payload, signature = sign_receipt(
        keys.signing_key,
        {
            "receipt": kind,
            "bid": bid.id,
            "tender": bid.tender.reference,
            "enterprise_nif": bid.enterprise.nif,
            "lots": [lot.number for lot in bid.lots],
            "digest": bid.digest,
            "envelopes": [{"kind": e.kind, "sha256": e.ciphertext_sha256} for e in bid.envelopes],
            "at": now.isoformat(),
        },
    )
    receipt = Receipt(bid=bid, kind=kind, payload=payload, signature=signature, created_at=now)
    session.add(receipt)
    session.flush()
    return receipt


def can_still_change(bid: Bid, now: datetime) -> bool:
    """Whether the firm may still replace or withdraw this bid."""
    tender = bid.tender
    return (
        bid.status == BidStatus.SUBMITTED
        and tender.status == TenderStatus.PUBLISHED
        and now < tender.submission_deadline_at
    )


def minutes_rows(opening) -> list[dict]:
    """The minutes' lines, in plain values for templates and documents."""
    rows = []
    for row in opening.rows:
        amounts = json.loads(row.amounts)
        rows.append(
            {
                "enterprise": row.bid.enterprise,
                "submitted_at": row.bid.submitted_at,
                "digest": row.digest,
                "is_intact": row.is_intact,
                "problem": row.problem,
                "envelopes": json.loads(row.envelopes),
                "has_offer": bool(amounts),
                "amounts": sorted(((int(lot), value) for lot, value in amounts.items())),
                "statement": row.statement,
            }
        )
    return rows
