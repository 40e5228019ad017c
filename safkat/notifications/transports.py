"""Ways to deliver an e-mail: the console in development, SMTP when configured."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from typing import Protocol, TextIO


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class ConsoleTransport:
    """Prints each message; development's default, so links can be followed by hand."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream

    def send(self, message: EmailMessage) -> None:
        stream = self.stream or sys.stderr
        stream.write(f"\n----- e-mail to {message['To']} -----\n")
        stream.write(f"Subject: {message['Subject']}\n\n{message.get_body(('plain',)).get_content()}\n")
        for attachment in message.iter_attachments():
            stream.write(f"[attached: {attachment.get_filename()}, {len(attachment.get_content())} bytes]\n")
        stream.write("----- end of e-mail -----\n")
        stream.flush()


class MemoryTransport:
    """Keeps messages in a list; for tests."""

    def __init__(self):
        self.sent: list[EmailMessage] = []
        self.fail_next = 0

    def send(self, message: EmailMessage) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("simulated SMTP failure")
        self.sent.append(message)


class SMTPTransport:
    def __init__(self, host: str, port: int, username=None, password=None, use_tls=False, timeout=20):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.use_tls, self.timeout = use_tls, timeout

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)
