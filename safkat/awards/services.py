"""Provisional award, complaints during the standstill, final award, contracts, relaunch.

Knows no Flask. The standstill lasts ``standstill_days[procedure]`` whole days (24-hour
periods, UTC) from the publication of the provisional award: the same instant everywhere,
whatever the time zone or daylight saving of the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat import audit
from safkat.accounts.models import User
from safkat.awards.models import Complaint, Contract, LotAward
from safkat.bids.models import OpenedBid
from safkat.commission.requests import refuse_decision_while_waiting
from safkat.errors import N_, DomainError, PermissionDenied
from safkat.evaluation.models import LotEvaluation
from safkat.evaluation.services import EVALUATION_LIFECYCLE
from safkat.opendata import ocds
from safkat.statemachine import StateMachine
from safkat.tenders.models import Tender, TenderStatus

AWARD_LIFECYCLE = StateMachine(
    "award", {("provisional", "finalize"): "final", ("provisional", "withdraw"): "withdrawn"}
)
COMPLAINT_LIFECYCLE = StateMachine("complaint", {("pending", "uphold"): "upheld", ("pending", "reject"): "rejected"})
CONTRACT_LIFECYCLE = StateMachine("contract", {("pending_signature", "sign"): "signed"})
DEFAULT_STANDSTILL_DAYS = 10


@dataclass
class Outcome:
    """What one bidder learns from a provisional award (the view writes the letters)."""

    enterprise_id: int
    lot_number: int
    won: bool
    rank: int | None
    score: object
    reasons: list[str]


def current_award(session: Session, lot_id: int) -> LotAward | None:
    return session.scalar(
        select(LotAward)
        .where(LotAward.lot_id == lot_id, LotAward.status != "withdrawn")
        .order_by(LotAward.round.desc())
    )


def _refuse_if_cancelled(tender: Tender) -> None:
    """A cancelled tender is over: no new complaint, no final award (which would revive it)."""
    if tender.status == TenderStatus.CANCELLED:
        raise DomainError(N_("This call for tender is cancelled."))


def _log(session, actor, tender_id, action, now, **details) -> None:
    audit.record(
        session, actor=actor, action=f"award.{action}", object_type="tender", object_id=tender_id, now=now, **details
    )


def is_award_due(tender: Tender, lot_awards: dict[int, LotAward | None]) -> bool:
    """Whether publishing the provisional award may be offered: the bids are opened and a
    lot still has no award (``lot_awards``: each lot's :func:`current_award`). The service
    checks the rest (every evaluation reviewed) when it is asked."""
    return tender.status in (TenderStatus.EVALUATION, TenderStatus.OPENED) and any(
        award is None for award in lot_awards.values()
    )


def publish_provisional_award(
    session: Session, tender: Tender, actor: User, now: datetime, standstill_days: dict[str, int]
) -> list[Outcome]:
    """Publish the award of every evaluated lot that has none yet; lock their evaluations."""
    if tender.status not in (TenderStatus.EVALUATION, TenderStatus.OPENED):
        raise DomainError(N_("The provisional award follows the evaluation."))
    days = standstill_days.get(tender.procedure, DEFAULT_STANDSTILL_DAYS)
    evaluations = {
        e.lot_id: e for e in session.scalars(select(LotEvaluation).where(LotEvaluation.tender_id == tender.id))
    }
    pending = [lot for lot in tender.lots if current_award(session, lot.id) is None]
    if not pending:
        raise DomainError(N_("Every lot already has its award."))
    outcomes: list[Outcome] = []
    for lot in pending:
        evaluation = evaluations.get(lot.id)
        bids_on_lot = len(evaluation.assessments) if evaluation else 0
        if evaluation is None and bids_on_lot == 0 and not _lot_had_bids(session, tender, lot):
            _unsuccessful(session, tender, lot, 1, N_("No bid was received for this lot."), now, days, 0)
            continue
        if evaluation is None or evaluation.status != "reviewed":
            raise DomainError(N_("Lot %(n)s: the evaluation must be reviewed by a second officer first."), n=lot.number)
        refuse_decision_while_waiting(session, tender.id, [a.bid_id for a in evaluation.assessments], now)
        ranked = sorted((a for a in evaluation.assessments if a.rank is not None), key=lambda a: a.rank)
        for assessment in ranked[:1]:
            if assessment.alo_status in ("flagged", "explanation_requested", "explained"):
                raise DomainError(N_("Lot %(n)s: decide on the abnormally low offer before awarding it."), n=lot.number)
        evaluation.status = EVALUATION_LIFECYCLE.next_state(evaluation.status, "lock")
        if not ranked:
            _unsuccessful(session, tender, lot, evaluation.round, N_("No compliant offer."), now, days, bids_on_lot)
        else:
            winner = ranked[0]
            session.add(
                LotAward(
                    tender_id=tender.id,
                    lot_id=lot.id,
                    round=evaluation.round,
                    status="provisional",
                    assessment_id=winner.id,
                    enterprise_id=winner.enterprise_id,
                    amount=winner.amount,
                    amount_incl_vat=winner.amount + winner.read_vat,
                    bids_count=bids_on_lot,
                    published_at=now,
                    standstill_ends_at=now + timedelta(days=days),
                )
            )
        for assessment in evaluation.assessments:
            outcomes.append(
                Outcome(
                    assessment.enterprise_id,
                    lot.number,
                    bool(ranked) and assessment is ranked[0],
                    assessment.rank,
                    assessment.total_score if assessment.total_score is not None else assessment.financial_score,
                    reasons(assessment, bool(ranked) and assessment is ranked[0]),
                )
            )
    _settle_tender_status(session, tender, now)
    session.flush()
    _log(session, actor, tender.id, "provisional_published", now, lots=[lot.number for lot in pending])
    ocds.record_release(session, tender, ["award"], now)
    return outcomes


def _lot_had_bids(session, tender, lot) -> bool:
    import json

    rows = session.scalars(select(OpenedBid).where(OpenedBid.tender_id == tender.id)).all()
    return any(str(lot.number) in json.loads(row.amounts) for row in rows)


def _unsuccessful(session, tender, lot, round_, reason, now, days, bids) -> None:
    session.add(
        LotAward(
            tender_id=tender.id,
            lot_id=lot.id,
            round=round_,
            status="unsuccessful",
            reason=reason,
            bids_count=bids,
            published_at=now,
            standstill_ends_at=now + timedelta(days=days),
        )
    )


def reasons(assessment, won: bool) -> list[str]:
    """Why an offer was not retained (message ids, or the commission's own words)."""
    if won:
        return []
    if assessment.is_eligible is False or assessment.technical_pass is False:
        return [assessment.rejection_reason or N_("Not compliant.")]
    if assessment.alo_status == "rejected":
        return [assessment.alo_justification]
    return [N_("Another offer ranked better.")]


def _settle_tender_status(session, tender: Tender, now: datetime) -> None:
    session.flush()
    awards = [current_award(session, lot.id) for lot in tender.lots]
    if any(a is None for a in awards):
        status = TenderStatus.EVALUATION
    elif all(a.status == "unsuccessful" for a in awards):
        status = TenderStatus.UNSUCCESSFUL
    elif all(a.status in ("final", "unsuccessful") for a in awards):
        status = TenderStatus.AWARDED
    else:
        status = TenderStatus.PROVISIONAL_AWARD
    if tender.status != status:
        tender.status, tender.changed_at = status, now


def lodge_complaint(
    session: Session,
    tender: Tender,
    lot_id: int,
    actor: User,
    grounds: str,
    now: datetime,
    document: tuple[str, str, str] | None = None,
) -> Complaint:
    """A bidder of the tender contests a lot's provisional award during the standstill."""
    _refuse_if_cancelled(tender)
    grounds = (grounds or "").strip()
    if not grounds:
        raise DomainError(N_("Write the grounds of your complaint."))
    award = current_award(session, lot_id)
    if award is None or award.status not in ("provisional", "unsuccessful") or award.tender_id != tender.id:
        raise DomainError(N_("This lot has no provisional award to contest."))
    if now >= award.standstill_ends_at:
        raise DomainError(N_("The complaint period has ended."))
    bidders = {
        row.bid.enterprise_id for row in session.scalars(select(OpenedBid).where(OpenedBid.tender_id == tender.id))
    }
    if actor.enterprise_id not in bidders:
        raise PermissionDenied(N_("Only a firm that bid on this call for tender can lodge a complaint."))
    name, key, digest = document or (None, None, None)
    complaint = Complaint(
        tender_id=tender.id,
        lot_id=lot_id,
        enterprise_id=actor.enterprise_id,
        lodged_by_id=actor.id,
        grounds=grounds,
        document_name=name,
        document_key=key,
        document_sha256=digest,
        lodged_at=now,
        status="pending",
    )
    session.add(complaint)
    session.flush()
    _log(session, actor, tender.id, "complaint_lodged", now, complaint=complaint.id, lot=lot_id)
    return complaint


def answer_complaint(
    session: Session, complaint: Complaint, actor: User, *, upheld: bool, answer: str, now: datetime
) -> None:
    """Upheld: the lot's award is withdrawn and its evaluation reopened. Rejected: with reasons."""
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(N_("Give the reasons of the decision: the complainant and the public will read them."))
    complaint.status = COMPLAINT_LIFECYCLE.next_state(complaint.status, "uphold" if upheld else "reject")
    complaint.answer, complaint.answered_at, complaint.answered_by_id = answer, now, actor.id
    if upheld:
        award = current_award(session, complaint.lot_id)
        if award is not None and award.status == "provisional":
            award.status = AWARD_LIFECYCLE.next_state(award.status, "withdraw")
        evaluation = session.scalar(select(LotEvaluation).where(LotEvaluation.lot_id == complaint.lot_id))
        if evaluation is not None and evaluation.status == "locked":
            evaluation.status = EVALUATION_LIFECYCLE.next_state(evaluation.status, "reopen")
            evaluation.round += 1
        tender = session.get(Tender, complaint.tender_id)
        if tender.status != TenderStatus.CANCELLED:  # answered, but a cancelled tender stays cancelled
            tender.status, tender.changed_at = TenderStatus.EVALUATION, now
    session.flush()
    _log(session, actor, complaint.tender_id, "complaint_answered", now, complaint=complaint.id, upheld=upheld)
    ocds.record_release(
        session, session.get(Tender, complaint.tender_id), ["awardCancellation" if upheld else "awardUpdate"], now
    )


def finalize(session: Session, award: LotAward, actor: User, now: datetime) -> Contract:
    """After the standstill, with no complaint pending, the award becomes final; a contract follows."""
    _refuse_if_cancelled(session.get(Tender, award.tender_id))
    if now < award.standstill_ends_at:
        raise DomainError(
            N_("The standstill period is not over: the award can become final on %(when)s."),
            when=award.standstill_ends_at.isoformat(),
        )
    pending = session.scalar(
        select(Complaint.id).where(Complaint.lot_id == award.lot_id, Complaint.status == "pending")
    )
    if pending is not None:
        raise DomainError(N_("A complaint is pending: answer it before the award becomes final."))
    award.status = AWARD_LIFECYCLE.next_state(award.status, "finalize")
    award.finalized_at = now
    contract = Contract(
        lot_award_id=award.id,
        tender_id=award.tender_id,
        lot_id=award.lot_id,
        enterprise_id=award.enterprise_id,
        amount=award.amount,
        amount_incl_vat=award.amount_incl_vat,
        status="pending_signature",
        created_at=now,
    )
    session.add(contract)
    tender = session.get(Tender, award.tender_id)
    _settle_tender_status(session, tender, now)
    _log(session, actor, award.tender_id, "finalized", now, lot=award.lot_id, enterprise=award.enterprise_id)
    ocds.record_release(session, tender, ["awardUpdate", "contract"], now)
    return contract


def sign_contract(session: Session, contract: Contract, actor: User, now: datetime) -> None:
    contract.status = CONTRACT_LIFECYCLE.next_state(contract.status, "sign")
    contract.signed_at = now
    session.flush()
    _log(session, actor, contract.tender_id, "contract_signed", now, contract=contract.id)
    ocds.record_release(session, session.get(Tender, contract.tender_id), ["contractUpdate"], now)


def relaunch(session: Session, tender: Tender, actor: User, now: datetime) -> Tender:
    """A new draft copied from an unsuccessful tender (or one with unsuccessful lots)."""
    from safkat.tenders.models import Lot, TechnicalCriterion, TenderWilaya

    unsuccessful = [lot for lot in tender.lots if (a := current_award(session, lot.id)) and a.status == "unsuccessful"]
    if not unsuccessful:
        raise DomainError(N_("Only unsuccessful lots can be relaunched."))
    copy = Tender(
        authority_id=tender.authority_id,
        status=TenderStatus.DRAFT,
        title_fr=tender.title_fr,
        title_ar=tender.title_ar,
        description_fr=tender.description_fr,
        description_ar=tender.description_ar,
        category=tender.category,
        procedure=tender.procedure,
        estimated_budget=tender.estimated_budget,
        is_budget_public=tender.is_budget_public,
        opening_place=tender.opening_place,
        bid_validity_days=tender.bid_validity_days,
        award_method=tender.award_method,
        technical_weight=tender.technical_weight,
        financial_weight=tender.financial_weight,
        national_preference=tender.national_preference,
        requires_technical_offer=tender.requires_technical_offer,
        required_documents=tender.required_documents,
        has_reserved_lot=any(lot.is_reserved for lot in unsuccessful),
        created_at=now,
        created_by_id=actor.id,
        changed_at=now,
        sectors=list(tender.sectors),
    )
    copy.wilaya_rows = [TenderWilaya(wilaya_code=code) for code in tender.wilaya_codes]
    copy.lots = [
        Lot(
            number=i,
            title_fr=lot.title_fr,
            title_ar=lot.title_ar,
            description=lot.description,
            estimated_amount=lot.estimated_amount,
            is_reserved=lot.is_reserved,
        )
        for i, lot in enumerate(unsuccessful, start=1)
    ]
    copy.criteria = [
        TechnicalCriterion(position=c.position, label=c.label, max_points=c.max_points) for c in tender.criteria
    ]
    session.add(copy)
    session.flush()
    _log(session, actor, tender.id, "relaunched", now, draft=copy.id)
    return copy
