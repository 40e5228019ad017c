"""`safkat notifications send` claims each message before sending it (safkat/ops/outbox.py)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from safkat.db import Database
from safkat.notifications.models import OutboxMessage
from safkat.notifications.services import enqueue_email
from safkat.notifications.transports import MemoryTransport
from safkat.ops.outbox import send_due
from tests.conftest import requires_postgresql


def queue(instance, count: int) -> None:
    with instance.session() as session:
        for n in range(count):
            enqueue_email(
                session,
                kind="t",
                recipient=f"r{n}@x.dz",
                subject=str(n),
                body_text="x",
                locale="fr",
                now=instance.clock.now(),
            )
        session.commit()


def test_failures_stay_pending_with_their_retry_and_are_not_parked(instances):
    instance = instances("sqlite")
    queue(instance, 3)
    transport = MemoryTransport()
    transport.fail_next = 1
    assert send_due(Database(engine=instance.engine), transport, "s@safkat.dz", instance.clock.now()) == (2, 1)
    with instance.session() as session:
        failed = session.scalar(select(OutboxMessage).where(OutboxMessage.status == "pending"))
        assert failed.attempts == 1 and "simulated SMTP failure" in failed.last_error
        assert failed.next_attempt_at > instance.clock.now()
        assert session.scalar(select(func.count()).where(OutboxMessage.status == "dead")) == 0


@requires_postgresql
def test_parallel_senders_send_each_message_once(instances):
    instance = instances("postgresql")
    queue(instance, 60)
    transports = [MemoryTransport() for _ in range(3)]
    barrier = threading.Barrier(3)

    def sender(transport):
        barrier.wait()
        send_due(Database(engine=instance.engine), transport, "s@safkat.dz", instance.clock.now())

    threads = [threading.Thread(target=sender, args=(t,)) for t in transports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    subjects = sorted((m["Subject"] for t in transports for m in t.sent), key=int)
    assert subjects == [str(n) for n in range(60)]  # all sent, none twice
    with instance.session() as session:
        assert session.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 60
