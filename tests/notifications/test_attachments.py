"""E-mails carry issued documents as PDF attachments, read from the store when sent."""

import email
import email.policy
import hashlib
import time
from collections import Counter

from aiosmtpd.controller import Controller
from sqlalchemy import inspect, select

from safkat.documents import services as documents
from safkat.documents.models import IssuedDocument
from safkat.notifications import services
from safkat.notifications.models import OutboxAttachment, OutboxMessage
from safkat.notifications.transports import SMTPTransport
from tests.bids.helpers import post_bid
from tests.notifications.test_smtp import Inbox, free_port

SENDER = "Safkat <no-reply@safkat.dz>"


def pdf_attachments(message) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


def issued_notice(app, make, db_session):
    from safkat.documents.views import platform_signer

    tender = make.tender(state="open")
    issuer = documents.Issuer(app.extensions["safkat.files"], platform_signer(app), "http://safkat.test")
    return tender, documents.document_for(db_session, "tender_notice", tender, "fr", issuer, tender.created_at)


def stored_bytes(app, document: IssuedDocument) -> bytes:
    return app.extensions["safkat.files"].path_for(document.storage_key).read_bytes()


def test_the_receipt_email_carries_the_receipt_pdf(app, login, make, mailbox, db_session, send_outbox):
    tender = make.tender(state="open")
    firm = make.bidder(enterprise=make.enterprise(name="SARL Fibre Oranaise"))
    arabic_colleague = make.bidder(enterprise=firm.enterprise, locale="ar")
    assert post_bid(login(firm), tender).status_code == 302
    # The submission renders no PDF: the bidder is not kept waiting in the last-minute rush.
    assert db_session.scalars(select(IssuedDocument)).all() == [] and mailbox.sent == []
    assert "Sent 2, failed 0" in send_outbox()
    by_recipient = {message["To"]: message for message in mailbox.sent}
    receipts = {d.language: d for d in db_session.scalars(select(IssuedDocument))}
    for person, lang in ((firm, "fr"), (arabic_colleague, "ar")):
        [(filename, data)] = pdf_attachments(by_recipient[person.email])
        document = receipts[lang]
        assert document.kind == "bid_receipt" and document.recipient_enterprise_id == firm.enterprise_id
        assert filename == f"safkat-receipt-{tender.url_reference}-{document.subject.split(':')[1]}-{lang}.pdf"
        assert data == stored_bytes(app, document) and hashlib.sha256(data).hexdigest() == document.sha256
    assert by_recipient[firm.email].get_body(("plain",)).get_content().strip(), "the text is still there"
    attachments = db_session.scalars(select(OutboxAttachment)).all()
    assert sorted(a.document_id for a in attachments) == sorted(d.id for d in receipts.values()), "recorded"


def test_a_receipt_that_cannot_be_issued_does_not_hold_the_email(
    app, login, make, mailbox, db_session, send_outbox, monkeypatch
):
    from safkat.documents.signing import PlatformSigner, SigningError

    def refuse(self, pdf, **kwargs):
        raise SigningError("the token is not plugged in")

    tender, firm = make.tender(state="open"), make.bidder()
    assert post_bid(login(firm), tender).status_code == 302
    monkeypatch.setattr(PlatformSigner, "sign", refuse)
    assert "Sent 1, failed 0" in send_outbox()
    [message] = mailbox.sent
    assert message["To"] == firm.email and pdf_attachments(message) == [], "told at once, without the PDF"
    assert db_session.scalars(select(IssuedDocument)).all() == [], "nothing half-issued"
    [attachment] = db_session.scalars(select(OutboxAttachment)).all()
    assert attachment.is_to_issue, "still named, for the download to issue it"


def test_each_bidder_gets_its_own_letter(app, awarded, mailbox, db_session):
    firms = awarded.firms
    names = {firm.email: name for name, firm in firms.items()}
    letters = Counter()
    for message in mailbox.sent:
        for filename, data in pdf_attachments(message):
            document = documents.find_by_digest(db_session, hashlib.sha256(data).hexdigest())
            firm = firms[names[message["To"]]]
            assert document.recipient_enterprise_id == firm.enterprise_id, "its own letter, not another firm's"
            assert document.kind in ("winner_letter", "unsuccessful_letter")
            assert filename.endswith(f"-{'ar' if firm.locale == 'ar' else 'fr'}.pdf")
            letters[message["To"]] += 1
    # one e-mail per firm, with a letter per lot: A and C on both lots, B on lot 1
    assert letters == {firms["A"].email: 2, firms["B"].email: 1, firms["C"].email: 2}
    assert len(mailbox.sent) == 3


def test_the_outbox_keeps_a_reference_not_the_bytes(app, make, db_session):
    _tender, document = issued_notice(app, make, db_session)
    message = services.enqueue_email(
        db_session,
        kind="t",
        recipient="a@example.dz",
        subject="Avis",
        body_text="Ci-joint.",
        locale="fr",
        now=document.issued_at,
        attachments=[(document.id, "avis.pdf")],
    )
    [attachment] = message.attachments
    assert attachment.document_id == document.id and attachment.filename == "avis.pdf"
    columns = {column.key for column in inspect(OutboxAttachment).columns}
    assert columns == {"id", "message_id", "document_id", "filename", "issue_kind", "issue_subject", "issue_language"}


def queue_with_attachment(db_session, document, clock) -> OutboxMessage:
    return services.enqueue_email(
        db_session,
        kind="t",
        recipient="firm@example.dz",
        subject="Avis d'appel d'offres",
        body_text="Bonjour — مرحبا, l'avis est joint.",
        locale="fr",
        now=clock.now(),
        attachments=[(document.id, "safkat-avis.pdf")],
    )


def test_an_altered_or_unreadable_attachment_holds_the_message(app, make, db_session, clock, mailbox):
    _tender, document = issued_notice(app, make, db_session)
    message = queue_with_attachment(db_session, document, clock)
    assert services.deliver_due(db_session, mailbox, SENDER, clock.now()) == (0, 1)
    assert message.status == "pending" and "file store" in message.last_error, "never sent without its PDF"
    path = app.extensions["safkat.files"].path_for(document.storage_key)
    path.write_bytes(path.read_bytes() + b"%tampered")
    clock.advance(minutes=5)
    assert services.deliver_due(db_session, mailbox, SENDER, clock.now(), app.extensions["safkat.files"]) == (0, 1)
    assert message.status == "pending" and "differs from the issued document" in message.last_error
    assert mailbox.sent == []


def test_smtp_sends_a_multipart_message_with_the_pdf(app, make, db_session, clock):
    _tender, document = issued_notice(app, make, db_session)
    queue_with_attachment(db_session, document, clock)
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        transport = SMTPTransport("127.0.0.1", port, timeout=5)
        files = app.extensions["safkat.files"]
        assert services.deliver_due(db_session, transport, SENDER, clock.now(), files) == (1, 0)
        deadline = time.monotonic() + 5
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        controller.stop()
    [envelope] = inbox.messages
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert received.get_content_type() == "multipart/mixed"
    assert "مرحبا" in received.get_body(("plain",)).get_content()
    [(filename, data)] = pdf_attachments(received)
    assert filename == "safkat-avis.pdf" and data == stored_bytes(app, document)
