"""The world the route × role matrix runs in: one of every object a URL can name.

Authority A owns three tenders: a draft, an open one (with firm 1's sealed bid, a question,
an unfinished resumable upload) and one past its provisional award (two firms' bids opened
and evaluated, a complaint pending on lot 1, lot 2 awarded for good with its contract).
Authority B is somebody else. The official PDFs are issued beforehand so that the matrix
does not render them again for each role.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from safkat.accounts.models import DocumentKind, EnterpriseDocument
from safkat.awards import services as awards
from safkat.awards.models import Complaint, Contract, LotAward
from safkat.bids import opening, uploads
from safkat.bids import services as bids
from safkat.bids.models import Opening
from safkat.documents import services as documents
from safkat.documents.views import make_issuer
from safkat.evaluation import services as evaluation
from safkat.notifications.models import Notification, OutboxMessage, OutboxStatus
from safkat.opendata.models import OcdsRelease
from safkat.opendata.stats_views import PUBLIC_CHARTS
from safkat.tenders import services as tenders
from tests.security.lifecycle_support import bid_input

ROLES = ("anonymous", "unverified", "verified", "other_firm", "officer", "other_officer", "admin")
MAX_BYTES = 1024 * 1024
RULES = evaluation.Rules()


@dataclass
class MatrixWorld:
    users: dict[str, object]  # role → user (None for anonymous)
    args: dict[str, dict[str, object]] = field(default_factory=dict)  # tender kind → URL arguments


def build_world(app, session, make, clock) -> MatrixWorld:
    store, keys = app.extensions["safkat.files"], app.extensions["safkat.keys"]
    officer = make.officer()
    authority = officer.authority
    reviewer = make.officer(authority=authority)
    firm1 = make.bidder(enterprise=make.enterprise(status="verified"))
    firm2 = make.bidder(enterprise=make.enterprise(status="verified"))
    users = {
        "anonymous": None,
        "unverified": make.bidder(enterprise=make.enterprise(status="pending")),
        "verified": firm1,
        "other_firm": firm2,
        "officer": officer,
        "other_officer": make.officer(),
        "admin": make.admin(),
    }

    def submit(tender, firm, lots, amount, key):
        return bids.submit(
            session, tender, firm, bid_input(tender, lots, amount), store, keys, MAX_BYTES, clock.now(), key
        )

    # The tender past its provisional award.
    awarded = make.tender(state="open", authority=authority, created_by=officer, lots=2)
    awarded_bid, _receipt = submit(awarded, firm1, (0, 1), 480_000, "w-1")
    submit(awarded, firm2, (0,), 490_000, "w-2")
    clock.set(awarded.submission_deadline_at + timedelta(hours=1))
    make.hand_in_shares(awarded)
    minutes = opening.open_bids(session, awarded, officer, keys, store, clock.now())
    for lot in awarded.lots:
        lot_evaluation = evaluation.start(session, awarded, lot, officer, RULES, clock.now())
        for assessment in lot_evaluation.assessments:
            evaluation.record_compliance(
                session,
                awarded,
                assessment,
                officer,
                eligible=True,
                reason=None,
                technical_pass=True,
                rules=RULES,
                now=clock.now(),
            )
        evaluation.review(session, lot_evaluation, reviewer, clock.now())
    awards.publish_provisional_award(session, awarded, officer, clock.now(), {"open": 10})
    complaint = awards.lodge_complaint(
        session, awarded, awarded.lots[0].id, firm2, "Mon offre est conforme.", clock.now()
    )
    clock.advance(days=11)
    final = awards.current_award(session, awarded.lots[1].id)
    contract = awards.finalize(session, final, officer, clock.now())
    provisional = awards.current_award(session, awarded.lots[0].id)
    milestone, invoice = _execution(session, store, keys, contract, officer, firm1, clock)

    # The open tender, with firm 1's bid, a question and an unfinished upload.
    tender = make.tender(state="open", authority=authority, created_by=officer, lots=2)
    bid, receipt = submit(tender, firm1, (0, 1), 470_000, "o-1")
    question = tenders.ask_question(session, tender, firm1, "Le lot 2 comprend-il la pose ?", clock.now())
    upload = uploads.start(
        session,
        tender,
        firm1,
        kind="technical",
        filename="memoire.pdf",
        size=10,
        sha256="0" * 64,
        keys=keys,
        store=store,
        max_bytes=MAX_BYTES,
        now=clock.now(),
    )
    draft = make.tender(state="draft", authority=authority, created_by=officer, lots=2)

    issuer = make_issuer(app)
    notice = documents.document_for(session, "tender_notice", tender, "fr", issuer, clock.now(), officer)
    documents.document_for(session, "opening_minutes", minutes, "fr", issuer, clock.now(), officer)
    documents.document_for(session, "bid_receipt", receipt, "fr", issuer, clock.now(), firm1)

    stored = store.save(io.BytesIO(b"%PDF-1.7\nregistre"), max_bytes=MAX_BYTES, allowed_types={"application/pdf"})
    enterprise_document = EnterpriseDocument(
        enterprise_id=firm1.enterprise_id,
        kind=DocumentKind.TRADE_REGISTER,
        original_name="rc.pdf",
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        storage_key=stored.storage_key,
        uploaded_at=clock.now(),
        uploaded_by_id=firm1.id,
    )
    notification = Notification(
        user_id=firm1.id,
        kind="tender_amended",
        tender_id=tender.id,
        text="Avis modifié",
        link="/tenders",
        created_at=clock.now(),
    )
    message = OutboxMessage(
        kind="verify_email",
        recipient="x@example.dz",
        locale="fr",
        subject="S",
        body_text="B",
        status=OutboxStatus.DEAD,
        attempts=5,
        created_at=clock.now(),
        next_attempt_at=clock.now(),
    )
    bystander = make.officer(authority=authority)  # the account the administrator's toggle may switch off
    session.add_all([enterprise_document, notification, message])
    session.flush()
    opened_bid = next(row for row in minutes.rows if row.bid_id == awarded_bid.id)
    asked, supplied = _document_asked_and_supplied(session, store, awarded, opened_bid, officer, firm1, clock.now())

    common = {
        "authority_id": authority.id,
        "user_id": bystander.id,
        "enterprise_id": firm1.enterprise_id,
        "notification_id": notification.id,
        "message_id": message.id,
        "bid_id": bid.id,
        "receipt_id": receipt.id,
        "edition": "fr",
        "chart": PUBLIC_CHARTS[0],
        "filename": "css/safkat.css",
        "token": upload.token,
        "garbage_token": "not-a-valid-token",
        "code": notice.code,
        "authority_code": authority.code,
        "enterprise_document_id": enterprise_document.id,
        "question_id": question.id,
        "assessment_id": provisional.assessment_id,
        "award_id": provisional.id,
        "final_award_id": final.id,
        "awarded_bid_id": awarded_bid.id,
        "complaint_id": complaint.id,
        "contract_id": contract.id,
        "milestone_id": milestone.id,
        "invoice_id": invoice.id,
        "kind": "service-order",
        "ocid": session.scalar(select(OcdsRelease.ocid).where(OcdsRelease.tender_id == awarded.id)),
        "opened_bid_id": opened_bid.id,
        "opened_document_id": opened_bid.documents[0].id,
        "request_id": asked.id,
        "file_id": supplied.id,
    }
    world = MatrixWorld(users)
    for kind, subject in (("open", tender), ("draft", draft), ("awarded", awarded)):
        world.args[kind] = common | {
            "tender_id": subject.id,
            "url_reference": subject.url_reference or "NONE-2026-0001",
            "lot_id": subject.lots[0].id,
            "document_id": subject.documents[0].id,
        }
    assert session.get(Opening, awarded.id) and session.get(Complaint, complaint.id).status == "pending"
    assert session.get(Contract, contract.id) and session.get(LotAward, provisional.id).status == "provisional"
    return world


def _execution(session, store, keys, contract, officer, firm, clock):
    """Firm 1's contract signed and started, with a milestone and an invoice whose payment is ordered."""
    from safkat.execution import invoices as invoicing
    from safkat.execution import services as execution
    from safkat.execution.payment_clock import local_date

    now = clock.now()
    awards.sign_contract(session, contract, officer, now)
    execution.order_service(session, contract, officer, starts_on=local_date(now), execution_days=60, now=now)
    milestone = execution.add_milestone(session, contract, officer, title="Tronçon A", due_on=local_date(now), now=now)
    stored = store.save(io.BytesIO(b"%PDF-1.7\nfacture"), max_bytes=MAX_BYTES, allowed_types={"application/pdf"})
    invoice = invoicing.submit_invoice(
        session, contract, firm, number="F-1", amount=100_000_00, document=("f.pdf", stored.storage_key,
        stored.sha256), terms=execution.PaymentTerms(), signing_key=keys.signing_key, now=now,
    )  # fmt: skip
    invoicing.approve_invoice(session, invoice, officer, now)
    invoicing.order_payment(session, invoice, officer, ordered_on=local_date(now), now=now)
    return milestone, invoice


def _document_asked_and_supplied(session, store, tender, opened_bid, officer, firm, now):
    """A missing document the commission asked firm 1 for, and the file it sent (rows made
    directly: the tender is past the stage where the services take them)."""
    from safkat.commission.models import DocumentRequest, SuppliedDocument

    asked = DocumentRequest(
        tender_id=tender.id,
        bid_id=opened_bid.bid_id,
        document="tax_certificate",
        note="",
        requested_by_id=officer.id,
        requested_at=now,
        due_at=now + timedelta(days=10),
    )
    stored = store.save(io.BytesIO(b"%PDF-1.7\nattestation"), max_bytes=MAX_BYTES, allowed_types={"application/pdf"})
    supplied = SuppliedDocument(
        request=asked,
        original_name="attestation.pdf",
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        storage_key=stored.storage_key,
        uploaded_by_id=firm.id,
        uploaded_at=now,
    )
    session.add_all([asked, supplied])
    session.flush()
    return asked, supplied
