"""Checking an instance's content: the audit chain, every stored file against its digest,
every sealed bid against its receipts. Run by ``safkat restore`` before it commits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from safkat import audit
from safkat.bids.crypto import bid_digest
from safkat.ops.archive import Progress
from safkat.ops.files import FILE_REFERENCES
from safkat.storage import CHUNK, FileStore


@dataclass
class Check:
    """One kind of check: how many things it looked at, and what was wrong."""

    name: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class ContentReport:
    checks: list[Check]

    @property
    def problems(self) -> list[str]:
        return [f"{check.name}: {problem}" for check in self.checks for problem in check.problems]

    @property
    def is_ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        return [
            f"  {check.name}: {check.checked} checked, "
            + (f"{len(check.problems)} PROBLEM(S)" if check.problems else "ok")
            for check in self.checks
        ]


def verify_content(
    connection: Connection,
    store: FileStore,
    verify_key: VerifyKey | None,
    echo: Callable[[str], None],
    expected_audit: dict | None = None,
) -> ContentReport:
    """Check everything that carries a digest or a signature."""
    return ContentReport(
        [
            _audit_chain(connection, expected_audit),
            _stored_files(connection, store, echo),
            _bid_digests(connection),
            _receipts(connection, verify_key),
            _minutes(connection),
        ]
    )


def _audit_chain(connection: Connection, expected: dict | None) -> Check:
    check = Check("audit chain")
    with Session(bind=connection) as session:
        report = audit.verify_chain(session)
    check.checked = report.count
    if not report.is_intact:
        check.problems.append(f"broken at event {report.first_broken_seq}: {report.problem}")
    if expected is not None:
        head = connection.execute(text("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")).first()
        if head is None or (head.last_seq, head.last_hash) != (expected["events"], expected["last_hash"]):
            check.problems.append("the chain's head is not the one the manifest recorded")
    return check


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_files(connection: Connection, store: FileStore, echo) -> Check:
    check = Check("stored files")
    rows = []
    for ref in FILE_REFERENCES:
        digest = ref.digest_column or "NULL"
        query = (
            f"SELECT id, {ref.key_column}, {digest} FROM {ref.table} "  # noqa: S608
            f"WHERE {ref.key_column} IS NOT NULL AND {ref.must_exist} ORDER BY id"
        )
        rows += [(ref.table, *row) for row in connection.execute(text(query))]
    progress = Progress(echo, "files checked against their digests", len(rows))
    for table, row_id, key, expected in rows:
        path = store.path_for(key)
        check.checked += 1
        if not path.is_file():
            check.problems.append(f"{table} {row_id}: the file is missing")
        elif expected is not None and file_sha256(path) != expected:
            check.problems.append(f"{table} {row_id}: the file differs from its SHA-256")
        progress.advance()
    return check


def _envelopes_by_bid(connection: Connection) -> dict[int, list[tuple[str, str]]]:
    envelopes: dict[int, list[tuple[str, str]]] = {}
    for bid_id, kind, sha256 in connection.execute(
        text("SELECT bid_id, kind, ciphertext_sha256 FROM envelopes ORDER BY id")
    ):
        envelopes.setdefault(bid_id, []).append((kind, sha256))
    return envelopes


def _bid_digests(connection: Connection) -> Check:
    check = Check("sealed bids")
    envelopes = _envelopes_by_bid(connection)
    for bid_id, digest in connection.execute(text("SELECT id, digest FROM bids WHERE digest IS NOT NULL ORDER BY id")):
        check.checked += 1
        if bid_digest(envelopes.get(bid_id, [])) != digest:
            check.problems.append(f"bid {bid_id}: its envelopes do not give its digest")
    return check


def _receipts(connection: Connection, verify_key: VerifyKey | None) -> Check:
    check = Check("receipts")
    envelopes = _envelopes_by_bid(connection)
    unsigned = []
    query = "SELECT r.id, r.bid_id, r.payload, r.signature, b.digest FROM receipts r JOIN bids b ON b.id = r.bid_id"
    for receipt_id, bid_id, payload, signature, digest in connection.execute(text(query + " ORDER BY r.id")):
        check.checked += 1
        content = json.loads(payload)
        sent = sorted((e["kind"], e["sha256"]) for e in content.get("envelopes", []))
        if content.get("digest") != digest or sent != sorted(envelopes.get(bid_id, [])):
            check.problems.append(f"receipt {receipt_id}: does not match the sealed envelopes of bid {bid_id}")
        if verify_key is not None:
            try:
                verify_key.verify(payload.encode(), bytes.fromhex(signature))
            except (BadSignatureError, ValueError):
                unsigned.append(receipt_id)
    if unsigned and len(unsigned) == check.checked:
        check.problems.append(
            "no receipt carries this instance's signature: restore the receipt-signing key "
            "(SAFKAT_SIGNING_KEY or instance/signing.key) of the backed-up instance"
        )
    else:
        check.problems += [f"receipt {receipt_id}: bad signature" for receipt_id in unsigned]
    return check


def _minutes(connection: Connection) -> Check:
    check = Check("opening minutes")
    query = "SELECT o.bid_id, o.digest, b.digest FROM opened_bids o JOIN bids b ON b.id = o.bid_id ORDER BY o.id"
    for bid_id, read_out, digest in connection.execute(text(query)):
        check.checked += 1
        if read_out != digest:
            check.problems.append(f"bid {bid_id}: the minutes show another digest than its receipt")
    return check
