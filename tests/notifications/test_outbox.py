"""The outbox: messages survive failures, are retried with backoff, then parked."""

from datetime import timedelta

from safkat.notifications import services
from safkat.notifications.transports import MemoryTransport


def queue(session, clock):
    return services.enqueue_email(
        session, kind="test", recipient="a@example.dz", subject="Hello", body_text="Body", locale="fr", now=clock.now()
    )


def test_failed_delivery_is_retried_with_backoff(db_session, clock):
    transport = MemoryTransport()
    transport.fail_next = 1
    message = queue(db_session, clock)
    assert services.deliver_due(db_session, transport, "from@safkat.dz", clock.now()) == (0, 1)
    assert message.status == "pending" and message.attempts == 1 and "simulated" in message.last_error
    assert message.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert services.deliver_due(db_session, transport, "from@safkat.dz", clock.now()) == (0, 0)  # not due yet
    clock.advance(minutes=1)
    assert services.deliver_due(db_session, transport, "from@safkat.dz", clock.now()) == (1, 0)
    assert message.status == "sent" and transport.sent[0]["Subject"] == "Hello"


def test_message_is_parked_after_too_many_failures(db_session, clock):
    transport = MemoryTransport()
    transport.fail_next = 100
    message = queue(db_session, clock)
    for _ in range(services.MAX_ATTEMPTS):
        services.deliver_due(db_session, transport, "from@safkat.dz", clock.now())
        clock.advance(hours=7)
    assert message.status == "dead" and message.attempts == services.MAX_ATTEMPTS


def test_notifications_send_command(app, db_session, clock, mailbox):
    queue(db_session, clock)
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0 and "Sent 1" in result.output
    assert mailbox.sent[0]["To"] == "a@example.dz"


def test_mail_failure_during_a_request_loses_nothing(client, make, mailbox, db_session):
    from sqlalchemy import select

    from safkat.notifications.models import OutboxMessage

    mailbox.fail_next = 1
    make.bidder(email="someone@example.dz")
    assert client.post("/password/forgot", data={"email": "someone@example.dz"}).status_code == 302
    message = db_session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "someone@example.dz"))
    assert message.status == "pending" and message.attempts == 1
