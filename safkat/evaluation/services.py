"""Evaluation operations, lot by lot. Knows no Flask.

Every change recomputes the lot's scores and ranking (``scoring.rank``), sends a reviewed
evaluation back to "in progress", and writes an audit event. A locked evaluation (award
proposed) refuses every change until a complaint is upheld and the lot is reopened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat import audit
from safkat.accounts.models import User
from safkat.bids.models import Bid, OpenedBid
from safkat.errors import N_, DomainError, PermissionDenied
from safkat.evaluation import scoring
from safkat.evaluation.models import Assessment, LotEvaluation, TechnicalScore
from safkat.statemachine import StateMachine
from safkat.tenders.models import AwardMethod, Lot, Tender, TenderStatus

EVALUATION_LIFECYCLE = StateMachine(
    "evaluation",
    {
        ("in_progress", "edit"): "in_progress",
        ("reviewed", "edit"): "in_progress",
        ("in_progress", "review"): "reviewed",
        ("reviewed", "lock"): "locked",
        ("locked", "reopen"): "in_progress",
    },
)
ALO_STEPS = StateMachine(
    "abnormally low offer",
    {
        ("flagged", "request"): "explanation_requested",
        ("explanation_requested", "answer"): "explained",
        ("explained", "answer"): "explained",
        ("flagged", "keep"): "kept",
        ("explanation_requested", "keep"): "kept",
        ("explained", "keep"): "kept",
        ("explanation_requested", "reject"): "rejected",
        ("explained", "reject"): "rejected",
    },
)


@dataclass(frozen=True)
class Rules:
    """Evaluation settings of the platform."""

    abnormally_low_threshold: Decimal = Decimal("0.20")
    national_preference_margin: Decimal = Decimal("0.25")


def _log(session, actor, evaluation: LotEvaluation, action: str, now, **details) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"evaluation.{action}",
        object_type="lot",
        object_id=evaluation.lot_id,
        now=now,
        round=evaluation.round,
        **details,
    )


def start(session: Session, tender: Tender, lot: Lot, actor: User, rules: Rules, now: datetime) -> LotEvaluation:
    """Start the lot's evaluation (a member's POST) from the opening's intact bids; idempotent."""
    if tender.status not in (TenderStatus.OPENED, TenderStatus.EVALUATION, TenderStatus.PROVISIONAL_AWARD):
        raise DomainError(N_("Bids are evaluated only after the opening."))
    evaluation = session.scalar(select(LotEvaluation).where(LotEvaluation.lot_id == lot.id))
    if evaluation is not None:
        return evaluation
    evaluation = LotEvaluation(
        tender_id=tender.id, lot_id=lot.id, status="in_progress", round=1, updated_by_id=actor.id, updated_at=now
    )
    session.add(evaluation)
    rows = session.scalars(
        select(OpenedBid).join(Bid).where(OpenedBid.tender_id == tender.id, OpenedBid.is_intact.is_(True))
    ).all()
    for row in rows:
        amount = json.loads(row.amounts).get(str(lot.number))
        if amount is None:
            continue
        evaluation.assessments.append(
            Assessment(
                bid_id=row.bid_id,
                enterprise_id=row.bid.enterprise_id,
                read_amount=amount["excl_vat"],
                read_vat=amount["vat"],
                alo_status="none",
                national_preference=False,
                technical_pass=None if tender.award_method == AwardMethod.LOWEST_PRICE else True,
            )
        )
    if tender.status == TenderStatus.OPENED:
        tender.status = TenderStatus.EVALUATION
        tender.changed_at = now
    session.flush()
    recompute(tender, evaluation, rules)
    _log(session, actor, evaluation, "started", now, bids=len(evaluation.assessments))
    return evaluation


def _editable(evaluation: LotEvaluation, actor: User, now: datetime) -> None:
    evaluation.status = EVALUATION_LIFECYCLE.next_state(evaluation.status, "edit")
    evaluation.updated_by_id, evaluation.updated_at = actor.id, now
    evaluation.reviewed_by_id = evaluation.reviewed_at = None


def record_compliance(
    session,
    tender,
    assessment: Assessment,
    actor,
    *,
    eligible: bool,
    reason: str | None,
    technical_pass: bool | None,
    rules: Rules,
    now: datetime,
) -> None:
    """Eligibility and conformity (and pass/fail for lowest-price tenders), with a reason to reject."""
    evaluation = assessment.evaluation
    reason = (reason or "").strip() or None
    if (not eligible or technical_pass is False) and not reason:
        raise DomainError(N_("Give the reason of the rejection: the bidder will read it."))
    _editable(evaluation, actor, now)  # after the checks: a refusal must leave a reviewed evaluation reviewed
    assessment.is_eligible = eligible
    assessment.rejection_reason = reason if (not eligible or technical_pass is False) else None
    if tender.award_method == AwardMethod.LOWEST_PRICE:
        assessment.technical_pass = technical_pass
    recompute(tender, evaluation, rules)
    _log(
        session,
        actor,
        evaluation,
        "compliance",
        now,
        bid=assessment.bid_id,
        eligible=eligible,
        technical_pass=technical_pass,
        reason=reason,
    )


def record_scores(
    session, tender, assessment: Assessment, actor, points: dict[int, int], rules: Rules, now: datetime
) -> None:
    """One evaluator's points per criterion, each within the published range."""
    if tender.award_method != AwardMethod.WEIGHTED:
        raise DomainError(N_("This call for tender is awarded on price alone: it has no technical scores."))
    criteria = {criterion.id: criterion for criterion in tender.criteria}
    for criterion_id, value in points.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise DomainError(N_("Unknown criterion."))
        if not 0 <= value <= criterion.max_points:
            raise DomainError(
                N_("“%(label)s” is scored from 0 to %(max)s points."), label=criterion.label, max=criterion.max_points
            )
    evaluation = assessment.evaluation
    _editable(evaluation, actor, now)
    mine = {score.criterion_id: score for score in assessment.scores if score.evaluator_id == actor.id}
    for criterion_id, value in points.items():
        if criterion_id in mine:
            mine[criterion_id].points = value
        else:
            assessment.scores.append(TechnicalScore(evaluator_id=actor.id, criterion_id=criterion_id, points=value))
    session.flush()
    recompute(tender, evaluation, rules)
    _log(session, actor, evaluation, "scored", now, bid=assessment.bid_id, points=points)


def record_financial(
    session,
    tender,
    assessment: Assessment,
    actor,
    *,
    corrected_amount: int | None,
    note: str | None,
    national_preference: bool,
    rules: Rules,
    now: datetime,
) -> None:
    """Arithmetic correction of the price schedule (shown with its note) and the national preference."""
    note = (note or "").strip() or None
    if corrected_amount is not None and (corrected_amount <= 0 or not note):
        raise DomainError(N_("A corrected amount must be positive and explained."))
    if national_preference and not tender.national_preference:
        raise DomainError(N_("This call for tender does not apply the national preference."))
    evaluation = assessment.evaluation
    _editable(evaluation, actor, now)
    assessment.corrected_amount, assessment.correction_note = corrected_amount, note
    assessment.national_preference = national_preference
    recompute(tender, evaluation, rules)
    _log(
        session,
        actor,
        evaluation,
        "financial",
        now,
        bid=assessment.bid_id,
        corrected=corrected_amount,
        note=note,
        national_preference=national_preference,
    )


def request_explanation(session, tender, assessment: Assessment, actor, question: str, now: datetime) -> None:
    question = (question or "").strip()
    if not question:
        raise DomainError(N_("Write what the bidder must explain."))
    alo_status = ALO_STEPS.next_state(assessment.alo_status, "request")
    _editable(assessment.evaluation, actor, now)
    assessment.alo_status = alo_status
    assessment.alo_question = question
    _log(session, actor, assessment.evaluation, "explanation_requested", now, bid=assessment.bid_id)


def answer_explanation(session, assessment: Assessment, bidder: User, answer: str, now: datetime) -> None:
    """The bidder explains its price through the platform."""
    if bidder.enterprise_id != assessment.enterprise_id:
        raise PermissionDenied(N_("Only the bidder concerned can answer."))
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(N_("Write your explanation."))
    assessment.alo_status = ALO_STEPS.next_state(assessment.alo_status, "answer")
    assessment.alo_answer = answer
    _log(session, bidder, assessment.evaluation, "explanation_given", now, bid=assessment.bid_id)


def decide_abnormally_low(
    session, tender, assessment: Assessment, actor, *, keep: bool, justification: str, rules: Rules, now: datetime
) -> None:
    """Keep or reject an abnormally low offer; rejecting needs an explanation asked first."""
    justification = (justification or "").strip()
    if not justification:
        raise DomainError(N_("Write the justification of the decision."))
    alo_status = ALO_STEPS.next_state(assessment.alo_status, "keep" if keep else "reject")
    _editable(assessment.evaluation, actor, now)
    assessment.alo_status = alo_status
    assessment.alo_justification = justification
    recompute(tender, assessment.evaluation, rules)
    _log(
        session,
        actor,
        assessment.evaluation,
        "abnormally_low_decided",
        now,
        bid=assessment.bid_id,
        keep=keep,
        justification=justification,
    )


def review(session, evaluation: LotEvaluation, actor: User, now: datetime) -> None:
    """A second officer confirms the evaluation; the one who last changed it cannot."""
    if evaluation.updated_by_id == actor.id:
        raise DomainError(N_("Another officer must review the evaluation."))
    if any(a.is_eligible is None for a in evaluation.assessments):
        raise DomainError(N_("Decide on the compliance of every bid first."))
    evaluation.status = EVALUATION_LIFECYCLE.next_state(evaluation.status, "review")
    evaluation.reviewed_by_id, evaluation.reviewed_at = actor.id, now
    _log(session, actor, evaluation, "reviewed", now)


def recompute(tender: Tender, evaluation: LotEvaluation, rules: Rules) -> None:
    """Scores, ranks and abnormally-low flags of every bid on the lot."""
    max_points = sum(criterion.max_points for criterion in tender.criteria)
    offers = []
    for assessment in evaluation.assessments:
        totals: dict[int, int] = {}
        for score in assessment.scores:
            totals[score.evaluator_id] = totals.get(score.evaluator_id, 0) + score.points
        offers.append(
            scoring.Offer(
                bid_id=assessment.bid_id,
                submitted_at=assessment.bid.submitted_at,
                amount=assessment.amount,
                compliant=assessment.is_compliant,
                national_preference=assessment.national_preference,
                technical_points=list(totals.values()),
            )
        )
    results = scoring.rank(
        offers,
        weighted=tender.award_method == AwardMethod.WEIGHTED,
        technical_weight=tender.technical_weight,
        financial_weight=tender.financial_weight,
        max_points=max_points,
        margin=rules.national_preference_margin if tender.national_preference else Decimal(0),
        threshold=rules.abnormally_low_threshold,
        estimate=evaluation.lot.estimated_amount,
    )
    for assessment, result in zip(evaluation.assessments, results, strict=True):
        assessment.evaluated_price = int(result.evaluated_price)
        assessment.technical_score = result.technical_score
        assessment.financial_score = result.financial_score
        assessment.total_score = result.total_score
        assessment.rank = result.rank
        if result.abnormally_low and assessment.alo_status == "none":
            assessment.alo_status = "flagged"
        elif not result.abnormally_low and assessment.alo_status == "flagged":
            assessment.alo_status = "none"
