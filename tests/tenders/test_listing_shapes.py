"""The listing writes its filters by sets of tenders (wilaya, sector, words) in the shape
that suits the filter's size (``queries.IdSets``, issue 16): every shape lists the same
tenders in the same order, with the same count, on both databases."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import select

from safkat.tenders import counts, queries
from safkat.tenders.models import Tender
from safkat.tenders.queries import IdSets, TenderFilters
from tests.conftest import is_postgresql
from tests.recorded_sql import statements, statements_with_parameters

WILAYAS = (["16"], ["31", "16"], ["05"])
WORDS = ("fibre optique", "nettoyage des locaux", "gardiennage")


@pytest.fixture
def tenders(make, clock):
    """24 public tenders: open ones with different deadlines, closed and cancelled ones
    published on different days, spread over wilayas, sectors and words."""
    sectors = [make.sector("telecom_networks"), make.sector("civil_works")]
    authority = make.authority()
    made = []
    for n in range(24):
        state = ("open", "open", "closed", "cancelled")[n % 4]
        deadline = clock.now() + timedelta(days=3 + n % 7) if state == "open" else clock.now() - timedelta(days=1 + n)
        made.append(
            make.tender(
                state=state,
                authority=authority,
                commission=False,
                lots=1,
                title_fr=f"Marché {n} : {WORDS[n % 3]}",
                wilayas=WILAYAS[n % 3],
                sectors=[sectors[n % 2]],
                submission_deadline_at=deadline,
                published_at=clock.now() - timedelta(days=30 - n % 5),
            )
        )
    return made


def open_first(tenders, now) -> list[int]:
    """The listing's default order, computed here: open tenders by nearest deadline, then
    the others by latest publication (ids break ties the way the listing does)."""
    is_open = [t for t in tenders if t.status == "published" and t.submission_deadline_at > now]
    others = [t for t in tenders if t not in is_open]
    return [t.id for t in sorted(is_open, key=lambda t: (t.submission_deadline_at, t.id))] + [
        t.id for t in sorted(others, key=lambda t: (t.published_at, t.id), reverse=True)
    ]


# The page's ids as given to a loader, and as read by a RowLoader, in the statement of the page's ids.
# The rows' loader reads where each row is in deadline order: on PostgreSQL its pages in
# that order after the first seek from where the page before ended (page_starts).
ROWS = select(Tender.id, Tender.submission_deadline_at)
LOADERS = {"ids": lambda _s, page_ids: page_ids, "rows": queries.RowLoader(ROWS, lambda row: row.id)}


def pages(session, filters, now, monkeypatch, id_sets, sort_all=False, load=LOADERS["ids"]) -> tuple[list[int], int]:
    monkeypatch.setattr(queries, "id_sets_for", lambda *_: id_sets)
    monkeypatch.setattr(queries, "counted_sets", lambda *_: id_sets)
    monkeypatch.setattr(queries, "orders_for", lambda *_: queries.Orders(sort_all))
    counts.remembered.clear()
    ids, number, total = [], 1, None
    while True:
        page = queries.listing_page(session, filters, now, number, per_page=4, load=load)
        ids += page.items
        total = page.total
        if not page.has_next:
            return ids, total
        number += 1


@pytest.mark.parametrize(
    "args",
    [
        {"wilaya": "16"},
        {"wilaya": "05", "category": "works"},
        {"sector": "civil_works"},
        {"q": "fibre"},
        {"q": "fibre opti"},  # every word, each as a prefix
        {"q": "nettoyage", "wilaya": "16"},
        {"q": "gard", "sector": "telecom_networks", "sort": "published"},
        {"wilaya": "31", "status": "open", "sort": "deadline"},
    ],
)
def test_every_shape_lists_the_same_tenders_in_the_same_order(db_session, tenders, clock, monkeypatch, args):
    filters = TenderFilters.from_args(args)
    listed = {}
    for (name, load), sort_all in product(LOADERS.items(), (False, True)):
        for shape in IdSets if not sort_all or is_postgresql() else ():  # sort_all: queries.Orders
            listed[name, shape, sort_all] = pages(db_session, filters, clock.now(), monkeypatch, shape, sort_all, load)
    expected = [t for t in tenders if _matches(t, args, clock.now())]
    if filters.sort == "published":
        order = [t.id for t in sorted(expected, key=lambda t: (t.published_at, t.id), reverse=True)]
    elif filters.sort == "deadline":
        order = [t.id for t in sorted(expected, key=lambda t: (t.submission_deadline_at, t.id))]
    else:
        order = open_first(expected, clock.now())
    assert order, "the filter must match some tenders to prove anything"
    for shape, (ids, total) in listed.items():
        assert (ids, total) == (order, len(order)), shape


def _matches(tender, args, now) -> bool:
    codes = [row.wilaya_code for row in tender.wilaya_rows]
    is_open = tender.status == "published" and tender.submission_deadline_at > now
    checks = {
        "wilaya": lambda value: value in codes,
        "category": lambda value: tender.category == value,
        "sector": lambda value: value in [sector.code for sector in tender.sectors],
        "q": lambda value: value in tender.title_fr,
        "status": lambda value: value == "open" and is_open,
        "sort": lambda _value: True,
    }
    return all(checks[name](value) for name, value in args.items())


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (counts.Count(40, True), IdSets.PLANNED),
        (counts.Count(400, True), IdSets.LISTED),
        (counts.Count(20_000, False), IdSets.CHECKED),
    ],
)
def test_the_shape_follows_the_filters_size_on_sqlite(db_session, count, expected):
    shape = queries.id_sets_for(db_session, TenderFilters.from_args({"wilaya": "16"}), count)
    assert shape is (IdSets.PLANNED if is_postgresql() else expected)
    # No set to shape, or an order no index gives: as the database plans it.
    for args in ({"category": "works"}, {"wilaya": "16", "sort": "deadline"}):
        assert queries.id_sets_for(db_session, TenderFilters.from_args(args), count) is IdSets.PLANNED


def test_postgresql_sorts_a_small_filters_matches_rather_than_walk_the_publication_index(db_session):
    """A filter counted exactly (1,000 tenders at most) has its publication order sorted
    from its matches on PostgreSQL; a larger one, and SQLite, walk the indexes."""
    small, large = counts.Count(70, True), counts.Count(20_000, False)
    assert queries.orders_for(db_session, small).sort_all is is_postgresql()
    assert queries.orders_for(db_session, large).sort_all is False


@pytest.mark.skipif(is_postgresql(), reason="SQLite's plans; PostgreSQL plans every shape alike")
@pytest.mark.parametrize(
    ("args", "id_sets", "index", "set_read"),
    [
        # A wilaya's open tenders are its own rows' index (migration 0024): no set to read.
        ({"wilaya": "16", "category": "works"}, IdSets.CHECKED, "ix_tender_wilayas_listing", None),
        ({"wilaya": "16"}, IdSets.LISTED, "ix_tender_wilayas_listing", None),
        ({"q": "fibre"}, IdSets.LISTED, "ix_tenders_public_listing", "LIST SUBQUERY"),
    ],
)
def test_a_large_set_walks_the_index_of_the_pages_order_even_with_statistics(
    db_session, engine, tenders, clock, monkeypatch, args, id_sets, index, set_read
):
    """With ``ANALYZE`` statistics SQLite read every id of a large set and sorted them
    (wilaya 16 × works at 100,000 tenders: 15.9 ms); the shapes keep the page's order
    from an index, without a sort, whatever the statistics say."""
    db_session.connection().exec_driver_sql("ANALYZE")
    monkeypatch.setattr(queries, "id_sets_for", lambda *_: id_sets)
    with statements_with_parameters(engine) as seen:
        queries.listing_page(db_session, TenderFilters.from_args(args), clock.now(), 1, load=lambda _s, ids: ids)
    # The page's first statement: its open tenders' ids (of a wilaya's, read from its rows).
    page_ids = ("SELECT tenders.id", "SELECT tender_wilayas.tender_id")
    statement, params = next((s, p) for s, p in seen if s.startswith(page_ids) and "ORDER BY" in s)
    plan = [row[-1] for row in db_session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    assert any(f"INDEX {index}" in step for step in plan), plan
    assert set_read is None or any(set_read in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


@pytest.mark.skipif(is_postgresql(), reason="SQLite's plans; PostgreSQL plans every shape alike")
@pytest.mark.parametrize(
    ("args", "first"),
    [
        ({"q": "fibre"}, "fts"),
        ({"wilaya": "16"}, "COVERING INDEX ix_tender_wilayas_listing"),  # no tender read: see _counted
        ({"wilaya": "16", "category": "works"}, "COVERING INDEX ix_tender_wilayas_listing"),
    ],
)
def test_sqlite_counts_a_set_joined_from_its_own_index(db_session, engine, tenders, clock, args, first):
    """The count reads the set's rows first and joins each to its tender, streaming (no
    list of the whole set built before the first row), so counting up to 1,001 stops there.
    A wilaya alone (and a category) is counted from its rows' copies, reading no tender."""
    filters = TenderFilters.from_args(args)
    assert queries.counted_sets(db_session, filters) is IdSets.JOINED
    counts.remembered.clear()
    with statements_with_parameters(engine) as seen:
        page = queries.listing_page(db_session, filters, clock.now(), 1, load=lambda _s, ids: ids)
    assert page.total == sum(_matches(t, args, clock.now()) for t in tenders)
    statement, params = next((s, p) for s, p in seen if s.lower().startswith("select count("))
    plan = [row[-1] for row in db_session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    assert first in plan[1] and not any("LIST SUBQUERY" in step for step in plan), plan
    if queries._is_wilaya_alone(filters):
        assert not any("tenders" in step for step in plan), plan


@pytest.mark.skipif(not is_postgresql(), reason="PostgreSQL's search vector; SQLite searches with FTS5")
def test_postgresql_keeps_the_search_vector_small_and_in_the_row(db_session, tenders):
    """Migration 0023: the vector holds no word positions (no search uses them) and is
    stored in the row, so checking a tender reads no TOAST; the searches match as before
    (``test_every_shape_lists_the_same_tenders_in_the_same_order``)."""
    connection = db_session.connection()
    storage = connection.exec_driver_sql(
        "SELECT attstorage FROM pg_attribute WHERE attrelid = 'tender_search'::regclass AND attname = 'body_tsv'"
    ).scalar_one()
    assert storage == "m"
    stripped = "count(*) FILTER (WHERE body_tsv = strip(body_tsv) AND length(body_tsv) > 0)"
    rows = connection.exec_driver_sql(f"SELECT count(*), {stripped} FROM tender_search").one()
    assert rows[0] >= len(tenders) and rows[0] == rows[1]


def walk(session, filters, now, load, rounds) -> list[list[int]]:
    """The ids of every page of ``filters``, 3 a page, ``rounds`` times over."""
    walks = []
    for _ in range(rounds):
        ids, number, more = [], 1, True
        while more:
            page = queries.listing_page(session, filters, now, number, per_page=3, load=load)
            ids, number, more = ids + page.items, number + 1, page.has_next
        walks.append(ids)
    return walks


@pytest.mark.parametrize("sort", ["relevance", "published", "deadline"])
def test_the_whole_listings_pages_list_every_tender_once_each_time(db_session, tenders, clock, sort):
    """Issue 16: on PostgreSQL the whole listing's page statements are prepared, with their
    ``LIMIT`` as a constant (``queries._Window``), and keep one generic plan after five runs:
    a page that reaches past the open tenders, and every later walk, lists the same."""
    now = clock.now()
    if sort == "published":
        order = [t.id for t in sorted(tenders, key=lambda t: (t.published_at, t.id), reverse=True)]
    elif sort == "deadline":
        order = [t.id for t in sorted(tenders, key=lambda t: (t.submission_deadline_at, t.id))]
    else:
        order = open_first(tenders, now)
    for load in LOADERS.values():
        assert walk(db_session, TenderFilters(sort=sort), now, load, rounds=4) == [order] * 4


def test_the_whole_listing_and_a_wilayas_open_tenders_keep_a_generic_plan_other_filters_are_planned(
    db_session, tenders, clock, monkeypatch
):
    """Issue 16: planning the whole listing's page cost 0.3-0.45 ms of its ~1.3 at 100,000
    tenders, and its best plan depends on no value (the moment and the window only): it
    is prepared and PostgreSQL keeps one generic plan. So are a wilaya's (and category's)
    open tenders, the first entries of their wilaya rows' index whatever the codes (0.27
    ms of planning for 0.24 of execution). A search's page, or a wilaya's with other
    filters, is never prepared: its best plan depends on how many tenders its values match
    (but for a frequent word's first pages, written for one plan: the next tests)."""
    from sqlalchemy import text

    if not is_postgresql():
        pytest.skip("prepared statements and generic plans: PostgreSQL only (set SAFKAT_TEST_DATABASE_URL)")
    assert queries.is_planned_once("postgresql", TenderFilters())
    assert not queries.is_planned_once("sqlite", TenderFilters())
    for args in ({"wilaya": "16"}, {"wilaya": "16", "category": "works"}, {"wilaya": "16", "status": "open"}):
        filters = TenderFilters.from_args(args)
        assert queries.is_planned_once("postgresql", filters, "open")
        assert not queries.is_planned_once("postgresql", filters, "others")
        assert not queries.is_planned_once("sqlite", filters, "open")
    for args in (
        {"q": "fibre"},
        {"wilaya": "16", "q": "fibre"},
        {"wilaya": "16", "sector": "civil_works"},
        {"category": "works"},
        {"status": "closed"},
    ):
        filters = TenderFilters.from_args(args)
        assert not any(queries.is_planned_once("postgresql", filters, part) for part in ("all", "open", "others"))
    assert not queries.is_planned_once("postgresql", TenderFilters(wilaya="16", sort="deadline"), "all")
    # Each page's statement (its offset written) runs 11 times: prepared at the 6th, planned
    # for its values 5 times, then generic.
    for args in ({}, {"q": "fibre"}, {"wilaya": "16"}, {"wilaya": "16", "q": "fibre"}):
        walk(db_session, TenderFilters.from_args(args), clock.now(), LOADERS["rows"], rounds=11)
    # Pages past the first ones: one statement with an OFFSET parameter.
    monkeypatch.setattr(queries, "LITERAL_OFFSETS_UP_TO", 0)
    walk(db_session, TenderFilters(), clock.now(), LOADERS["rows"], rounds=4)
    plans = "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
    prepared = db_session.execute(text(f"{plans} WHERE statement LIKE '%) AS page%'")).all()
    assert not [sql for sql, *_ in prepared if "tender_search" in sql]
    in_wilaya = [(sql, generic) for sql, generic, _custom in prepared if "tender_wilayas.wilaya_code =" in sql]
    assert in_wilaya and all(generic for _sql, generic in in_wilaya), prepared
    assert all("tender_wilayas.status" in sql for sql, _generic in in_wilaya)  # its open tenders' rows only
    for window in ("LIMIT 4)", "LIMIT 4 OFFSET 3)", "LIMIT 4 OFFSET 9)", "LIMIT 4 OFFSET $"):
        generic = [generic for sql, generic, _custom in prepared if window in sql]
        assert generic and all(generic), (window, prepared)


def test_a_search_walks_while_its_count_is_estimated_on_its_first_pages_until_a_walk_comes_short(db_session):
    """``word_walks``: only a frequent word (its count not exact) walks, on its first pages;
    a walk that ran out of open tenders is remembered for that search in that database."""
    from safkat.tenders import word_walks

    large, exact = counts.Count(5_000, False), counts.Count(900, True)
    fibre, gard = (("tsquery", "fibre:*"),), (("tsquery", "gard:*"),)
    assert word_walks.walks(db_session, fibre, large, 0)
    assert word_walks.walks(db_session, fibre, large, word_walks.WALKED_UP_TO_OFFSET)
    assert not word_walks.walks(db_session, fibre, large, word_walks.WALKED_UP_TO_OFFSET + 1)
    assert not word_walks.walks(db_session, fibre, exact, 0)
    word_walks.came_short(db_session, fibre)
    assert not word_walks.walks(db_session, fibre, large, 0)
    assert word_walks.walks(db_session, gard, large, 0)


# A search's open tenders are walked from its search rows on PostgreSQL only.
walks_on_postgresql = pytest.mark.skipif(
    not is_postgresql(), reason="word walks: PostgreSQL only, SQLite searches with FTS5 (set SAFKAT_TEST_DATABASE_URL)"
)


def frequent(monkeypatch) -> None:
    """Every word of the fixture counted "about N", as a frequent word is."""
    monkeypatch.setattr(counts, "EXACT_UP_TO", 2)
    counts.remembered.clear()


def first_page(session, q: str, now):
    return queries.listing_page(session, TenderFilters(q=q), now, 1, per_page=3, load=LOADERS["rows"])


@walks_on_postgresql
def test_a_frequent_words_first_page_walks_its_open_tenders_in_a_prepared_statement(
    db_session, engine, tenders, clock, monkeypatch
):
    """Issue 16 (``word_walks``): a word counted "about N" has its first pages' open tenders
    walked by deadline, checking each search row (``ts_match_vq``, which no index serves),
    in a statement prepared once and kept with one generic plan."""
    from sqlalchemy import text

    now = clock.now()
    planned = first_page(db_session, WORDS[0], now).items
    frequent(monkeypatch)
    with statements(engine) as seen:
        for _ in range(11):  # prepared at the 6th run, then generic
            assert first_page(db_session, WORDS[0], now).items == planned
    pages = [statement for statement in seen if ") AS page" in statement]
    assert pages and all("ts_match_vq(tender_search.body_tsv" in sql and "@@" not in sql for sql in pages)
    plans = "SELECT statement, generic_plans FROM pg_prepared_statements WHERE statement LIKE '%ts_match_vq%'"
    prepared = db_session.execute(text(plans)).all()
    assert prepared and all(generic for _sql, generic in prepared), prepared


@walks_on_postgresql
def test_walked_pages_list_what_planned_ones_do_and_a_word_whose_walk_came_short_is_planned(
    db_session, engine, tenders, clock, monkeypatch
):
    """Every page of every word lists the same walked or planned; once a walk comes short
    of its page (the word's open tenders end), that word is planned for its values again."""
    now = clock.now()
    planned = {q: walk(db_session, TenderFilters(q=q), now, LOADERS["rows"], rounds=1) for q in WORDS}
    frequent(monkeypatch)
    with statements(engine) as seen:
        first_page(db_session, WORDS[0], now)
    assert any("ts_match_vq" in sql for sql in seen), "a frequent word's first page walks"
    for q in WORDS:
        assert walk(db_session, TenderFilters(q=q), now, LOADERS["rows"], rounds=2) == planned[q] * 2, q
    with statements(engine) as seen:
        first_page(db_session, WORDS[0], now)
    assert [sql for sql in seen if ") AS page" in sql and "@@" in sql], "a walk came short: planned again"


@walks_on_postgresql
def test_a_word_counted_exactly_is_planned_for_its_values(db_session, engine, tenders, clock):
    with statements(engine) as seen:
        first_page(db_session, WORDS[2], clock.now())
    assert [sql for sql in seen if ") AS page" in sql and "@@" in sql]
    assert not [sql for sql in seen if "ts_match_vq" in sql]


@walks_on_postgresql
def test_a_planned_page_after_walked_ones_starts_where_they_ended(db_session, engine, tenders, clock, monkeypatch):
    """A walk's rows are the planned statement's: the page after the walked ones seeks
    from the start the last of them remembered (``page_starts``) instead of skipping."""
    from safkat.tenders import word_walks

    frequent(monkeypatch)
    monkeypatch.setattr(word_walks, "WALKED_UP_TO_OFFSET", 1)  # pages 1-2 of one tender walk
    for number in (1, 2):
        queries.listing_page(db_session, TenderFilters(q="fibre"), clock.now(), number, 1, LOADERS["rows"])
    with statements_with_parameters(engine) as seen:
        queries.listing_page(db_session, TenderFilters(q="fibre"), clock.now(), 3, 1, LOADERS["rows"])
    statement, params = next((s, p) for s, p in seen if ") AS page" in s)
    assert "@@" in statement and "after_deadline" in params, (statement, params)
