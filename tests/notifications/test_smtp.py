"""Delivery through a real SMTP server on 127.0.0.1, including a failure and a retry."""

import socket
import time

import pytest
from aiosmtpd.controller import Controller

from safkat.notifications import services
from safkat.notifications.transports import SMTPTransport


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


def test_failure_then_retry_delivers_once(db_session, clock, smtp_port):
    transport = SMTPTransport("127.0.0.1", smtp_port, timeout=2)
    message = services.enqueue_email(
        db_session,
        kind="t",
        recipient="firm@example.dz",
        subject="Accusé",
        body_text="Bonjour — مرحبا",
        locale="fr",
        now=clock.now(),
    )
    # No server yet: the attempt fails, the message waits.
    assert services.deliver_due(db_session, transport, "Safkat <no-reply@safkat.dz>", clock.now()) == (0, 1)
    assert message.status == "pending" and message.attempts == 1 and message.last_error
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        clock.advance(minutes=1)
        assert services.deliver_due(db_session, transport, "Safkat <no-reply@safkat.dz>", clock.now()) == (1, 0)
        assert services.deliver_due(db_session, transport, "Safkat <no-reply@safkat.dz>", clock.now()) == (0, 0)
        deadline = time.monotonic() + 5
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["firm@example.dz"]
    assert (
        "مرحبا".encode() in envelope.original_content
        or b"=?utf-8?" in envelope.original_content
        or b"base64" in envelope.original_content
    )
    assert message.status == "sent"
