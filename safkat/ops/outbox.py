"""Sending the outbox so that a sender killed mid-batch never sends a message twice.

Each message is first *claimed* in a transaction of its own: it leaves the pending queue
(marked ``dead``, with a note saying that sending started) and the claim commits. Only
then is it handed to the mail server, and the outcome (sent, or pending again with a
retry delay) commits in a second transaction. A process killed between the two leaves
the message parked with that note, for an administrator to requeue from the outbox page
if it did not arrive: at most once, never silently lost. The messages not yet claimed
stay pending for the next run. Claims also keep parallel senders apart on any database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from safkat.db import Database
from safkat.faults import checkpoint
from safkat.notifications import services
from safkat.notifications.models import OutboxMessage, OutboxStatus
from safkat.notifications.transports import Transport
from safkat.storage import FileStore

INTERRUPTED = "sending was interrupted: the message may or may not have been delivered; requeue it if it was not"


def claim_next(session: Session, now: datetime) -> int | None:
    """Take the next due message out of the queue; its id, or ``None`` when none is due."""
    for message in services.due_messages(session, now, limit=5):
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.DEAD, last_error=INTERRUPTED)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            return message.id
    return None


def send_claimed(
    session: Session,
    message_id: int,
    transport: Transport,
    sender: str,
    now: datetime,
    files: FileStore | None = None,
    issue: services.IssueDocument | None = None,
) -> bool:
    """Send a claimed message and record the outcome (the caller commits); ``files`` holds
    the issued documents some messages carry as attachments, ``issue`` issues those still
    to issue."""
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    message.status, message.last_error = OutboxStatus.PENDING, None  # deliver() sets the outcome
    delivered = services.deliver(session, message, transport, sender, now, files=files, issue=issue)
    checkpoint("outbox.sent")
    return delivered


def send_due(
    database: Database,
    transport: Transport,
    sender: str,
    now: datetime,
    files: FileStore | None = None,
    limit: int = 1000,
    issue: services.IssueDocument | None = None,
) -> tuple[int, int]:
    """Send up to ``limit`` due messages, one transaction pair each; returns (sent, failed)."""
    sent = failed = 0
    for _ in range(limit):
        with database.session() as session, session.begin():
            message_id = claim_next(session, now)
        if message_id is None:
            break
        with database.session() as session, session.begin():
            if send_claimed(session, message_id, transport, sender, now, files, issue):
                sent += 1
            else:
                failed += 1
    return sent, failed
