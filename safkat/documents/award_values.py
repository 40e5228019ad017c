"""The plain values of the evaluation and award documents (see :mod:`safkat.documents.values`).

A document shows only what its reader may know: the full evaluation report (the
authority's) has every bid with its reasons; the public summary and award notice name
the compliant offers and the awardees only; a letter tells one bidder its own score, rank
and reasons, and nothing of the other offers.

The award notice is about the provisional award: a lot made final later reads the same,
so the notice keeps its version; an award withdrawn after a complaint and published again
changes it, and the next issue is a new version.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from safkat.accounts.models import User
from safkat.awards.models import Complaint, LotAward
from safkat.awards.services import current_award, reasons
from safkat.commission.labels import document_name
from safkat.commission.requests import requests_of
from safkat.documents.values import AWARD_METHOD_LABELS, localized, tender_heading
from safkat.errors import N_
from safkat.evaluation.models import Assessment, LotEvaluation
from safkat.tenders.models import Lot, Tender

OUTCOME_LABELS = {
    "provisional": N_("Provisionally awarded"),
    "final": N_("Provisionally awarded"),  # the notice is about the provisional award (see above)
    "unsuccessful": N_("Unsuccessful"),
}
ALO_LABELS = {
    "kept": N_("Abnormally low: kept, justified"),
    "rejected": N_("Abnormally low: rejected"),
}


def _lot(lot: Lot, lang: str) -> dict:
    return {"number": lot.number, "title": localized(lot.title_ar, lot.title_fr, lang)}


def _score(assessment: Assessment):
    """The score a bidder is ranked by: the total (weighted tenders) or the financial score."""
    return assessment.total_score if assessment.total_score is not None else assessment.financial_score


def _locked_evaluations(session: Session, tender: Tender) -> list[LotEvaluation]:
    rows = session.scalars(
        select(LotEvaluation).where(LotEvaluation.tender_id == tender.id, LotEvaluation.status == "locked")
    )
    return sorted(rows, key=lambda evaluation: evaluation.lot.number)


def round_award(session: Session, evaluation: LotEvaluation) -> LotAward | None:
    """The award that followed this round of the lot's evaluation."""
    return session.scalar(
        select(LotAward).where(LotAward.lot_id == evaluation.lot_id, LotAward.round == evaluation.round)
    )


def has_evaluation_report(session: Session, tender: Tender) -> bool:
    return bool(_locked_evaluations(session, tender))


def has_award_notice(session: Session, tender: Tender) -> bool:
    return any(current_award(session, lot.id) for lot in tender.lots)


def letter_kind(session: Session, assessment: Assessment) -> str | None:
    """``winner_letter`` or ``unsuccessful_letter`` once the lot's award is out, else ``None``."""
    evaluation = assessment.evaluation
    award = round_award(session, evaluation) if evaluation.status == "locked" else None
    if award is None or award.status == "withdrawn":
        return None
    won = award.assessment_id == assessment.id and award.status in ("provisional", "final")
    return "winner_letter" if won else "unsuccessful_letter"


def _method(tender: Tender) -> dict:
    return {
        "award_method": AWARD_METHOD_LABELS.get(tender.award_method, tender.award_method),
        "is_weighted": tender.award_method == "weighted",
        "technical_weight": tender.technical_weight,
        "financial_weight": tender.financial_weight,
    }


def _outcome(award: LotAward | None) -> dict | None:
    if award is None or award.status not in OUTCOME_LABELS:
        return None
    return {
        "label": OUTCOME_LABELS[award.status],
        "enterprise": award.enterprise.name if award.enterprise else None,
        "nif": award.enterprise.nif if award.enterprise else None,
        "amount": award.amount,
        "amount_incl_vat": award.amount_incl_vat,
        "reason": award.reason,
        "bids_count": award.bids_count,
        "published_at": award.published_at,
        "standstill_ends_at": award.standstill_ends_at,
    }


def _officer_name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


def _missing_documents(asked, bid_id: int) -> list[dict]:
    """What the commission asked this bidder to complete, and whether it came in time."""
    return [
        {
            "name": document_name(request.document),
            "requested_at": request.requested_at,
            "due_at": request.due_at,
            "supplied_at": request.supplied[0].uploaded_at if request.supplied else None,
        }
        for request in asked
        if request.bid_id == bid_id
    ]


def evaluation_report_values(tender: Tender, lang: str) -> dict:
    """The commission's full report: every bid of every locked lot, with scores and reasons."""
    session = object_session(tender)
    lots, officers = [], {}
    asked = requests_of(session, tender.id)
    for evaluation in _locked_evaluations(session, tender):
        ranked = sorted(evaluation.assessments, key=lambda a: (a.rank is None, a.rank or 0, a.id))
        lots.append(
            {
                **_lot(evaluation.lot, lang),
                "estimated_amount": evaluation.lot.estimated_amount,
                "round": evaluation.round,
                "reviewed_at": evaluation.reviewed_at,
                "assessments": [
                    {
                        "rank": a.rank,
                        "enterprise": a.enterprise.name,
                        "nif": a.enterprise.nif,
                        "read_amount": a.read_amount,
                        "corrected_amount": a.corrected_amount,
                        "correction_note": a.correction_note,
                        "national_preference": a.national_preference,
                        "evaluated_price": a.evaluated_price,
                        "technical_score": a.technical_score,
                        "financial_score": a.financial_score,
                        "total_score": a.total_score,
                        "is_compliant": a.is_compliant,
                        "reasons": reasons(a, won=False) if not a.is_compliant else [],
                        "abnormally_low": ALO_LABELS.get(a.alo_status),
                        "alo_justification": a.alo_justification if a.alo_status in ALO_LABELS else None,
                        "missing_documents": _missing_documents(asked, a.bid_id),
                    }
                    for a in ranked
                ],
                "outcome": _outcome(round_award(session, evaluation)),
            }
        )
        officers.setdefault(evaluation.updated_by_id, N_("Evaluated by"))
        officers.setdefault(evaluation.reviewed_by_id, N_("Reviewed by"))
    return {
        **tender_heading(tender, lang),
        **_method(tender),
        "criteria": [
            {"label": localized(c.label_ar, c.label, lang), "max_points": c.max_points} for c in tender.criteria
        ],
        "lots": lots,
        "pending_lots": sorted({lot.number for lot in tender.lots} - {lot["number"] for lot in lots}),
        "signatures": [
            {"role": role, "name": _officer_name(session, user_id)} for user_id, role in officers.items() if user_id
        ],
    }


def evaluation_summary_values(tender: Tender, lang: str) -> dict:
    """What the public learns of the evaluation: counts, the ranking of the compliant offers."""
    session = object_session(tender)
    lots = []
    for evaluation in _locked_evaluations(session, tender):
        compliant = sorted((a for a in evaluation.assessments if a.rank is not None), key=lambda a: a.rank)
        lots.append(
            {
                **_lot(evaluation.lot, lang),
                "assessed": len(evaluation.assessments),
                "compliant": len(compliant),
                "rejected": len(evaluation.assessments) - len(compliant),
                "ranking": [
                    {"rank": a.rank, "enterprise": a.enterprise.name, "price": a.evaluated_price, "score": _score(a)}
                    for a in compliant
                ],
                "outcome": _outcome(round_award(session, evaluation)),
            }
        )
    return {
        **tender_heading(tender, lang),
        **_method(tender),
        "lots": lots,
        "pending_lots": sorted({lot.number for lot in tender.lots} - {lot["number"] for lot in lots}),
        "signatures": [{"role": N_("The contracting authority"), "name": tender.authority.name(lang)}],
    }


def award_notice_values(tender: Tender, lang: str) -> dict:
    """The provisional award of each lot: awardee, amount, score, and how to complain."""
    session = object_session(tender)
    lots = []
    for lot in tender.lots:
        award = current_award(session, lot.id)
        winner = session.get(Assessment, award.assessment_id) if award and award.assessment_id else None
        lots.append({**_lot(lot, lang), "outcome": _outcome(award), "score": _score(winner) if winner else None})
    return {
        **tender_heading(tender, lang),
        **_method(tender),
        "lots": lots,
        "signatures": [{"role": N_("The contracting authority"), "name": tender.authority.name(lang)}],
    }


def _letter(assessment: Assessment, lang: str) -> dict:
    session = object_session(assessment)
    evaluation = assessment.evaluation
    tender = session.get(Tender, evaluation.tender_id)
    award = round_award(session, evaluation)
    return {
        **tender_heading(tender, lang),
        **_method(tender),
        "enterprise": {"name": assessment.enterprise.name, "nif": assessment.enterprise.nif},
        "lot": _lot(evaluation.lot, lang),
        "read_amount": assessment.read_amount,
        "corrected_amount": assessment.corrected_amount,
        "correction_note": assessment.correction_note,
        "technical_score": assessment.technical_score,
        "financial_score": assessment.financial_score,
        "total_score": assessment.total_score,
        "rank": assessment.rank,
        "bids_count": len(evaluation.assessments),
        "published_at": award.published_at if award else None,
        "standstill_ends_at": award.standstill_ends_at if award else None,
        "signatures": [{"role": N_("The contracting authority"), "name": tender.authority.name(lang)}],
    }


def winner_letter_values(assessment: Assessment, lang: str) -> dict:
    """To the firm ranked first: the lot is provisionally awarded to it, at its price."""
    award = round_award(object_session(assessment), assessment.evaluation)
    return {**_letter(assessment, lang), "amount": award.amount, "amount_incl_vat": award.amount_incl_vat}


def unsuccessful_letter_values(assessment: Assessment, lang: str) -> dict:
    """To a firm not retained: its own score, rank and reasons; nothing of the other offers."""
    return {**_letter(assessment, lang), "reasons": reasons(assessment, won=False)}


def award_decision_values(award: LotAward, lang: str) -> dict:
    """The final award of a lot, after the standstill and the complaints."""
    session = object_session(award)
    tender = session.get(Tender, award.tender_id)
    complaints = session.scalars(select(Complaint).where(Complaint.lot_id == award.lot_id)).all()
    winner = session.get(Assessment, award.assessment_id) if award.assessment_id else None
    return {
        **tender_heading(tender, lang),
        "lot": _lot(award.lot, lang),
        "outcome": _outcome(award),
        "score": _score(winner) if winner else None,
        "finalized_at": award.finalized_at,
        "complaints": len(complaints),
        "complaints_upheld": sum(1 for c in complaints if c.status == "upheld"),
        "complaints_rejected": sum(1 for c in complaints if c.status == "rejected"),
        "signatures": [{"role": N_("The contracting authority"), "name": tender.authority.name(lang)}],
    }
