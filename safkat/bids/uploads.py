"""Resumable, chunked uploads of large bid documents, for slow and unreliable connections.

The firm announces a file (kind, name, size, SHA-256), sends it in chunks of at most
``MAX_CHUNK`` bytes, each with its own SHA-256, and may resume after a dropped connection
from the size the server reports. When the last chunk is in, ``complete`` checks the whole
file's size, digest and type by content, then seals it into the firm's draft bid as an
envelope like any other. Knows no Flask.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat import audit
from safkat.accounts.models import User
from safkat.bids import crypto
from safkat.bids.models import Bid, BidStatus, BidUpload, Envelope, EnvelopeKind
from safkat.bids.services import BID_DOCUMENT_TYPES, check_can_bid, draft_bid
from safkat.db import on_commit, on_rollback
from safkat.errors import N_, DomainError, NotFound
from safkat.faults import checkpoint
from safkat.filenames import clean_file_name
from safkat.keys import PlatformKeys
from safkat.storage import FileStore, UploadRejected, sniff_content_type
from safkat.tenders.models import Tender
from safkat.zipcheck import EocdScanner, check_archives, must_check

MAX_CHUNK = 1024 * 1024
LIFETIME = timedelta(hours=48)


def start(
    session: Session,
    tender: Tender,
    actor: User,
    *,
    kind: str,
    filename: str,
    size: int,
    sha256: str,
    keys: PlatformKeys,
    store: FileStore,
    max_bytes: int,
    now: datetime,
) -> BidUpload:
    check_can_bid(tender, actor, None, now)
    if kind not in {k.value for k in EnvelopeKind}:
        raise DomainError(N_("Unknown kind of document."))
    if not 0 < size <= max_bytes:
        raise UploadRejected(N_("The file is too large (at most %(limit)s MB)."), limit=max_bytes // (1024 * 1024))
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise DomainError(N_("The file's digest is not a SHA-256."))
    upload = BidUpload(
        token=secrets.token_hex(24),
        tender_id=tender.id,
        enterprise_id=actor.enterprise_id,
        user_id=actor.id,
        kind=kind,
        sealed_meta=crypto.seal_small(keys.kek, {"name": clean_file_name(filename), "sha256": sha256}),
        data_key=crypto.wrap_draft_key(keys.kek, crypto.new_data_key()),
        declared_size=size,
        received_size=0,
        next_index=0,
        stored_bytes=0,
        storage_key=secrets.token_hex(20),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(upload)
    session.flush()
    return upload


def find(session: Session, token: str, actor: User, now: datetime) -> BidUpload:
    """The actor's enterprise's unfinished upload, or :class:`NotFound` (never another firm's)."""
    upload = session.scalar(select(BidUpload).where(BidUpload.token == token))
    if upload is None or upload.enterprise_id != getattr(actor, "enterprise_id", None) or upload.expires_at <= now:
        raise NotFound(N_("This upload does not exist or has expired; start it again."))
    return upload


def add_chunk(
    session: Session,
    upload: BidUpload,
    *,
    offset: int,
    data: bytes,
    sha256: str,
    keys: PlatformKeys,
    store: FileStore,
    now: datetime,
) -> BidUpload:
    """Append one chunk. A chunk already received (a retry) is acknowledged, not stored twice."""
    if upload.completed_at is not None:
        raise DomainError(N_("This upload is already complete."))
    if offset < upload.received_size and offset + len(data) <= upload.received_size:
        return upload  # a retry of a chunk that did arrive
    if offset != upload.received_size:
        raise DomainError(N_("Chunks must arrive in order: resume from byte %(n)s."), n=upload.received_size)
    if not data or len(data) > MAX_CHUNK or upload.received_size + len(data) > upload.declared_size:
        raise UploadRejected(N_("This chunk does not fit the announced file."))
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DomainError(N_("This chunk arrived damaged (its digest differs): send it again."))
    data_key = crypto.unwrap_draft_key(keys.kek, upload.data_key)
    record = crypto.seal_chunk(data_key, upload.token, upload.next_index, data)
    path = store.path_for(upload.storage_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as out:
        out.truncate(upload.stored_bytes)  # drop what a crashed request may have left
        out.write(record)
    checkpoint("upload.chunk_written")
    upload.stored_bytes += len(record)
    upload.received_size += len(data)
    upload.next_index += 1
    session.flush()
    return upload


def _received_chunks(source, upload: BidUpload, upload_key: bytes):
    return crypto.open_chunks(io.BufferedReader(_Bounded(source, upload.stored_bytes)), upload_key, upload.token)


def _check_received_archives(store: FileStore, upload: BidUpload, upload_key: bytes, content_type: str) -> None:
    """Check a file that is (or holds) an archive: decrypted a second time into memory
    (bounded by the upload limit), since the checks need to seek and nothing is written in clear."""
    plain = io.BytesIO()
    with store.open(upload.storage_key) as source:
        for chunk in _received_chunks(source, upload, upload_key):
            plain.write(chunk)
    check_archives(plain, content_type)


class _ChunkReader:
    """A read() interface over the decrypted chunks, hashing and typing as it goes."""

    def __init__(self, chunks):
        self.chunks, self.buffer = chunks, b""
        self.sha256, self.size, self.scanner = hashlib.sha256(), 0, EocdScanner()

    def peek(self, size: int) -> bytes:
        """The first ``size`` bytes, left in place for the next read."""
        data = self.read(size)
        self.buffer = data + self.buffer
        return data

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.sha256.update(chunk)
            self.scanner.feed(chunk)
            self.size += len(chunk)
            self.buffer += chunk
        out, self.buffer = (self.buffer, b"") if size < 0 else (self.buffer[:size], self.buffer[size:])
        return out


def complete(
    session: Session,
    upload: BidUpload,
    tender: Tender,
    actor: User,
    keys: PlatformKeys,
    store: FileStore,
    now: datetime,
) -> Envelope:
    """Check the whole file and seal it into the firm's draft bid."""
    check_can_bid(tender, actor, None, now)
    if upload.received_size != upload.declared_size:
        raise DomainError(N_("The file is not complete: resume from byte %(n)s."), n=upload.received_size)
    meta = crypto.open_small(keys.kek, upload.sealed_meta)
    upload_key = crypto.unwrap_draft_key(keys.kek, upload.data_key)
    envelope_key = crypto.new_data_key()
    with store.open(upload.storage_key) as source:
        reader = _ChunkReader(_received_chunks(source, upload, upload_key))
        content_type = sniff_content_type(reader.peek(64))
        if content_type not in BID_DOCUMENT_TYPES:
            raise UploadRejected(N_("This type of file is not accepted."))
        with store.writer() as (out, storage_key):
            size, digest, _plain = crypto.encrypt_envelope(
                reader, out, envelope_key, {"name": meta["name"], "type": content_type}
            )
    try:
        if reader.sha256.hexdigest() != meta["sha256"] or reader.size != upload.declared_size:
            raise UploadRejected(N_("The file received differs from the file announced: send it again."))
        if must_check(content_type, reader.scanner):  # a ZIP, or a file that also is one
            _check_received_archives(store, upload, upload_key, content_type)
    except UploadRejected:
        store.delete(storage_key)
        raise
    on_rollback(session, lambda: store.delete(storage_key))
    bid = draft_bid(session, tender, actor.enterprise_id)
    if bid is None:
        bid = Bid(
            tender=tender,
            enterprise_id=actor.enterprise_id,
            created_by_id=actor.id,
            status=BidStatus.DRAFT,
            created_at=now,
        )
        session.add(bid)
    envelope = Envelope(
        kind=upload.kind,
        is_offer_data=False,
        storage_key=storage_key,
        ciphertext_size=size,
        ciphertext_sha256=digest,
        draft_key=crypto.wrap_draft_key(keys.kek, envelope_key),
    )
    bid.envelopes.append(envelope)
    upload.completed_at = now
    parts = upload.storage_key
    on_commit(session, lambda: store.delete(parts))  # a rollback still needs them
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="bid.document_uploaded",
        object_type="bid",
        object_id=bid.id,
        now=now,
        chunks=upload.next_index,
    )
    return envelope


class _Bounded(io.RawIOBase):
    """Reads at most ``limit`` bytes of ``source`` (ignores a torn tail after it)."""

    def __init__(self, source, limit: int):
        self.source, self.left = source, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.source.read(min(len(buffer), self.left))
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)
