"""Issuing documents when what they record happens (the Flask side of :func:`issue_quietly`).

Called by the views right after the service that made the event, in the same transaction:
the notice and the evaluation reports with the provisional award, the decision with the
final award. A document that cannot be issued then is logged and issued at its first
download instead; the event itself stands (see :func:`safkat.documents.services.issue_quietly`).

Documents sent to one firm by e-mail (a bid receipt, each bidder's letter) are named
:func:`to_issue` in the message instead: ``safkat notifications send`` issues them, so a
bid in the last-minute rush is not held up by a PDF being rendered and signed.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from safkat.documents import services
from safkat.documents.award_values import letter_kind
from safkat.documents.kinds import KINDS
from safkat.documents.models import IssuedDocument
from safkat.documents.render import LANGUAGES
from safkat.evaluation.models import Assessment, LotEvaluation
from safkat.notifications.services import ToIssue
from safkat.tenders.models import Lot
from safkat.web import get_session, now

PROVISIONAL_AWARD_DOCUMENTS = ("award_notice", "evaluation_summary", "evaluation_report")


def edition_for(locale: str | None) -> str:
    """The edition a person reads: Arabic for Arabic readers, French for everyone else."""
    return "ar" if locale == "ar" else "fr"


def _issue(kind: str, subject, languages) -> dict[str, IssuedDocument]:
    from safkat.documents.views import make_issuer

    actor = current_user if current_user.is_authenticated else None
    return services.issue_quietly(get_session(), kind, subject, languages, make_issuer(), now(), actor)


def to_issue(kind_name: str, subject, reader_locale: str | None, reference: str) -> ToIssue:
    """The outbox attachment of a document for one reader, issued when the e-mail is sent."""
    kind, edition = KINDS[kind_name], edition_for(reader_locale)
    return ToIssue(kind_name, kind.subject_key(subject), edition, kind.file_name(reference, edition, None))


def provisional_award_published(tender, outcomes) -> dict[tuple[int, int], tuple[str, Assessment]]:
    """Issue the public notice and summary and the authority's full report; returns each
    bidder's letter to send, as ``(kind, assessment)`` by ``(enterprise id, lot number)``."""
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
            letters[outcome.enterprise_id, outcome.lot_number] = kind, assessment
    return letters


def award_made_final(award) -> dict[str, IssuedDocument]:
    return _issue("award_decision", award, LANGUAGES)
