"""Missing documents: asked through the platform, supplied by the firm, read by the commission only."""

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safkat.audit import AuditEvent
from safkat.bids.models import OpenedBid
from safkat.commission.models import DocumentRequest, SuppliedDocument
from safkat.notifications.models import Notification

ATTESTATION = b"%PDF-1.7\nattestation de mise a jour fiscale"


def firm_a_row(db_session, cast) -> OpenedBid:
    return next(r for r in db_session.scalars(select(OpenedBid)) if r.bid.enterprise_id == cast.firm.enterprise_id)


def ask(client, cast, row, document="tax_certificate", note="L'extrait de rôle manque."):
    url = f"/officer/tenders/{cast.tender.id}/bids/{row.id}/document-requests?lang=fr"
    return client.post(url, data={"document": document, "note": note}, follow_redirects=True)


def supply(client, asked, content=ATTESTATION, name="extrait-role.pdf"):
    return client.post(
        f"/document-requests/{asked.id}?lang=fr",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_the_commission_asks_the_firm_is_told_and_supplies_the_document(
    opened, login, db_session, clock, send_outbox, mailbox
):
    row = firm_a_row(db_session, opened)
    page = ask(login(opened.members[1]), opened, row).get_data(as_text=True)
    assert "La demande est envoyée" in page
    asked = db_session.scalar(select(DocumentRequest))
    assert asked.due_at == clock.now() + timedelta(days=10)  # the default delay
    send_outbox()
    [mail] = [m for m in mailbox.sent if m["To"] == opened.firm.email and "document manquant" in m["Subject"]]
    assert "Extrait de rôle" in mail.get_content() and "L'extrait de rôle manque." in mail.get_content()
    [note] = db_session.scalars(select(Notification).where(Notification.user_id == opened.firm.id)).all()[-1:]
    assert note.kind == "document_request" and f"/document-requests/{asked.id}" in note.link
    firm = login(opened.firm)
    bid_page = firm.get(f"/bids/{row.bid_id}?lang=en").get_data(as_text=True)
    assert "The commission asks you for a missing document" in bid_page
    assert supply(firm, asked).status_code == 302
    supplied = db_session.scalar(select(SuppliedDocument))
    assert supplied.original_name == "extrait-role.pdf" and supplied.request_id == asked.id
    url = f"/officer/tenders/{opened.tender.id}/document-requests/{asked.id}/files/{supplied.id}"
    response = login(opened.chair).get(url)
    assert response.status_code == 200 and response.data == ATTESTATION
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    for user in (opened.outsider, opened.other_authority, opened.other_firm, opened.firm):
        assert login(user).get(url).status_code == 403
    actions = [e.action for e in db_session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    steps = ["commission.document_requested", "commission.document_supplied", "commission.supplied_read"]
    assert [action for action in actions if action in steps] == steps
    requested = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "commission.document_requested"))
    assert json.loads(requested.details)["member"] == "Nadia Saïdi"


def test_the_offer_itself_is_never_asked_for(opened, login, db_session):
    row = firm_a_row(db_session, opened)
    for document in ("financial_offer", "technical_offer", "anything_else"):
        page = ask(login(opened.chair), opened, row, document=document).get_data(as_text=True)
        assert "jamais l&#39;offre elle-même" in page
    assert count(db_session, DocumentRequest) == 0


def test_only_members_ask(opened, login, db_session):
    row = firm_a_row(db_session, opened)
    for user in (opened.outsider, opened.other_authority, opened.firm):
        assert ask(login(user), opened, row).status_code == 403
    assert count(db_session, DocumentRequest) == 0


def test_after_the_delay_the_upload_is_refused(opened, login, db_session, clock):
    row = firm_a_row(db_session, opened)
    ask(login(opened.chair), opened, row)
    asked = db_session.scalar(select(DocumentRequest))
    clock.set(asked.due_at + timedelta(seconds=1))
    response = supply(login(opened.firm), asked)
    assert response.status_code == 422 and "Le délai pour fournir ce document est écoulé." in response.get_data(
        as_text=True
    )
    assert count(db_session, SuppliedDocument) == 0


def test_the_upload_is_checked_like_any_other(opened, login, db_session):
    row = firm_a_row(db_session, opened)
    ask(login(opened.chair), opened, row)
    asked = db_session.scalar(select(DocumentRequest))
    response = supply(login(opened.firm), asked, content=b"MZ\x90\x00 not a document", name="virus.exe")
    assert response.status_code == 422
    assert count(db_session, SuppliedDocument) == 0
    assert supply(login(opened.other_firm), asked).status_code == 403


def test_the_lots_decision_waits_until_the_delay_ends_and_the_report_says_it(
    opened, login, db_session, clock, tmp_path
):
    from safkat.awards import services as awards
    from safkat.documents.award_values import evaluation_report_values
    from safkat.documents.render import render_pdf
    from safkat.errors import DomainError
    from safkat.evaluation import services as evaluation
    from tests.documents.conftest import pdf_text

    tender, chair, member = opened.tender, opened.chair, opened.members[1]
    lot_evaluation = evaluation.start(db_session, tender, tender.lots[0], chair, evaluation.Rules(), clock.now())
    for assessment in lot_evaluation.assessments:
        evaluation.record_compliance(
            db_session,
            tender,
            assessment,
            chair,
            eligible=True,
            reason=None,
            technical_pass=True,
            rules=evaluation.Rules(),
            now=clock.now(),
        )
        if assessment.alo_status == "flagged":
            evaluation.decide_abnormally_low(
                db_session,
                tender,
                assessment,
                chair,
                keep=True,
                justification="Prix justifié.",
                rules=evaluation.Rules(),
                now=clock.now(),
            )
    evaluation.review(db_session, lot_evaluation, member, clock.now())
    ask(login(chair), opened, firm_a_row(db_session, opened))
    asked = db_session.scalar(select(DocumentRequest))
    with pytest.raises(DomainError, match="the decision waits"):
        awards.publish_provisional_award(db_session, tender, chair, clock.now(), {})
    clock.set(asked.due_at + timedelta(minutes=1))
    assert awards.publish_provisional_award(db_session, tender, chair, clock.now(), {})
    report = evaluation_report_values(tender, "ar")
    missing = [m for lot in report["lots"] for a in lot["assessments"] for m in a["missing_documents"]]
    assert missing == [
        {
            "name": "Tax clearance certificate",
            "requested_at": asked.requested_at,
            "due_at": asked.due_at,
            "supplied_at": None,
        }
    ]
    stamp = {
        "title": "Evaluation report",
        "code": "X",
        "verification_url": "http://t",
        "version": 1,
        "issued_at": asked.due_at,
    }
    text = pdf_text(render_pdf("pdf/evaluation_report.html", report | {"document": stamp}, "ar"), tmp_path)
    assert "الوضعية الجبائية" in text, text


def test_the_delay_and_the_list_are_settings(app, opened, login, db_session, clock, monkeypatch):
    monkeypatch.setitem(app.config, "MISSING_DOCUMENT_DAYS", 3)
    monkeypatch.setitem(app.config, "COMPLETABLE_DOCUMENTS", ("statutes",))
    row = firm_a_row(db_session, opened)
    assert "jamais l&#39;offre" in ask(login(opened.chair), opened, row).get_data(as_text=True)  # not listed now
    ask(login(opened.chair), opened, row, document="statutes")
    asked = db_session.scalar(select(DocumentRequest))
    assert asked.document == "statutes" and asked.due_at == clock.now() + timedelta(days=3)
