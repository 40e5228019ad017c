"""Queueing and delivering e-mails through the outbox. Knows no Flask.

A message may carry issued documents (a receipt, an award letter) as PDF attachments:
the outbox keeps a reference to each document, and its bytes are read from the file
store, and checked against the document's digest, when the message is sent. A document
may also be named still *to issue* (:class:`ToIssue`): the sender issues it first, with
the ``issue`` function it is given, so that the request that queued the message never
waits for a PDF to be rendered and signed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.notifications.models import OutboxAttachment, OutboxMessage, OutboxStatus
from safkat.notifications.transports import Transport
from safkat.storage import FileStore

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class ToIssue:
    """An attachment whose document the sender issues: ``kind`` of documents, about
    ``subject`` (``"receipts:12"``), in ``language``, attached as ``filename``."""

    kind: str
    subject: str
    language: str
    filename: str


# (session, kind, subject, language) -> the issued document; raises when it cannot be issued
IssueDocument = Callable[[Session, str, str, str], object]


def enqueue_email(
    session: Session,
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    locale: str,
    now: datetime,
    user_id: int | None = None,
    attachments: Sequence[tuple[int, str] | ToIssue] = (),
) -> OutboxMessage:
    """Store a message to send; it is sent once the transaction commits.

    ``attachments`` are ``(issued document id, file name)`` pairs or documents :class:`ToIssue`.
    """
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        locale=locale,
        user_id=user_id,
        status=OutboxStatus.PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        attachments=[_attachment(item) for item in attachments],
    )
    session.add(message)
    session.flush()
    return message


def _attachment(item: tuple[int, str] | ToIssue) -> OutboxAttachment:
    if isinstance(item, ToIssue):
        return OutboxAttachment(
            filename=item.filename, issue_kind=item.kind, issue_subject=item.subject, issue_language=item.language
        )
    document_id, filename = item
    return OutboxAttachment(document_id=document_id, filename=filename)


def has_documents_to_issue(message: OutboxMessage) -> bool:
    return any(attachment.is_to_issue for attachment in message.attachments)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


class AttachmentUnavailable(RuntimeError):
    """An attachment cannot be read as issued: the message waits rather than go without it."""


def _attachment_bytes(attachment: OutboxAttachment, files: FileStore | None) -> bytes:
    if files is None:
        raise AttachmentUnavailable("the file store is needed to send attachments")
    with files.open(attachment.document.storage_key) as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != attachment.document.sha256:
        raise AttachmentUnavailable(f"{attachment.filename} differs from the issued document")
    return data


def _issue_attachments(session: Session, message: OutboxMessage, issue: IssueDocument | None) -> None:
    """Issue the documents this message is waiting for. One that cannot be issued (a
    signing token unplugged) is logged and left out of this e-mail: the message says where
    to download it, and the download issues it; the news itself must not wait."""
    for attachment in message.attachments:
        if not attachment.is_to_issue:
            continue
        if issue is None:
            raise AttachmentUnavailable("documents to issue are issued by `safkat notifications send`")
        try:
            with session.begin_nested():
                document = issue(session, attachment.issue_kind, attachment.issue_subject, attachment.issue_language)
        except Exception:
            log.exception("sending %s without %s: it could not be issued", message.id, attachment.filename)
            continue
        attachment.document = document
    session.flush()


def build_email(message: OutboxMessage, sender: str, files: FileStore | None = None) -> EmailMessage:
    """The MIME message: the text, and each issued attachment as a PDF (multipart/mixed then)."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    email["Content-Language"] = message.locale  # after set_content, which drops Content-* headers
    for attachment in message.attachments:
        if attachment.is_to_issue:
            continue  # could not be issued (see _issue_attachments)
        data = _attachment_bytes(attachment, files)
        email.add_attachment(data, maintype="application", subtype="pdf", filename=attachment.filename)
    return email


def deliver(
    session: Session,
    message: OutboxMessage,
    transport: Transport,
    sender: str,
    now: datetime,
    files: FileStore | None = None,
    issue: IssueDocument | None = None,
) -> bool:
    """Try to send one message, recording the outcome on it. Returns whether it was sent.

    ``files`` is the store of the issued documents, needed when the message has attachments;
    ``issue`` issues those it names still to issue.
    """
    message.attempts += 1
    try:
        _issue_attachments(session, message, issue)
        transport.send(build_email(message, sender, files))
    except Exception as error:  # any transport failure: retry later, never lose the message
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.DEAD
        else:
            message.next_attempt_at = now + retry_delay(message.attempts)
        session.flush()
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = None
    session.flush()
    return True


def due_messages(session: Session, now: datetime, limit: int = 100) -> list[OutboxMessage]:
    """Pending messages whose time has come, locked so that parallel senders skip them."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def deliver_due(
    session: Session,
    transport: Transport,
    sender: str,
    now: datetime,
    files: FileStore | None = None,
    issue: IssueDocument | None = None,
) -> tuple[int, int]:
    """Send every due message; returns (sent, failed). The caller commits."""
    sent = failed = 0
    for message in due_messages(session, now):
        if deliver(session, message, transport, sender, now, files, issue):
            sent += 1
        else:
            failed += 1
    return sent, failed


def requeue(session: Session, message: OutboxMessage, now: datetime) -> None:
    """Give a dead message another full round of attempts (an administrator's decision)."""
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, now
    session.flush()
