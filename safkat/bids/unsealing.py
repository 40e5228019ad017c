"""Decrypting bids at the opening: the heavy part, which large openings spread over processes.

Each bid is checked against its receipt's digest, each envelope decrypted while its sealed
file is hashed (read once), and each document written in clear for the commission. The
work is plain data in, plain data out (:class:`SealedBid` → :class:`UnsealedBid`), and
this module imports only the crypto and the file store, so a worker process starts in a
few milliseconds. Threads were measured slower than one process: the work is cut into
64 KB chunks, and the GIL changes hands at each.

The tender's private key reaches the workers through the pool's pipe and lives in their
memory only while the opening runs; they exit with it.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from nacl.public import PrivateKey

from safkat.bids import crypto
from safkat.errors import N_
from safkat.filenames import clean_file_name
from safkat.storage import FileStore

# Below this much sealed data, starting processes costs more than it saves.
PARALLEL_FROM_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class SealedEnvelope:
    kind: str
    storage_key: str
    sealed_key: bytes
    ciphertext_sha256: str
    ciphertext_size: int
    is_offer_data: bool


@dataclass(frozen=True)
class SealedBid:
    bid_id: int
    digest: str
    envelopes: tuple[SealedEnvelope, ...]


@dataclass(frozen=True)
class ClearDocument:
    kind: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str
    storage_key: str


@dataclass
class UnsealedBid:
    bid_id: int
    problem: str | None = None  # a msgid: why the bid could not be opened intact
    amounts: str = "{}"
    statement: str = ""
    envelopes: str = "{}"  # JSON: kind → number of documents
    documents: list[ClearDocument] = field(default_factory=list)


def unseal(bid: SealedBid, private_key: PrivateKey, store: FileStore) -> UnsealedBid:
    """Open one bid; a bid whose seal does not hold is reported with its problem and no content."""
    result = UnsealedBid(bid.bid_id)
    counts: dict[str, int] = {}
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
                result.amounts = json.dumps(offer["amounts"], sort_keys=True)
                result.statement = offer.get("statement", "")
                continue
            result.documents.append(_decrypt_document(store, envelope, data_key))
            counts[envelope.kind] = counts.get(envelope.kind, 0) + 1
    except crypto.SealError as error:
        for document in result.documents:
            store.delete(document.storage_key)
        return UnsealedBid(bid.bid_id, problem=error.message)
    result.envelopes = json.dumps(counts, sort_keys=True)
    return result


def unseal_all(bids: list[SealedBid], private_key: PrivateKey, store: FileStore) -> Iterator[UnsealedBid]:
    """Open ``bids`` in order: in this process for a small opening, else one worker per core."""
    processes = os.cpu_count() or 1
    sealed_bytes = sum(e.ciphertext_size for bid in bids for e in bid.envelopes)
    if processes < 2 or len(bids) < 2 or sealed_bytes < PARALLEL_FROM_BYTES:
        for bid in bids:
            yield unseal(bid, private_key, store)
        return
    # spawn, not fork: the caller may be a web worker holding database connections and threads
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_start_worker, initargs=(bytes(private_key), str(store.root))) as pool:
        yield from pool.imap(_unseal_in_worker, bids, chunksize=_chunk_size(len(bids), processes))


def _chunk_size(count: int, processes: int) -> int:
    return max(1, min(16, count // (processes * 8)))


_worker: dict = {}


def _start_worker(private_key: bytes, store_root: str) -> None:
    _worker["key"], _worker["store"] = PrivateKey(private_key), FileStore(store_root)


def _unseal_in_worker(bid: SealedBid) -> UnsealedBid:
    return unseal(bid, _worker["key"], _worker["store"])


def sealed_bids(bids: Iterable) -> list[SealedBid]:
    """The plain data of ORM bids (with their envelopes loaded) that :func:`unseal` needs."""
    return [
        SealedBid(
            bid.id,
            bid.digest,
            tuple(
                SealedEnvelope(
                    e.kind, e.storage_key, e.sealed_key, e.ciphertext_sha256, e.ciphertext_size, e.is_offer_data
                )
                for e in bid.envelopes
            ),
        )
        for bid in bids
    ]


class _HashingReader:
    """Hashes the sealed file as it is decrypted, so that it is read from disk only once."""

    def __init__(self, source):
        self.source, self.sha256 = source, hashlib.sha256()

    def read(self, size: int) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        return data


def _decrypt_checked(source: _HashingReader, out, data_key: bytes, envelope: SealedEnvelope) -> dict:
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


def _decrypt_document(store: FileStore, envelope: SealedEnvelope, data_key: bytes) -> ClearDocument:
    with store.writer(durable=False) as (out, storage_key), store.open(envelope.storage_key) as source:
        sink = _Hashing(out)
        metadata = _decrypt_checked(_HashingReader(source), sink, data_key, envelope)
    return ClearDocument(
        kind=envelope.kind,
        original_name=clean_file_name(metadata.get("name")),
        content_type=metadata.get("type", "application/octet-stream"),
        size_bytes=sink.size,
        sha256=sink.sha256.hexdigest(),
        storage_key=storage_key,
    )
