"""The registry of the documents the platform issues.

Adding a document takes three things: a template in ``templates/pdf/`` (extending
``pdf/base.html``), a values function in :mod:`safkat.documents.values`, and an entry in
:data:`KINDS` saying what the document is about, who may read it and its title.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from safkat.awards.models import LotAward
from safkat.bids.models import Opening, Receipt
from safkat.documents import award_values, values
from safkat.errors import N_
from safkat.evaluation.models import Assessment
from safkat.tenders.models import Tender


def _none(_subject) -> None:
    return None


@dataclass(frozen=True)
class DocumentKind:
    """What a kind of document is about and who may read it.

    ``model`` is the class of its subject (a receipt, an opening, a tender). A public
    document can be downloaded by anyone; any other is addressed to
    ``recipient_enterprise_id(subject)``, or (when that gives ``None``) kept for the
    contracting authority, and is downloaded only through a view that checks the reader's
    right to its subject.
    """

    name: str
    title: str  # msgid
    template: str
    model: type
    values: Callable[[object, str], dict]
    is_public: bool
    tender_id: Callable[[object], int | None]
    bid_id: Callable[[object], int | None] = _none
    recipient_enterprise_id: Callable[[object], int | None] = _none
    file_stem: str = "document"

    def subject_key(self, subject) -> str:
        """``receipts:12``: the subject's table and primary key."""
        return f"{self.model.__tablename__}:{inspect(subject).identity[0]}"

    def load_subject(self, session: Session, subject_key: str):
        table, _, ident = subject_key.partition(":")
        if table != self.model.__tablename__ or not ident.isdigit():
            raise ValueError(f"not a subject of {self.name}: {subject_key!r}")
        return session.get(self.model, int(ident))

    def file_name(self, reference: str, language: str, version: int | None) -> str:
        """The name of the downloaded or attached file (an attachment issued by the sender
        is named before its version is known, so without it)."""
        suffix = f"-v{version}" if version else ""
        return f"safkat-{self.file_stem}-{reference}-{language}{suffix}.pdf"


def _letter(name: str, title: str, values_function, file_stem: str) -> DocumentKind:
    """A letter to one bidder about its offer on one lot (its assessment)."""
    return DocumentKind(
        name=name,
        title=title,
        template=f"pdf/{name}.html",
        model=Assessment,
        values=values_function,
        is_public=False,
        tender_id=lambda assessment: assessment.evaluation.tender_id,
        bid_id=lambda assessment: assessment.bid_id,
        recipient_enterprise_id=lambda assessment: assessment.enterprise_id,
        file_stem=file_stem,
    )


def _execution_documents() -> tuple[DocumentKind, ...]:
    """Service order, acceptance record and payment certificate: to the firm of the contract."""
    from safkat.execution import document_values as ev
    from safkat.execution.models import ContractExecution, Invoice

    def about_execution(name, title, values_function, stem) -> DocumentKind:
        return DocumentKind(
            name=name,
            title=title,
            template=f"pdf/{name}.html",
            model=ContractExecution,
            values=values_function,
            is_public=False,
            tender_id=lambda record: record.contract.tender_id,
            recipient_enterprise_id=lambda record: record.contract.enterprise_id,
            file_stem=stem,
        )

    return (
        about_execution("service_order", N_("Service order"), ev.service_order_values, "service-order"),
        about_execution("acceptance_record", N_("Acceptance record"), ev.acceptance_record_values, "acceptance"),
        DocumentKind(
            name="payment_certificate",
            title=N_("Payment certificate"),
            template="pdf/payment_certificate.html",
            model=Invoice,
            values=ev.payment_certificate_values,
            is_public=False,
            tender_id=lambda invoice: invoice.contract.tender_id,
            recipient_enterprise_id=lambda invoice: invoice.contract.enterprise_id,
            file_stem="payment-certificate",
        ),
    )


KINDS: dict[str, DocumentKind] = {
    kind.name: kind
    for kind in (
        DocumentKind(
            name="bid_receipt",
            title=N_("Bid receipt"),
            template="pdf/bid_receipt.html",
            model=Receipt,
            values=values.bid_receipt_values,
            is_public=False,
            tender_id=lambda receipt: receipt.bid.tender_id,
            bid_id=lambda receipt: receipt.bid_id,
            recipient_enterprise_id=lambda receipt: receipt.bid.enterprise_id,
            file_stem="receipt",
        ),
        DocumentKind(
            name="opening_minutes",
            title=N_("Opening minutes"),
            template="pdf/opening_minutes.html",
            model=Opening,
            values=values.opening_minutes_values,
            is_public=True,
            tender_id=lambda opening: opening.tender_id,
            file_stem="opening-minutes",
        ),
        DocumentKind(
            name="tender_notice",
            title=N_("Tender notice"),
            template="pdf/tender_notice.html",
            model=Tender,
            values=values.tender_notice_values,
            is_public=True,
            tender_id=lambda tender: tender.id,
            file_stem="tender-notice",
        ),
        DocumentKind(
            name="evaluation_report",
            title=N_("Evaluation report"),
            template="pdf/evaluation_report.html",
            model=Tender,
            values=award_values.evaluation_report_values,
            is_public=False,  # the contracting authority's: no recipient enterprise
            tender_id=lambda tender: tender.id,
            file_stem="evaluation-report",
        ),
        DocumentKind(
            name="evaluation_summary",
            title=N_("Evaluation report (summary)"),
            template="pdf/evaluation_summary.html",
            model=Tender,
            values=award_values.evaluation_summary_values,
            is_public=True,
            tender_id=lambda tender: tender.id,
            file_stem="evaluation-summary",
        ),
        DocumentKind(
            name="award_notice",
            title=N_("Provisional award notice"),
            template="pdf/award_notice.html",
            model=Tender,
            values=award_values.award_notice_values,
            is_public=True,
            tender_id=lambda tender: tender.id,
            file_stem="award-notice",
        ),
        _letter(
            "winner_letter", N_("Notification of provisional award"), award_values.winner_letter_values, "award-letter"
        ),
        _letter(
            "unsuccessful_letter",
            N_("Notification of the result of the evaluation"),
            award_values.unsuccessful_letter_values,
            "result-letter",
        ),
        DocumentKind(
            name="award_decision",
            title=N_("Award decision"),
            template="pdf/award_decision.html",
            model=LotAward,
            values=award_values.award_decision_values,
            is_public=True,
            tender_id=lambda award: award.tender_id,
            file_stem="award-decision",
        ),
        *_execution_documents(),
    )
}
