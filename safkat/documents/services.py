"""Issuing, finding and checking official documents. No Flask here.

A document is issued when what it records happens (the notices and reports with the
award: :func:`issue_quietly`), by the e-mail sender when a message attaches it (a
receipt, a letter: :func:`document_named`), or else the first time someone asks for it
(a download), then reused: the PDF is rendered, signed, stored once and never
changed. When what a document would say changes (a tender amended, an authority renamed),
the next request issues a new version that supersedes the old one; ``safkat documents
regenerate`` does the same after a template change. Every version stays verifiable by its
code and digest.

Issuing is all or nothing: the PDF is rendered and signed in memory first, so a rendering
or signing failure leaves no row and no file; a file whose row cannot be written is
deleted, and so is the file of a document whose transaction is rolled back later.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import event, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction, aliased

from safkat import audit
from safkat.documents.kinds import KINDS, DocumentKind
from safkat.documents.models import IssuedDocument
from safkat.documents.render import render_pdf
from safkat.documents.signing import PlatformSigner, SignatureCheck, check_signature
from safkat.errors import N_, DomainError
from safkat.faults import checkpoint
from safkat.storage import CHUNK, FileStore

log = logging.getLogger(__name__)
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
CODE_LENGTH = 12  # 60 random bits: codes cannot be guessed
_CODE_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class Issuer:
    """What issuing needs from the platform; the caller (a view, a command) builds it."""

    store: FileStore
    signer: PlatformSigner
    base_url: str
    digits: str = "western"  # Arabic editions: western (0-9) or arabic-indic

    def verification_url(self, code: str) -> str:
        return f"{self.base_url.rstrip('/')}/verify/{format_code(code)}"


# --- codes ------------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``7K3QX9M2RT4B`` → ``7K3Q-X9M2-RT4B``, as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_code(text: str) -> str | None:
    """The stored form of a code typed by a person (any case, dashes, O for 0), or ``None``."""
    code = re.sub(r"[\s-]", "", text or "").upper().translate(_CODE_ALIASES)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


# --- finding -------------------------------------------------------------------------------


def find_by_code(session: Session, text: str) -> IssuedDocument | None:
    code = normalize_code(text)
    return session.scalar(select(IssuedDocument).where(IssuedDocument.code == code)) if code else None


def find_by_digest(session: Session, sha256: str) -> IssuedDocument | None:
    return session.scalar(select(IssuedDocument).where(IssuedDocument.sha256 == sha256.lower()))


def current_version(session: Session, kind: str, subject: str, language: str) -> IssuedDocument | None:
    return session.scalar(
        select(IssuedDocument)
        .where(IssuedDocument.kind == kind, IssuedDocument.subject == subject, IssuedDocument.language == language)
        .order_by(IssuedDocument.version.desc())
        .limit(1)
    )


def latest_issued(session: Session, kinds, subject: str, language: str) -> IssuedDocument | None:
    """The last document issued about ``subject`` in ``language``, of any of ``kinds``."""
    return session.scalar(
        select(IssuedDocument)
        .where(IssuedDocument.kind.in_(kinds), IssuedDocument.subject == subject, IssuedDocument.language == language)
        .order_by(IssuedDocument.id.desc())
        .limit(1)
    )


def successor(session: Session, document: IssuedDocument) -> IssuedDocument | None:
    """The version that replaced ``document``, if any."""
    return session.scalar(select(IssuedDocument).where(IssuedDocument.supersedes_id == document.id))


def latest(session: Session, document: IssuedDocument) -> IssuedDocument:
    return current_version(session, document.kind, document.subject, document.language) or document


# --- issuing ------------------------------------------------------------------------------------


def content_digest(values: dict) -> str:
    """SHA-256 of the values as canonical JSON: equal digests, same document content."""
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def document_for(
    session: Session, kind_name: str, subject, language: str, issuer: Issuer, now: datetime, actor=None
) -> IssuedDocument:
    """The current version of a document, issued first if there is none or its content changed.

    Checking who may read it is the caller's business (a view checks its subject).
    """
    return _issue(session, KINDS[kind_name], subject, language, issuer, now, actor, force=False)


def document_named(
    session: Session, kind_name: str, subject_key: str, language: str, issuer: Issuer, now: datetime
) -> IssuedDocument:
    """:func:`document_for` a subject named by its key (``"receipts:12"``), as the outbox names
    the documents it is to attach."""
    kind = KINDS[kind_name]
    return _issue(session, kind, _subject(session, kind, subject_key), language, issuer, now, None, force=False)


def reissue(session: Session, document: IssuedDocument, issuer: Issuer, now: datetime, actor=None) -> IssuedDocument:
    """A new version of ``document``'s latest version, rendered anew (after a template change)."""
    kind = KINDS[document.kind]
    subject = _subject(session, kind, document.subject)
    return _issue(session, kind, subject, document.language, issuer, now, actor, force=True)


def _subject(session: Session, kind: DocumentKind, subject_key: str):
    subject = kind.load_subject(session, subject_key)
    if subject is None:
        raise DomainError(N_("The subject of this document no longer exists."))
    return subject


def _issue(
    session: Session,
    kind: DocumentKind,
    subject,
    language: str,
    issuer: Issuer,
    now: datetime,
    actor,
    *,
    force: bool,
) -> IssuedDocument:
    subject_key = kind.subject_key(subject)
    values = kind.values(subject, language)
    content = content_digest(values)
    previous = current_version(session, kind.name, subject_key, language)
    if previous is not None and previous.content_sha256 == content and not force:
        return previous
    code = new_code()
    version = previous.version + 1 if previous else 1
    document_values = {
        **values,
        "document": {
            "kind": kind.name,
            "title": kind.title,
            "code": format_code(code),
            "verification_url": issuer.verification_url(code),
            "version": version,
            "issued_at": now,
        },
    }
    pdf = render_pdf(kind.template, document_values, language, digits=issuer.digits)
    signed = issuer.signer.sign(pdf, reason=f"Safkat {kind.name} {format_code(code)}")
    with issuer.store.writer() as (out, storage_key):
        out.write(signed)
    session.info.setdefault(_NEW_FILES, []).append((issuer.store, storage_key))
    checkpoint("document.stored")
    recipient = kind.recipient_enterprise_id(subject)
    document = IssuedDocument(
        code=code,
        kind=kind.name,
        subject=subject_key,
        language=language,
        version=version,
        tender_id=kind.tender_id(subject),
        bid_id=kind.bid_id(subject),
        recipient_enterprise_id=None if kind.is_public else recipient,
        is_public=kind.is_public,
        sha256=hashlib.sha256(signed).hexdigest(),
        size_bytes=len(signed),
        content_sha256=content,
        storage_key=storage_key,
        issued_at=now,
        supersedes_id=previous.id if previous else None,
    )
    try:
        with session.begin_nested():
            session.add(document)
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="document.issued",
                object_type="document",
                object_id=document.id,
                now=now,
                kind=kind.name,
                subject=subject_key,
                language=language,
                version=version,
                code=code,
                sha256=document.sha256,
            )
    except IntegrityError:
        # Another request issued this version first (both rendered it): keep theirs.
        issuer.store.delete(storage_key)
        winner = current_version(session, kind.name, subject_key, language)
        if winner is not None and winner.version >= version:
            return winner
        raise
    except BaseException:
        issuer.store.delete(storage_key)
        raise
    return document


def issue_quietly(
    session: Session, kind_name: str, subject, languages, issuer: Issuer, now: datetime, actor=None
) -> dict[str, IssuedDocument]:
    """Issue a document in each of ``languages`` now, when what it records happens.

    A failure to render, sign or store one edition is logged and leaves nothing behind;
    that edition is issued when first downloaded instead, and the caller's transaction
    (an award, a submission) goes on unharmed. Returns the editions issued.
    """
    issued = {}
    for language in languages:
        try:
            issued[language] = _issue(session, KINDS[kind_name], subject, language, issuer, now, actor, force=False)
        except Exception:  # the event stands without its document; the download will issue it
            log.exception("could not issue %s (%s) for %r", kind_name, language, subject)
    return issued


# A document's file is written before its row; if the transaction that holds the row is
# rolled back (a refused commit, an error after the document was issued), the file goes too.
_NEW_FILES = "safkat.documents.new_files"


@event.listens_for(Session, "after_commit")
def _keep_new_files(session: Session) -> None:
    if not session.in_nested_transaction():  # a SAVEPOINT released commits nothing yet
        session.info.pop(_NEW_FILES, None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_new_files(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        for store, storage_key in session.info.pop(_NEW_FILES, []):
            store.delete(storage_key)


def documents_to_regenerate(session: Session, tender_id: int | None = None) -> list[int]:
    """Ids of the latest version of every issued document (of one tender, if given)."""
    newer = aliased(IssuedDocument)
    query = (
        select(IssuedDocument.id)
        .where(~exists().where(newer.supersedes_id == IssuedDocument.id))
        .order_by(IssuedDocument.id)
    )
    if tender_id is not None:
        query = query.where(IssuedDocument.tender_id == tender_id)
    return list(session.scalars(query))


# --- checking ---------------------------------------------------------------------------------


def read_pdf(document: IssuedDocument, store: FileStore) -> bytes:
    with store.open(document.storage_key) as handle:
        return handle.read()


class FileTooLarge(DomainError):
    """The uploaded file is larger than any document the platform issues."""


def digest_of_upload(stream: BinaryIO, max_bytes: int) -> str:
    """SHA-256 of an uploaded file, read in chunks; :class:`FileTooLarge` past ``max_bytes``."""
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        size += len(chunk)
        if size > max_bytes:
            raise FileTooLarge(N_("The file is too large (at most %(limit)s MB)."), limit=max(1, max_bytes // 2**20))
        digest.update(chunk)
    return digest.hexdigest()


def is_the_issued_file(document: IssuedDocument, stream: BinaryIO, max_bytes: int) -> bool:
    """Whether the uploaded file is byte for byte the issued ``document``."""
    return secrets.compare_digest(digest_of_upload(stream, max_bytes), document.sha256)


@dataclass(frozen=True)
class FileVerification:
    """What ``safkat documents verify FILE`` found."""

    sha256: str
    signature: SignatureCheck
    document: IssuedDocument | None

    @property
    def is_ok(self) -> bool:
        return self.signature.is_ok and self.document is not None


def verify_pdf(session: Session, pdf: bytes, signer: PlatformSigner) -> FileVerification:
    """Check a PDF's signature against the platform's certificate and its digest against
    the issued documents."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    return FileVerification(sha256, check_signature(pdf, signer), find_by_digest(session, sha256))
