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

from safkat.bids.models import Opening, Receipt
from safkat.documents import values
from safkat.errors import N_
from safkat.tenders.models import Tender


def _none(_subject) -> None:
    return None


@dataclass(frozen=True)
class DocumentKind:
    """What a kind of document is about and who may read it.

    ``model`` is the class of its subject (a receipt, an opening, a tender). A public
    document can be downloaded by anyone; any other is addressed to
    ``recipient_enterprise_id(subject)`` (or, later, to an authority) and is downloaded
    only through a view that checks the reader's right to its subject.
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
    )
}
