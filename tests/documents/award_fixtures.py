"""An awarded call for tender, for the evaluation and award documents.

Two lots, three firms (one with an Arabic name whose member reads Arabic):

- lot 1 « Génie civil » / « الهندسة المدنية »: A 1,000,000 (+190,000 VAT) wins; C 1,050,000
  ranks 2; B 950,000 is rejected (« Attestation CNAS manquante »);
- lot 2: C 1,900,000 wins; A 2,000,000 ranks 2.

The evaluation is recorded through the services, reviewed by a second officer, and the
provisional award is published through the web, as the officer does it.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from safkat.bids import opening as bid_opening
from safkat.bids.models import Bid
from safkat.evaluation import services as evaluation
from safkat.evaluation.models import Assessment
from safkat.evaluation.services import Rules
from tests.bids.helpers import post_bid

ARABIC_FIRM = "مؤسسة النور للبناء"  # no lam-alef: pdftotext reads that ligature out of order
REJECTION = "Attestation CNAS manquante"


def _evaluate(db_session, tender, officer, reviewer, moment):
    for lot in tender.lots:
        lot_evaluation = evaluation.start(db_session, tender, lot, officer, Rules(), moment)
        for assessment in lot_evaluation.assessments:
            rejected = assessment.enterprise.name == ARABIC_FIRM
            evaluation.record_compliance(
                db_session,
                tender,
                assessment,
                officer,
                eligible=not rejected,
                reason=REJECTION if rejected else None,
                technical_pass=True,
                rules=Rules(),
                now=moment,
            )
        evaluation.review(db_session, lot_evaluation, reviewer, moment)


@pytest.fixture
def evaluated(make, login, db_session, app, clock):
    """The tender opened and evaluated, the award not yet published."""
    officer = make.officer()
    tender = make.tender(state="open", lots=2, authority=officer.authority, created_by=officer)
    tender.lots[0].title_fr, tender.lots[0].title_ar = "Génie civil", "الهندسة المدنية"
    for lot in tender.lots:
        lot.estimated_amount = None
    firms = {
        "A": make.bidder(enterprise=make.enterprise(name="SARL Fibre Oranaise")),
        "B": make.bidder(enterprise=make.enterprise(name=ARABIC_FIRM), locale="ar"),
        "C": make.bidder(enterprise=make.enterprise(name="Firme C")),
    }
    amounts = {
        "A": {1: ("1000000", "190000"), 2: ("2000000", "380000")},
        "B": {1: ("950000", "0")},
        "C": {1: ("1050000", "0"), 2: ("1900000", "0")},
    }
    for name, firm in firms.items():
        assert post_bid(login(firm), tender, amounts=amounts[name]).status_code == 302
    clock.set(tender.submission_deadline_at + timedelta(hours=1))
    make.hand_in_shares(tender)
    bid_opening.open_bids(
        db_session, tender, officer, app.extensions["safkat.keys"], app.extensions["safkat.files"], clock.now()
    )
    _evaluate(db_session, tender, officer, make.officer(authority=officer.authority), clock.now())
    db_session.flush()
    return SimpleNamespace(tender=tender, officer=officer, firms=firms)


@pytest.fixture
def awarded(evaluated, login, db_session, mailbox, send_outbox):
    """The provisional award published by the officer (notice and reports issued), and the
    e-mails sent by the sender (which issues each bidder's letter)."""
    send_outbox()  # the receipts of the bids, first
    mailbox.sent.clear()
    response = login(evaluated.officer).post(f"/officer/tenders/{evaluated.tender.id}/award", data={})
    assert response.status_code == 302
    send_outbox()
    db_session.expire_all()
    return evaluated


def bid_of(db_session, firm) -> Bid:
    return db_session.scalar(select(Bid).where(Bid.enterprise_id == firm.enterprise_id, Bid.status == "submitted"))


def assessment_of(db_session, firm, lot_number: int) -> Assessment:
    return next(
        a
        for a in db_session.scalars(select(Assessment).where(Assessment.enterprise_id == firm.enterprise_id))
        if a.evaluation.lot.number == lot_number
    )


def letter_url(db_session, firm, lot_number: int, lang: str) -> str:
    assessment = assessment_of(db_session, firm, lot_number)
    return f"/bids/{assessment.bid_id}/letters/{assessment.id}/{lang}.pdf"
