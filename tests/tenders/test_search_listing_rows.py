"""A tender's search row carries its status and deadline (migration 0025), kept by the
database's triggers whatever writes the tender, so that on PostgreSQL a search lists its
open tenders by walking the search rows' own index (``queries._open_in_search``, issue 16).
SQLite searches with FTS5; the copies are kept there too (one schema), and the pages
below must list the same on both."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from safkat.tenders import counts, queries, search
from safkat.tenders.models import Tender, TenderSearch
from safkat.tenders.queries import TenderFilters


def copy_of(session, tender) -> tuple:
    """``tender``'s search row's (status, deadline), as the database holds them."""
    session.flush()
    row = session.execute(
        select(TenderSearch.status, TenderSearch.submission_deadline_at).where(TenderSearch.tender_id == tender.id)
    ).one()
    return tuple(row)


def own(tender) -> tuple:
    return tender.status, tender.submission_deadline_at


def test_a_new_search_row_copies_its_tender(db_session, make):
    tender = make.tender(state="open", title_fr="Nettoyage des locaux")
    assert copy_of(db_session, tender) == own(tender)


def test_a_change_of_the_tender_reaches_its_search_row(db_session, make, clock):
    tender = make.tender(state="open", title_fr="Nettoyage des locaux")
    tender.submission_deadline_at = clock.now() + timedelta(days=40)  # an extension
    assert copy_of(db_session, tender) == own(tender)
    tender.status = "cancelled"
    assert copy_of(db_session, tender) == own(tender)


def test_a_statement_that_bypasses_the_orm_reaches_the_search_row_too(db_session, make):
    tender = make.tender(state="open", title_fr="Gardiennage")
    db_session.execute(update(Tender).where(Tender.id == tender.id).values(status="awarded"))
    db_session.expire(tender)
    assert copy_of(db_session, tender) == own(tender)
    assert tender.status == "awarded"


def test_a_tender_indexed_again_keeps_its_copy(db_session, make, clock):
    tender = make.tender(state="open", title_fr="Fibre optique")
    tender.submission_deadline_at = clock.now() + timedelta(days=9)
    db_session.flush()
    search.unindex_tender(db_session, tender.id)
    search.index_tender(db_session, tender)
    db_session.expire_all()
    assert copy_of(db_session, tender) == own(tender)


def open_page(session, now, **args) -> list[int]:
    counts.remembered.clear()
    page = queries.listing_page(session, TenderFilters.from_args(args), now, 1, load=lambda _s, ids: ids)
    return page.items


def test_the_search_page_follows_changes_made_after_publication(db_session, make, clock):
    """Open tenders matching the words, nearest deadline first; a cancelled one leaves the
    open part, an extended one moves, a passed deadline closes one without any write."""
    now = clock.now()
    first, second, third = (
        make.tender(state="open", title_fr=f"Nettoyage {n}", submission_deadline_at=now + timedelta(days=days))
        for n, days in ((1, 5), (2, 10), (3, 15))
    )
    soon = make.tender(state="open", title_fr="Nettoyage 4", submission_deadline_at=now + timedelta(hours=1))
    make.tender(state="open", title_fr="Gardiennage", submission_deadline_at=now + timedelta(days=1))  # other words
    assert open_page(db_session, now, q="nettoyage", status="open") == [soon.id, first.id, second.id, third.id]

    first.submission_deadline_at = now + timedelta(days=20)
    second.status = "cancelled"
    db_session.flush()
    later = now + timedelta(hours=2)
    assert open_page(db_session, later, q="nettoy", status="open") == [third.id, first.id]
    assert open_page(db_session, later, q="nettoyage", category=third.category, status="open") == [third.id, first.id]
    # The default order still puts the others (the closed and the cancelled one) after the open ones.
    assert open_page(db_session, later, q="nettoyage")[:2] == [third.id, first.id]
    assert set(open_page(db_session, later, q="nettoyage")[2:]) == {second.id, soon.id}
