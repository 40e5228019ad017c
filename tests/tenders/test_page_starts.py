"""On PostgreSQL a listing page in deadline order seeks from where the page before it
ended, remembered while the listing stays as it was (``safkat.tenders.page_starts``,
issue 16): the pages are the same as when every page skipped its rows, in any order of
visit, and after a change. SQLite skips its rows (cheaper there): the same pages."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from safkat.tenders import page_starts, queries
from safkat.tenders.models import Tender
from safkat.tenders.page_starts import PageStarts, Start
from safkat.tenders.queries import TenderFilters
from tests.conftest import is_postgresql
from tests.recorded_sql import statements_with_parameters

PER_PAGE = 3
ROWS = queries.RowLoader(select(Tender.id, Tender.submission_deadline_at), lambda row: row.id)


@pytest.fixture
def open_tenders(make, clock):
    """14 open tenders in wilaya 16, their deadlines tied in pairs (ids break the ties)."""
    return [
        make.tender(state="open", wilayas=["16"], submission_deadline_at=clock.now() + timedelta(days=2 + n // 2))
        for n in range(14)
    ]


def in_order(tenders, now) -> list[int]:
    open_now = [t for t in tenders if t.status == "published" and t.submission_deadline_at > now]
    return [t.id for t in sorted(open_now, key=lambda t: (t.submission_deadline_at, t.id))]


def page(session, filters, now, number) -> list[int]:
    return queries.listing_page(session, filters, now, number, per_page=PER_PAGE, load=ROWS).items


def fresh_page(session, filters, now, number) -> list[int]:
    """The page read by skipping its rows: no start remembered."""
    page_starts.starts.clear()
    return page(session, filters, now, number)


@pytest.mark.parametrize("args", [{}, {"wilaya": "16"}, {"q": "fibre"}, {"sort": "deadline"}])
def test_a_page_seeks_from_where_the_page_before_it_ended(db_session, engine, open_tenders, clock, args):
    now, filters = clock.now(), TenderFilters.from_args(args)
    with statements_with_parameters(engine) as seen:
        pages = [page(db_session, filters, now, number) for number in range(1, 6)]
    assert sum(pages, []) == in_order(open_tenders, now)
    # (deadline, id) > (after the start): on both databases a range of the order's index
    sought = [params for statement, params in seen if ") > (" in statement]
    if not is_postgresql():
        assert sought == []
        return
    assert len(sought) == 4  # pages 2 to 5, each after the last tender of the page before
    last_of_page_4 = pages[3][-1]
    assert any(last_of_page_4 in params.values() for params in sought)


def test_pages_visited_in_any_order_are_those_read_by_skipping_rows(db_session, open_tenders, clock):
    now, filters = clock.now(), TenderFilters()
    expected = {number: fresh_page(db_session, filters, now, number) for number in range(1, 6)}
    page_starts.starts.clear()
    visits = [number for number in range(1, 6) for _ in range(3)]
    random.Random(7).shuffle(visits)
    for number in visits:
        assert page(db_session, filters, now, number) == expected[number], number


def test_a_start_is_forgotten_when_the_listing_changes(db_session, make, open_tenders, clock):
    """A tender published before the start, or a deadline passing, moves every later row:
    the listing's last change moves with them, and the remembered starts are not used."""
    filters = TenderFilters(wilaya="16")
    first_two = [page(db_session, filters, clock.now(), number) for number in (1, 2)]
    clock.advance(seconds=1)
    earliest = make.tender(state="open", wilayas=["16"], submission_deadline_at=clock.now() + timedelta(days=1))
    now = clock.now()
    assert page(db_session, filters, now, 2) == fresh_page(db_session, filters, now, 2)
    assert page(db_session, filters, now, 2)[0] == first_two[0][-1]  # one row later
    assert in_order([*open_tenders, earliest], now)[:PER_PAGE] == page(db_session, filters, now, 1)
    page(db_session, filters, now, 3)  # a start remembered in this state
    clock.advance(days=1, seconds=1)  # the earliest deadline has passed
    now = clock.now()
    assert page(db_session, filters, now, 3) == fresh_page(db_session, filters, now, 3)
    assert page(db_session, filters, now, 2)[0] == first_two[1][0]  # back to where it was


def test_the_nearest_known_start_before_a_page_is_found():
    starts = PageStarts()
    assert starts.nearest("listing", 60) is None
    starts.remember("listing", 20, ("deadline 20", 20))
    starts.remember("listing", 60, ("deadline 60", 60))
    assert starts.nearest("listing", 10) is None
    assert starts.nearest("listing", 40) == Start(20, ("deadline 20", 20))
    assert starts.nearest("listing", 60) == Start(60, ("deadline 60", 60))
    assert starts.nearest("another listing", 60) is None


def test_the_least_recently_used_listings_are_forgotten(monkeypatch):
    monkeypatch.setattr(page_starts, "MAX_LISTS", 2)
    starts = PageStarts()
    for listing in ("a", "b"):
        starts.remember(listing, 20, (listing, 1))
    assert starts.nearest("a", 20)  # "a" used last: "b" goes first
    starts.remember("c", 20, ("c", 1))
    assert [starts.nearest(listing, 20) is not None for listing in "abc"] == [True, False, True]
