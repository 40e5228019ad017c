"""Issuing documents when what they record happens (the Flask side of :func:`issue_quietly`).

Called by the views right after the service that made the event, in the same transaction:
the receipt with a submission, the notice, the evaluation reports and each bidder's
letter with the provisional award, the decision with the final award. A document that
cannot be issued then is logged and issued at its first download instead; the event
itself stands (see :func:`safkat.documents.services.issue_quietly`).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_login import current_user
from sqlalchemy import select

from safkat.documents import services
from safkat.documents.award_values import letter_kind
from safkat.documents.kinds import KINDS
from safkat.documents.models import IssuedDocument
from safkat.documents.render import LANGUAGES
from safkat.evaluation.models import Assessment, LotEvaluation
from safkat.tenders.models import Lot
from safkat.web import get_session, now

PROVISIONAL_AWARD_DOCUMENTS = ("award_notice", "evaluation_summary", "evaluation_report")


def edition_for(locale: str | None) -> str:
    """The edition a person reads: Arabic for Arabic readers, French for everyone else."""
    return "ar" if locale == "ar" else "fr"


def editions_for(people: Iterable) -> list[str]:
    return sorted({edition_for(person.locale) for person in people})


def _issue(kind: str, subject, languages) -> dict[str, IssuedDocument]:
    from safkat.documents.views import make_issuer

    actor = current_user if current_user.is_authenticated else None
    return services.issue_quietly(get_session(), kind, subject, languages, make_issuer(), now(), actor)


def attachment(document: IssuedDocument | None, reference: str) -> list[tuple[int, str]]:
    """The outbox attachment of ``document`` (none if it could not be issued)."""
    if document is None:
        return []
    return [(document.id, KINDS[document.kind].file_name(reference, document.language, document.version))]


def receipt_issued(receipt, readers) -> dict[str, IssuedDocument]:
    """The receipt of a submission, replacement or withdrawal, in the editions its firm reads."""
    return _issue("bid_receipt", receipt, editions_for(readers))


def provisional_award_published(tender, outcomes, readers_of) -> dict[int, dict[str, IssuedDocument]]:
    """The public notice and summary, the authority's full report, and each bidder's letter.

    ``readers_of(enterprise_id)`` lists the people a letter is sent to (its editions).
    Returns the letters by ``(enterprise id, lot number)``, then edition.
    """
    for kind in PROVISIONAL_AWARD_DOCUMENTS:
        _issue(kind, tender, LANGUAGES)
    session, letters = get_session(), {}
    for outcome in outcomes:
        assessment = session.scalar(
            select(Assessment)
            .join(LotEvaluation)
            .join(Lot, Lot.id == LotEvaluation.lot_id)
            .where(
                LotEvaluation.tender_id == tender.id,
                Lot.number == outcome.lot_number,
                Assessment.enterprise_id == outcome.enterprise_id,
            )
        )
        kind = letter_kind(session, assessment) if assessment else None
        if kind is not None:
            readers = editions_for(readers_of(outcome.enterprise_id))
            letters[outcome.enterprise_id, outcome.lot_number] = _issue(kind, assessment, readers)
    return letters


def award_made_final(award) -> dict[str, IssuedDocument]:
    return _issue("award_decision", award, LANGUAGES)
