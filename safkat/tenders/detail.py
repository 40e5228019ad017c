"""A public tender as its page and the API detail show it, read in a few fixed statements.

The first statement reads the tender as a plain row (a :class:`detail_rows.ListedTender`,
not an ORM object) with its authority's code and names, the codes of its wilayas, what
it lists (all its lots, which also give their number, its sectors with their names, the
criteria of a weighted award: :mod:`safkat.tenders.detail_rows`), and what the page says
of the rest: whether it has documents, amendments and questions, when its bids were
opened (and how many were), its key's fingerprint, whether a lot has a current award. Each is a
correlated subquery answered by an index on ``tender_id``. Then one statement per
collection the tender does have (documents, amendments, questions), and, once there is an
award, one for its lots as objects and one for the standing awards the red flags read: a
collection costs one statement whatever its size, and none when it is empty. Nothing is
left to a lazy load (issue 16: the page cost 14 statements, and one more per lot once the
deadline had passed; then 3 for most tenders, now 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session

from safkat.accounts.models import ContractingAuthority
from safkat.awards.models import LotAward
from safkat.bids.models import OpenedBid, Opening, TenderKey
from safkat.opendata import redflags
from safkat.plain_rows import plain_rows
from safkat.tenders import detail_rows, queries, services
from safkat.tenders.models import (
    Amendment,
    AwardMethod,
    Lot,
    Question,
    Tender,
    TenderDocument,
)


def _of_this_tender(query, tender_id_column):
    """``query`` about the tender of the enclosing statement (``tender_id = tenders.id``)."""
    return query.where(tender_id_column == Tender.id).correlate(Tender)


def _has_rows(model):
    return _of_this_tender(exists(), model.tender_id)


OPENED_AT = _of_this_tender(select(Opening.opened_at), Opening.tender_id).scalar_subquery()
OPENED_BIDS = _of_this_tender(select(func.count(OpenedBid.id)), OpenedBid.tender_id).scalar_subquery()
KEY_FINGERPRINT = _of_this_tender(select(TenderKey.fingerprint), TenderKey.tender_id).scalar_subquery()
# What awards.current_award(lot) says for some lot: an award that was not withdrawn.
HAS_AWARD = _of_this_tender(exists().where(LotAward.status != "withdrawn"), LotAward.tender_id)

# Each collection in its relationship's order. The statements are built once: building one
# costs more CPU than running it (SQLAlchemy then finds its compiled form in its cache).
TENDER_ID = bindparam("tender_id")
LOTS_AS_OBJECTS = select(Lot).where(Lot.tender_id == TENDER_ID).order_by(Lot.number)
CHILDREN = {
    "documents": select(TenderDocument).where(TenderDocument.tender_id == TENDER_ID).order_by(TenderDocument.id),
    "amendments": select(Amendment).where(Amendment.tender_id == TENDER_ID).order_by(Amendment.number),
    "questions": select(Question).where(Question.tender_id == TENDER_ID).order_by(Question.id),
}


# The tender's columns first (see ListedTender), then what the page says beside them.
TENDER_ROW = (
    select(
        *detail_rows.TENDER_COLUMNS,
        *detail_rows.AUTHORITY,
        queries.WILAYAS_JOINED.label("wilayas_joined"),
        _has_rows(TenderDocument).label("has_documents"),
        _has_rows(Amendment).label("has_amendments"),
        _has_rows(Question).label("has_questions"),
        OPENED_AT.label("opened_at"),
        OPENED_BIDS.label("opened_bids"),
        KEY_FINGERPRINT.label("fingerprint"),
        HAS_AWARD.label("has_award"),
        detail_rows.SECTORS.label("sectors"),
        detail_rows.LOTS.label("lots"),
        detail_rows.CRITERIA.label("criteria"),
    )
    .join_from(Tender.__table__, ContractingAuthority.__table__, Tender.authority_id == ContractingAuthority.id)
    .where(Tender.__table__.c.reference == bindparam("reference"))
)


@dataclass(frozen=True)
class TenderDetail:
    """A loaded public tender (its documents, amendments and questions in place), what it
    has that its page lists, and the facts the page shows beside it."""

    tender: detail_rows.ListedTender
    lots: tuple  # ListedLot by number (Lot objects for a tender with an award)
    criteria: tuple[detail_rows.ListedCriterion, ...]  # by position; none unless weighted
    sectors: tuple[detail_rows.ListedSector, ...]  # by code
    opened_at: datetime | None  # None: the bids are not opened
    opened_bids: int
    key_fingerprint: str
    has_award: bool  # some lot has a current award: the page links the award notice
    standing_awards: tuple[redflags.AwardFacts, ...]

    def red_flags(self, short_period_days: int) -> list[redflags.RedFlag]:
        tender = self.tender
        facts = redflags.TenderFacts(
            tender.published_at,
            tender.submission_deadline_at,
            self.opened_bids if self.opened_at is not None else None,
            redflags.extensions_of(tender),
            self.standing_awards,
        )
        return redflags.red_flags(facts, short_period_days)


def load(session: Session, url_reference: str) -> TenderDetail | None:
    """The public tender of ``url_reference`` (see :func:`services.find_by_reference`), or None.

    The tender's statement runs on the session's connection, as plain rows (see
    :mod:`safkat.tenders.detail_rows` and :mod:`safkat.plain_rows`); what the session holds
    is flushed first, as the session's own queries would."""
    session.flush()
    reference = services.reference_from_url(url_reference)
    rows = plain_rows(session.connection(), TENDER_ROW, {"reference": reference})
    row = rows[0] if rows else None
    if row is None or not services.is_public(row):
        return None
    present = {"documents": row.has_documents, "amendments": row.has_amendments, "questions": row.has_questions}
    children = {
        name: list(session.scalars(CHILDREN[name], {"tender_id": row.id})) if has_rows else []
        for name, has_rows in present.items()
    }
    if row.has_award:  # its award decisions name their lot (award.lot): the session then has them
        lots = tuple(session.scalars(LOTS_AS_OBJECTS, {"tender_id": row.id}))
    else:
        lots = detail_rows.lots_of(row.lots)
    sectors = detail_rows.sectors_of(row.sectors)
    tender = detail_rows.ListedTender(row, lots, sectors, **children)
    is_weighted = tender.award_method == AwardMethod.WEIGHTED  # else neither the page nor the API shows them
    return TenderDetail(
        tender=tender,
        lots=lots,
        criteria=detail_rows.criteria_of(row.criteria) if is_weighted else (),
        sectors=sectors,
        opened_at=row.opened_at,
        opened_bids=row.opened_bids or 0,
        key_fingerprint=row.fingerprint or "",
        has_award=bool(row.has_award),
        standing_awards=redflags.standing_awards(session, tender.id) if row.has_award else (),
    )
