"""Queueing and delivering e-mails through the outbox. Knows no Flask."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.notifications.models import OutboxMessage, OutboxStatus
from safkat.notifications.transports import Transport

MAX_ATTEMPTS = 8


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
) -> OutboxMessage:
    """Store a message to send; it is sent once the transaction commits."""
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
    )
    session.add(message)
    session.flush()
    return message


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def deliver(session: Session, message: OutboxMessage, transport: Transport, sender: str, now: datetime) -> bool:
    """Try to send one message, recording the outcome on it. Returns whether it was sent."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    email["Content-Language"] = message.locale  # after set_content, which drops Content-* headers
    message.attempts += 1
    try:
        transport.send(email)
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


def deliver_due(session: Session, transport: Transport, sender: str, now: datetime) -> tuple[int, int]:
    """Send every due message; returns (sent, failed). The caller commits."""
    sent = failed = 0
    for message in due_messages(session, now):
        if deliver(session, message, transport, sender, now):
            sent += 1
        else:
            failed += 1
    return sent, failed


def requeue(session: Session, message: OutboxMessage, now: datetime) -> None:
    """Give a dead message another full round of attempts (an administrator's decision)."""
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, now
    session.flush()
