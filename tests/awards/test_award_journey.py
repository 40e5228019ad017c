"""From the opening to the contract, through the services, with every rule on the way."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from safkat.awards import services as awards
from safkat.awards.models import Contract
from safkat.errors import DomainError
from safkat.evaluation import services as evaluation
from safkat.evaluation.services import Rules

RULES = Rules()
STANDSTILL = {"open": 10}


def evaluate_everything(db_session, tender, officer, reviewer, moment, eligible=lambda lot: True):
    """Every bid compliant (or not, per lot), low prices kept with a justification, reviewed."""
    for lot in tender.lots:
        lot_evaluation = evaluation.start(db_session, tender, lot, officer, RULES, moment)
        for assessment in lot_evaluation.assessments:
            ok = eligible(lot)
            evaluation.record_compliance(
                db_session,
                tender,
                assessment,
                officer,
                eligible=ok,
                reason=None if ok else "Hors délai de validité",
                technical_pass=True,
                rules=RULES,
                now=moment,
            )
            if assessment.alo_status == "flagged":
                evaluation.decide_abnormally_low(
                    db_session,
                    tender,
                    assessment,
                    officer,
                    keep=True,
                    justification="Prix expliqué",
                    rules=RULES,
                    now=moment,
                )
        evaluation.review(db_session, lot_evaluation, reviewer, moment)


def by_firm(lot_evaluation, firms):
    ids = {firm.enterprise_id: name for name, firm in firms.items()}
    return {ids[a.enterprise_id]: a for a in lot_evaluation.assessments}


def test_the_whole_journey(db_session, make, opened, clock):
    tender, officer, firms = opened
    reviewer = make.officer(authority=officer.authority)
    now = clock.now()
    lot1 = evaluation.start(db_session, tender, tender.lots[0], officer, RULES, now)
    lot2 = evaluation.start(db_session, tender, tender.lots[1], officer, RULES, now)
    assert tender.status == "evaluation" and len(lot1.assessments) == 4 and len(lot2.assessments) == 2
    one, two = by_firm(lot1, firms), by_firm(lot2, firms)
    assert one["D"].alo_status == "flagged" and one["B"].alo_status == "none"

    # B is rejected for a missing document; the others are compliant.
    evaluation.record_compliance(
        db_session,
        tender,
        one["B"],
        officer,
        eligible=False,
        reason="Attestation CNAS manquante",
        technical_pass=None,
        rules=RULES,
        now=now,
    )
    for name in "ACD":
        evaluation.record_compliance(
            db_session,
            tender,
            one[name],
            officer,
            eligible=True,
            reason=None,
            technical_pass=True,
            rules=RULES,
            now=now,
        )
    for name in "AB":
        evaluation.record_compliance(
            db_session,
            tender,
            two[name],
            officer,
            eligible=True,
            reason=None,
            technical_pass=True,
            rules=RULES,
            now=now,
        )
    assert (one["D"].rank, one["A"].rank, one["C"].rank, one["B"].rank) == (1, 2, 3, None)

    # D's price is abnormally low: it must explain; it does; the commission keeps it, in writing.
    with pytest.raises(DomainError):
        awards.publish_provisional_award(db_session, tender, officer, now, STANDSTILL)  # not reviewed
    evaluation.request_explanation(db_session, tender, one["D"], officer, "Justifiez votre prix.", now)
    evaluation.answer_explanation(db_session, one["D"], firms["D"], "Matériel déjà en stock.", now)
    evaluation.decide_abnormally_low(
        db_session,
        tender,
        one["D"],
        officer,
        keep=True,
        justification="Explication vérifiée : stock et main-d'œuvre locale.",
        rules=RULES,
        now=now,
    )
    with pytest.raises(DomainError, match="Another officer"):
        evaluation.review(db_session, lot1, officer, now)
    evaluation.review(db_session, lot1, reviewer, now)
    evaluation.review(db_session, lot2, reviewer, now)

    outcomes = awards.publish_provisional_award(db_session, tender, officer, now, STANDSTILL)
    assert tender.status == "provisional_award" and lot1.status == "locked"
    award1, award2 = (
        awards.current_award(db_session, tender.lots[0].id),
        awards.current_award(db_session, tender.lots[1].id),
    )
    assert (award1.enterprise_id, award1.amount, award1.bids_count) == (firms["D"].enterprise_id, 50_000_000, 4)
    assert award2.enterprise_id == firms["A"].enterprise_id
    b_outcome = next(o for o in outcomes if o.enterprise_id == firms["B"].enterprise_id and o.lot_number == 1)
    assert not b_outcome.won and b_outcome.reasons == ["Attestation CNAS manquante"]
    with pytest.raises(DomainError):  # locked
        evaluation.record_compliance(
            db_session, tender, one["A"], officer, eligible=False, reason="x", technical_pass=None, rules=RULES, now=now
        )

    # A losing bidder complains; the complaint is rejected with reasons.
    complaint = awards.lodge_complaint(db_session, tender, tender.lots[0].id, firms["C"], "Prix de D irréaliste.", now)
    with pytest.raises(DomainError, match="standstill"):
        awards.finalize(db_session, award1, officer, now)
    clock.advance(days=10)
    with pytest.raises(DomainError, match="complaint is pending"):
        awards.finalize(db_session, award1, officer, clock.now())
    awards.answer_complaint(
        db_session, complaint, officer, upheld=False, answer="Le prix a été justifié.", now=clock.now()
    )
    contract = awards.finalize(db_session, award1, officer, clock.now())
    awards.finalize(db_session, award2, officer, clock.now())
    assert tender.status == "awarded" and award1.status == "final"
    assert (contract.enterprise_id, contract.amount, contract.status) == (
        firms["D"].enterprise_id,
        50_000_000,
        "pending_signature",
    )
    assert db_session.scalar(select(Contract).where(Contract.lot_id == tender.lots[1].id)).amount == 200_000_000


def test_upheld_complaint_reopens_the_lot(db_session, make, opened, clock):
    tender, officer, firms = opened
    reviewer = make.officer(authority=officer.authority)
    now = clock.now()
    evaluate_everything(db_session, tender, officer, reviewer, now)
    awards.publish_provisional_award(db_session, tender, officer, now, STANDSTILL)
    complaint = awards.lodge_complaint(db_session, tender, tender.lots[0].id, firms["A"], "Erreur de calcul.", now)
    awards.answer_complaint(db_session, complaint, officer, upheld=True, answer="Erreur confirmée.", now=now)
    lot1 = evaluation.start(db_session, tender, tender.lots[0], officer, RULES, now)
    assert (lot1.status, lot1.round, tender.status) == ("in_progress", 2, "evaluation")
    assert awards.current_award(db_session, tender.lots[0].id) is None
    assert awards.current_award(db_session, tender.lots[1].id).status == "provisional"
    # A new provisional award follows for lot 1 only.
    evaluation.review(db_session, lot1, reviewer, now)
    awards.publish_provisional_award(db_session, tender, officer, now, STANDSTILL)
    assert awards.current_award(db_session, tender.lots[0].id).round == 2


def test_lot_without_compliant_offer_is_unsuccessful_and_can_be_relaunched(db_session, make, opened, clock):
    tender, officer, firms = opened
    reviewer = make.officer(authority=officer.authority)
    now = clock.now()
    evaluate_everything(db_session, tender, officer, reviewer, now, eligible=lambda lot: lot.number == 2)
    awards.publish_provisional_award(db_session, tender, officer, now, STANDSTILL)
    award1 = awards.current_award(db_session, tender.lots[0].id)
    assert (award1.status, award1.reason) == ("unsuccessful", "No compliant offer.")
    draft = awards.relaunch(db_session, tender, officer, now)
    assert draft.status == "draft" and [lot.title_fr for lot in draft.lots] == [tender.lots[0].title_fr]


@pytest.mark.parametrize("points", [{"over": 61}, {"negative": -1}])
def test_scores_outside_the_published_range_are_refused(db_session, make, clock, points):
    from safkat.tenders.models import TechnicalCriterion

    tender = make.tender(state="open", award_method="weighted", technical_weight=60, financial_weight=40)
    tender.criteria = [TechnicalCriterion(position=1, label="Méthodologie", max_points=60)]
    db_session.flush()
    tender.status = "opened"
    lot_evaluation = evaluation.start(db_session, tender, tender.lots[0], tender.created_by, RULES, clock.now())
    from safkat.evaluation.models import Assessment

    assessment = Assessment(evaluation=lot_evaluation, bid_id=1, enterprise_id=1, read_amount=1, read_vat=0)
    value = next(iter(points.values()))
    with pytest.raises(DomainError, match="from 0 to 60"):
        evaluation.record_scores(
            db_session, tender, assessment, tender.created_by, {tender.criteria[0].id: value}, RULES, clock.now()
        )


def test_evaluating_before_the_opening_is_refused(db_session, make, clock):
    tender = make.tender(state="open")
    with pytest.raises(DomainError, match="only after the opening"):
        evaluation.start(db_session, tender, tender.lots[0], tender.created_by, RULES, clock.now())


def test_rejecting_an_abnormally_low_offer_needs_an_explanation_asked(db_session, make, opened, clock):
    tender, officer, firms = opened
    lot1 = evaluation.start(db_session, tender, tender.lots[0], officer, RULES, clock.now())
    d = by_firm(lot1, firms)["D"]
    with pytest.raises(DomainError):
        evaluation.decide_abnormally_low(
            db_session, tender, d, officer, keep=False, justification="Trop bas", rules=RULES, now=clock.now()
        )
    with pytest.raises(DomainError, match="justification"):
        evaluation.decide_abnormally_low(
            db_session, tender, d, officer, keep=True, justification=" ", rules=RULES, now=clock.now()
        )


def test_complaints_only_from_bidders_and_within_the_standstill(db_session, make, opened, clock):
    tender, officer, firms = opened
    reviewer = make.officer(authority=officer.authority)
    now = clock.now()
    evaluate_everything(db_session, tender, officer, reviewer, now)
    awards.publish_provisional_award(db_session, tender, officer, now, STANDSTILL)
    outsider = make.bidder(enterprise=make.enterprise(status="verified"))
    with pytest.raises(DomainError, match="Only a firm that bid"):
        awards.lodge_complaint(db_session, tender, tender.lots[0].id, outsider, "Je conteste.", now)
    late = now + timedelta(days=10)
    with pytest.raises(DomainError, match="complaint period has ended"):
        awards.lodge_complaint(db_session, tender, tender.lots[0].id, firms["B"], "Je conteste.", late)
    awards.lodge_complaint(
        db_session, tender, tender.lots[0].id, firms["B"], "Je conteste.", late - timedelta(seconds=1)
    )


@pytest.mark.parametrize(
    ("published", "expected_end"),
    [
        ("2026-03-02T23:30:00+00:00", "2026-03-12T23:30:00+00:00"),  # 00:30 in Algiers, the next day
        ("2026-03-28T12:00:00+00:00", "2026-04-07T12:00:00+00:00"),  # across Europe's DST change: no effect
        ("2026-12-27T10:00:00+00:00", "2027-01-06T10:00:00+00:00"),  # across the new year
    ],
)
def test_standstill_arithmetic_is_in_utc(db_session, make, opened, clock, published, expected_end):
    from datetime import datetime

    tender, officer, firms = opened
    reviewer = make.officer(authority=officer.authority)
    moment = datetime.fromisoformat(published)
    evaluate_everything(db_session, tender, officer, reviewer, moment)
    awards.publish_provisional_award(db_session, tender, officer, moment, STANDSTILL)
    award = awards.current_award(db_session, tender.lots[0].id)
    assert award.standstill_ends_at == datetime.fromisoformat(expected_end)
    with pytest.raises(DomainError):
        awards.finalize(db_session, award, officer, award.standstill_ends_at - timedelta(seconds=1))
    awards.finalize(db_session, award, officer, award.standstill_ends_at)
