"""`safkat notifications send` on several machines at once never sends a message twice."""

import threading

from sqlalchemy import func, select

from safkat.notifications import services
from safkat.notifications.models import OutboxMessage
from safkat.notifications.transports import MemoryTransport
from tests.conftest import START, requires_postgresql


@requires_postgresql
def test_parallel_senders_send_each_message_once(committed):
    with committed.session() as session, session.begin():
        for n in range(60):
            services.enqueue_email(
                session, kind="t", recipient=f"r{n}@example.dz", subject=str(n), body_text="x", locale="fr", now=START
            )
    transports = [MemoryTransport() for _ in range(3)]
    barrier = threading.Barrier(3)

    def sender(transport):
        barrier.wait()
        for _ in range(5):
            with committed.session() as session, session.begin():
                services.deliver_due(session, transport, "s@safkat.dz", START)

    threads = [threading.Thread(target=sender, args=(t,)) for t in transports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    subjects = [m["Subject"] for t in transports for m in t.sent]
    assert sorted(subjects, key=int) == [str(n) for n in range(60)]  # all sent, none twice
    with committed.session() as session:
        assert session.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 60
