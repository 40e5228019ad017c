"""The public listing of tenders: its filters (``safkat.tenders.filters``), search, sort, pages.

Shared by the HTML list, the Atom feed and the JSON API so they always agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from functools import cache, lru_cache

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    ScalarSelect,
    Select,
    Table,
    UnaryExpression,
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    not_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, defer, joinedload, with_expression
from sqlalchemy.sql import ColumnCollection, operators

from safkat.accounts.models import ContractingAuthority, Sector
from safkat.db import database_key, planned_for_its_values, prepared_when_repeated
from safkat.pagination import Page, parse_page
from safkat.plain_rows import plain_rows
from safkat.tenders import counts, freshness, page_starts, search, word_walks
from safkat.tenders.filters import TenderFilters, bound_values
from safkat.tenders.models import (
    CODES_SEPARATOR,
    Tender,
    TenderSearch,
    TenderStatus,
    tender_sectors,
    tender_wilayas,
)

PER_PAGE = 20
FEW_TENDERS = 100  # a filter's sets of tenders: up to this size, as the database plans them (IdSets)


# The listing's statements are built once per form of filter (``TenderFilters.form``:
# :func:`_filtered`, :func:`_page_ids`) and given the filter's values, the moment and the
# page's window when run (:func:`_values`): building one cost ~0.4 ms, more than SQLite
# took to run it, and a new filter's first page ~3 ms (issue 16).
DEADLINE = Tender.__table__.c.submission_deadline_at.type
NOW = bindparam("now", type_=DEADLINE)
OFFSET, LIMIT = bindparam("offset", type_=Integer()), bindparam("limit", type_=Integer())


def _is_open(status: ColumnElement, deadline: ColumnElement) -> ColumnElement[bool]:
    """Open at ``NOW``: published, its deadline to come (of a tender, or of its copies)."""
    return and_(status == TenderStatus.PUBLISHED, deadline > NOW)


IS_OPEN = _is_open(Tender.status, Tender.submission_deadline_at)


def _is_public(status: ColumnElement) -> ColumnElement[bool]:
    """Public: neither a draft nor deleted (a tender's status, or its copies')."""
    # Constants in the statement's text rather than a list parameter, which SQLAlchemy writes
    # into the text again at each execution (~20 µs on SQLite, ~40 on PostgreSQL; issue 16).
    return status.not_in([literal_column(f"'{state}'") for state in (TenderStatus.DRAFT, TenderStatus.DELETED)])


IS_PUBLIC = _is_public(Tender.status)


def _given(bound: Mapping | tuple[tuple[str, object], ...], now: datetime) -> dict:
    """A filter's ``bound`` values (``filters.bound_values``) and the moment: what every
    statement of its pages takes."""
    return {**dict(bound), "now": now}


def _values(given: Mapping, offset: int = 0, limit: int = 0) -> dict:
    """What a statement of the listing is run with: the ``given`` values (a filter's, see
    :func:`safkat.tenders.filters.bound_values`, and the moment, ``now``) and a window."""
    return {**given, "offset": offset, "limit": limit}


class IdSets(Enum):
    """How a filter by a set of tenders (a wilaya's, a sector's, a search's) is written.

    SQLite plans by its ``ANALYZE`` statistics, which know the indexes but not how many
    tenders a filter holds: with them, it reads every id of the set and sorts them, even
    when the page's first 21 rows are a few steps down an index already in the page's
    order. At 100,000 tenders the open-first page of wilaya 16 × works cost 15.9 ms that
    way, 1.9 ms walking the index in order with the set as a list, 0.06 ms walking it and
    checking each tender in ``tender_wilayas`` (issue 16). The listing knows the filter's
    size (its count) and picks the shape; PostgreSQL plans every shape alike.

    SQLite counts a filter joined to its sets: an ``IN`` list is made whole before the
    first row, a join streams, so that counting up to 1,001 tenders stops there (wilaya
    16 × services: 7.8 → 1.7 ms; a word: 1.1–2.5 → 0.5–0.9 ms). Every row of a set names
    a tender once (one wilaya, one sector code, one row of the search), so a join never
    counts a tender twice.
    """

    PLANNED = "planned"  # tenders.id IN (set): the database's choice (small sets)
    LISTED = "listed"  # +tenders.id IN (set): the set as a list, the page's order from its index
    CHECKED = "checked"  # EXISTS (the tender's own row): a large set, checked per tender in order
    JOINED = "joined"  # JOIN the set's rows: SQLite counts from the set, stopping when told to


@lru_cache(maxsize=1024)
def _filtered(dialect: str, form: TenderFilters, id_sets: IdSets = IdSets.PLANNED) -> Select:
    """Public tenders matching filters of ``form`` (no order, no limit; the moment is
    ``NOW``, the filters' values their parameters); ``id_sets`` shapes the filters by sets
    of tenders (:class:`IdSets`), never what they match. Built once per process and form."""
    query = select(Tender).where(IS_PUBLIC)
    if form.status == "open":
        query = query.where(IS_OPEN)
    elif form.status == "closed":
        query = query.where(Tender.status == TenderStatus.PUBLISHED, Tender.submission_deadline_at <= NOW)
    elif form.status:
        query = query.where(Tender.status == form.status)
    for name in ("category", "procedure"):
        if getattr(form, name):
            query = query.where(getattr(Tender, name) == bindparam(name))
    if form.wilaya:
        query = _in_set(query, tender_wilayas.c.tender_id, tender_wilayas.c.wilaya_code == bindparam("wilaya"), id_sets)
    if form.sector:
        sector_ids = select(Sector.id).where(Sector.code == bindparam("sector"))
        query = _in_set(query, tender_sectors.c.tender_id, tender_sectors.c.sector_id.in_(sector_ids), id_sets)
    if form.authority:
        authority_ids = select(ContractingAuthority.id).where(ContractingAuthority.code == bindparam("authority"))
        query = query.where(Tender.authority_id.in_(authority_ids))
    if form.reserved:
        query = query.where(Tender.has_reserved_lot.is_(True))
    if form.deadline_from:
        query = query.where(Tender.submission_deadline_at >= bindparam("deadline_from", type_=DEADLINE))
    if form.deadline_to:  # the day after the last one's midnight
        query = query.where(Tender.submission_deadline_at < bindparam("deadline_to", type_=DEADLINE))
    if form.budget_min is not None:
        query = query.where(Tender.is_budget_public.is_(True), Tender.estimated_budget >= bindparam("budget_min"))
    if form.budget_max is not None:
        query = query.where(Tender.is_budget_public.is_(True), Tender.estimated_budget <= bindparam("budget_max"))
    if search.query_terms(form.q) and id_sets is IdSets.JOINED:
        query = search.joined_to_matches(dialect, query)
    elif search.query_terms(form.q):
        query = query.where(search.matching_condition(dialect, listed=id_sets is not IdSets.PLANNED))
    return query


def _in_set(query: Select, tender_id: ColumnElement, condition: ColumnElement[bool], id_sets: IdSets) -> Select:
    """``query`` kept to the tenders of the rows of ``tender_id``'s table that meet ``condition``."""
    if id_sets is IdSets.JOINED:
        return query.join(tender_id.table, and_(tender_id == Tender.id, condition))
    if id_sets is IdSets.CHECKED:
        return query.where(exists().where(tender_id == Tender.id, condition))
    ids = select(tender_id).where(condition)
    return query.where((Tender.id + 0 if id_sets is IdSets.LISTED else Tender.id).in_(ids))  # + 0: no index


def _has_sets(filters: TenderFilters) -> bool:
    return bool(filters.wilaya or filters.sector or search.query_terms(filters.q))


def counted_sets(session: Session, filters: TenderFilters) -> IdSets:
    """The shape of the sets of tenders in a filter's count (see :class:`IdSets`)."""
    is_sqlite = session.get_bind().dialect.name == "sqlite"
    return IdSets.JOINED if is_sqlite and _has_sets(filters) else IdSets.PLANNED


def id_sets_for(session: Session, filters: TenderFilters, total: counts.Count) -> IdSets:
    """The shape of a page's sets of tenders, by the filter's size (``total``): see :class:`IdSets`.

    Up to :data:`FEW_TENDERS`, or when no index gives the page's order, the database's own
    plan (reading the few ids first suits them); then the set as a list while walking the
    page's order; above the exact counts (more than 1,000 tenders), a check per tender,
    which stops as soon as the page is full.
    """
    # Every order of the listing has an index to walk but the deadline's over every status.
    walkable = filters.sort != "deadline" or filters.status == "open"
    is_sqlite = session.get_bind().dialect.name == "sqlite"
    if not (is_sqlite and walkable and _has_sets(filters)) or total.value <= FEW_TENDERS:
        return IdSets.PLANNED
    return IdSets.LISTED if total.is_exact else IdSets.CHECKED


# A tender's number of lots and its wilaya codes, copies on its row kept by triggers
# (migration 0026): read by two sub-queries per card, they were half the index pages of a
# listing page (~0.15 ms of PostgreSQL's CPU at 100,000 tenders; issue 16).
LOTS_COUNT = Tender.__table__.c.listed_lots
WILAYAS_JOINED = Tender.__table__.c.listed_wilayas


def _joined_codes(code, tender_id, *joins) -> ScalarSelect:
    """The codes of a tender's rows joined in one string ('' for none), in the row's query."""
    # The separator as a constant of the text: SQLAlchemy writes a separator given as a
    # value into the text again at every execution (see IS_PUBLIC).
    separator = literal_column(f"'{CODES_SEPARATOR}'")
    query = select(func.coalesce(func.aggregate_strings(code, separator), ""))
    for join in joins:
        query = query.join_from(*join)
    return query.where(tender_id == Tender.id).correlate(Tender).scalar_subquery()


SECTORS_JOINED = _joined_codes(
    Sector.code, tender_sectors.c.tender_id, (tender_sectors, Sector, tender_sectors.c.sector_id == Sector.id)
)


@cache
def with_authority_and_counts() -> tuple:
    """Loader options for a tender with its authority, its number of lots and the codes of
    its wilayas and sectors, in the tender's own statement (never a statement per tender,
    nor objects for rows shown as codes). Built once, on first use (the mappers must all
    be known by then): making them (``with_expression`` copies its expression) cost more
    than running the statement they shape (issue 16)."""
    return (
        joinedload(Tender.authority),
        with_expression(Tender.lots_counted, LOTS_COUNT),
        with_expression(Tender.wilayas_joined, WILAYAS_JOINED),
        with_expression(Tender.sectors_joined, SECTORS_JOINED),
    )


@cache
def _listed() -> tuple:
    """What a card, an API summary and a feed entry show; the descriptions, the widest
    columns, are left in the database."""
    return (*with_authority_and_counts(), defer(Tender.description_fr), defer(Tender.description_ar))


def _load(query: Select) -> Select:
    return query.options(*_listed())


def load_tenders(session: Session, ids: Sequence[int]) -> list[Tender]:
    """Tenders ``ids`` in that order, with what the API and the feed show."""
    if not ids:
        return []
    found = {tender.id: tender for tender in session.scalars(_load(select(Tender).where(Tender.id.in_(ids)))).unique()}
    return [found[id_] for id_ in ids if id_ in found]


def rows_in_order(session: Session, statement: Select, ids: Sequence[int]) -> list:
    """The rows of ``statement`` (which reads tenders ``:ids``, an expanding parameter) in
    the order of ``ids``, those no longer there skipped. Run on the session's connection:
    plain rows need none of the ORM's result handling."""
    if not ids:
        return []
    rows = {row.id: row for row in session.connection().execute(statement, {"ids": list(ids)})}
    return [rows[id_] for id_ in ids if id_ in rows]


@lru_cache(maxsize=16)
def by_ids(columns: Select) -> Select:
    """``columns`` for the tenders ``:ids`` (an expanding parameter). Built once per statement."""
    return columns.where(Tender.id.in_(bindparam("ids", expanding=True)))


Loader = Callable[[Session, Sequence[int]], list]  # the page's ids → what the page shows of them


@dataclass(frozen=True)
class RowLoader:
    """A :data:`Loader` whose items are made (``make``) from the rows of one statement,
    ``columns``: the columns of tenders and of what joins them (no condition on the ids),
    built once.

    Called with ids (the home page), it reads those tenders. A listing page instead reads
    its tenders with the statement of its ids inside (:func:`_page_rows`): one statement
    and one round trip per page instead of two (issue 16), its rows named tuples
    (:func:`safkat.plain_rows.plain_rows`). ``make`` reads a row's columns by name.
    """

    columns: Select
    make: Callable[[Row], object]

    def __call__(self, session: Session, ids: Sequence[int]) -> list:
        return [self.make(row) for row in rows_in_order(session, by_ids(self.columns), ids)]


@dataclass(frozen=True)
class _Visit:
    """What the statements of one page of the listing are run with: the filter's
    ``shape`` and ``bound`` values (``filters.bound_values``), the moment, the state of
    the listing (``as_of``, :func:`last_change`) and what the page makes of its rows."""

    session: Session
    shape: _Shape
    bound: tuple[tuple[str, object], ...]
    now: datetime
    as_of: object
    load: Loader

    @property
    def given(self) -> dict:
        """The values every statement of the page takes."""
        return _given(self.bound, self.now)

    def rows(self, part: str, order: str, offset: int, limit: int) -> list:
        """The items of ``limit`` rows from ``offset`` of ``shape``'s ``part`` in ``order``.

        The page's ids are found first (narrow rows to sort and to skip over), then only
        those tenders are read: sorting or skipping over full rows, long descriptions
        included, costed more than the rest of the page. A :class:`RowLoader`'s rows are
        read in the same statement, around the ids', on PostgreSQL from the nearest known
        start of a page in deadline order (:mod:`safkat.tenders.page_starts`). A shape
        whose statements keep one plan (:func:`is_planned_once`) has them prepared, its
        window written for that plan.
        """
        prepared = self.shape.is_prepared(part)
        with prepared_when_repeated(self.session) if prepared else nullcontext():
            if isinstance(self.load, RowLoader):
                return self._loaded_rows(part, order, offset, limit, prepared)
            values = _values(self.given, offset, limit)
            window = _Window.of(values) if prepared else None
            ids = list(self.session.scalars(self.shape.ids(part, order, window), values))
        return self.load(self.session, ids)

    def _loaded_rows(self, part: str, order: str, offset: int, limit: int, prepared: bool) -> list:
        listing = self._starts_key(part, order)
        start = page_starts.starts.nearest(listing, offset) if listing else None
        values = _values(self.given, offset - (start.offset if start else 0), limit)
        if start:
            values["after_deadline"], values["after_id"] = start.after
        window = _Window.of(values) if prepared else None
        statement = self.shape.rows(part, order, self.load.columns, window, seek=start is not None)
        rows = plain_rows(self.session.connection(), statement, values)
        if listing and len(rows) >= limit - 1 > 0:  # the start of the next page
            last = rows[limit - 2]
            page_starts.starts.remember(listing, offset + limit - 1, (last.submission_deadline_at, last.id))
        return [self.load.make(row) for row in rows]

    def _starts_key(self, part: str, order: str) -> tuple | None:
        """What the starts of ``part``'s pages in ``order`` are remembered under, if they
        are: on PostgreSQL, in deadline order, for rows that carry their keys."""
        if self.shape.dialect != "postgresql" or order != "deadline" or not _carries_deadline_keys(self.load.columns):
            return None
        # A walk's rows are the planned statement's: their starts are shared.
        return (database_key(self.session), self.shape.planned, self.bound, part, self.as_of)


@lru_cache(maxsize=16)
def _carries_deadline_keys(columns: Select) -> bool:
    """Whether rows of ``columns`` say where they are in deadline order (page_starts)."""
    return {"id", "submission_deadline_at"} <= set(columns.selected_columns.keys())


# A page's OFFSET up to this is written in its prepared statement: a statement of its own
# for each of the first pages, the most read, whose generic plan then costs what their own do.
LITERAL_OFFSETS_UP_TO = 100


@dataclass(frozen=True)
class _Window:
    """A page's window as the text of a prepared statement gives it.

    ``LIMIT`` a constant: with a ``LIMIT`` parameter PostgreSQL's generic plan is costed
    for a tenth of the rows (15,254 against ~400 at 100,000 tenders), and
    ``plan_cache_mode = auto`` never chose it. ``OFFSET`` a parameter (``offset`` None), but
    for the first pages: its generic plan is costed for skipping a tenth of the rows,
    more than a custom plan for a small offset, so that pages 2-35 asked most would have
    stayed planned each time.
    """

    limit: int
    offset: int | None  # None: the OFFSET parameter

    @classmethod
    def of(cls, values: dict) -> _Window:
        offset = int(values["offset"])
        return cls(int(values["limit"]), offset if offset <= LITERAL_OFFSETS_UP_TO else None)


def _windowed(query: Select, window: _Window | None) -> Select:
    """``query`` limited to a page: ``LIMIT`` and ``OFFSET`` parameters, or ``window``."""
    if window is None:
        return query.limit(LIMIT).offset(OFFSET)
    query = query.limit(literal_column(str(window.limit), Integer()))
    if window.offset is None:
        return query.offset(OFFSET)
    return query.offset(literal_column(str(window.offset), Integer())) if window.offset else query


def _order_keys(shape: _Shape, part: str, order: str) -> tuple:
    rows = _walked_rows(shape.dialect, shape.form, part)
    if rows is not None:
        return rows.submission_deadline_at.asc(), rows.tender_id
    orders = Orders(shape.sort_all)
    return orders.by_deadline() if order == "deadline" else orders.by_publication()


@lru_cache(maxsize=2048)
def _page_ids(shape: _Shape, part: str, order: str, window: _Window | None = None) -> Select:
    """The ids of a page (``LIMIT`` rows from ``OFFSET``, or as ``window`` says) of the
    ``part`` ("all", "open", "others") of ``shape``'s tenders in ``order`` ("deadline",
    "publication"). Built once."""
    keys = _order_keys(shape, part, order)
    query = shape.part(part)
    return _windowed(query.order_by(*keys).with_only_columns(_id_of(query)), window)


# A page's start in deadline order (page_starts): the sort key of the row before it.
AFTER = tuple_(bindparam("after_deadline", type_=DEADLINE), bindparam("after_id", type_=Integer()))


@lru_cache(maxsize=2048)
def _page_rows(
    shape: _Shape, part: str, order: str, columns: Select, window: _Window | None = None, seek: bool = False
) -> Select:
    """``columns`` for the tenders of :func:`_page_ids`'s page, in its order; ``seek``: in
    deadline order, its rows after the key :data:`AFTER` (the window then counts from
    there). Built once.

    The page's ids are a derived table, which also gives the keys of their order: the
    outer statement sorts its few rows by them, so no database walks the tenders by an
    index of that order to join the page's ids to them.
    """
    keys = _order_keys(shape, part, order)
    key_columns = [key.element if isinstance(key, UnaryExpression) else key for key in keys]
    labelled = [column.label(f"key_{n}") for n, column in enumerate(key_columns)]
    query = shape.part(part)
    if seek:  # (deadline, id) ascending: an index's range from the key on
        query = query.where(tuple_(*key_columns) > AFTER)
    query = query.with_only_columns(_id_of(query).label("page_id"), *labelled)
    page = _windowed(query.order_by(*keys), window).subquery("page")
    descending = [isinstance(key, UnaryExpression) and key.modifier is operators.desc_op for key in keys]
    outer = [page.c[f"key_{n}"].desc() if down else page.c[f"key_{n}"] for n, down in enumerate(descending)]
    return columns.where(Tender.id == page.c.page_id).order_by(*outer)


def _id_of(part: Select) -> ColumnElement[int]:
    """The tender id a part's statement selects first: of its tenders, or of their rows."""
    return part.selected_columns[0]


@lru_cache(maxsize=2048)
def _part(dialect: str, filters: TenderFilters, id_sets: IdSets, part: str, walks_words: bool = False) -> Select:
    """The open tenders of a filter, the others, or all of them (``part``); ``walks_words``:
    a search's open tenders walked by deadline (:mod:`word_walks`). Built once."""
    rows = _walked_rows(dialect, filters, part)
    if rows is WILAYA_ROWS:
        return _open_in_wilaya(dialect, filters, id_sets)
    if rows is SEARCH_ROWS:
        return _open_in_search(dialect, filters, id_sets, walks_words)
    if part == "others" and filters.wilaya and dialect == "postgresql":
        return _others_in_wilaya(dialect, filters, id_sets)
    query = _filtered(dialect, filters, id_sets)
    if part == "open":
        return query.where(IS_OPEN)
    return query.where(not_(IS_OPEN)) if part == "others" else query


WILAYA_ROWS = tender_wilayas.c
SEARCH_ROWS = TenderSearch.__table__.c


def _walked_rows(dialect: str, filters: TenderFilters, part: str) -> ColumnCollection | None:
    """The rows whose copies of their tenders' status and deadline give a part's tenders
    in deadline order from their own index, if any: a wilaya's open tenders from its
    wilaya rows (:func:`_open_in_wilaya`), else, on PostgreSQL, a search's from its search
    rows (:func:`_open_in_search`)."""
    if part != "open":
        return None
    if filters.wilaya:
        return WILAYA_ROWS
    return SEARCH_ROWS if dialect == "postgresql" and search.query_terms(filters.q) else None


def _besides_wilaya(filters: TenderFilters) -> TenderFilters:
    """``filters`` without what a wilaya row's own columns check (its code, its tender's
    category) and without the status, which its copies say."""
    return replace(filters, wilaya="", category="", status="")


def _is_wilaya_alone(filters: TenderFilters, status: str = "") -> bool:
    """Whether ``filters`` are a wilaya's, with a category or not, and ``status`` or none."""
    return bool(filters.wilaya) and filters.status in ("", status) and not _besides_wilaya(filters).is_filtered


def _in_wilaya_rows(filters: TenderFilters) -> tuple[ColumnElement[bool], ...]:
    """The wilaya rows of ``filters``' wilaya, of its category if it has one."""
    in_wilaya = WILAYA_ROWS.wilaya_code == bindparam("wilaya")
    return (in_wilaya, WILAYA_ROWS.category == bindparam("category")) if filters.category else (in_wilaya,)


def _open_from_copies(dialect: str, others: TenderFilters, id_sets: IdSets, rows: Table, *matching) -> Select:
    """The tenders of ``others`` (filters of a form) found from their ``rows`` that meet
    ``matching`` and whose copies of their tender's status and deadline (migrations 0024,
    0025) say open.

    With no other filter the rows alone answer, by their tenders' ids: an open tender is
    public. Checking it on ``tenders`` cost a lookup per row walked and a join to plan
    (a word's page statement on PostgreSQL at 100,000 tenders: 1.03 → 0.94 ms).
    """
    copies = rows.c
    is_open = _is_open(copies.status, copies.submission_deadline_at)
    if not others.is_filtered:
        return select(copies.tender_id).where(*matching, is_open)
    return _joined_to_rows(dialect, others, id_sets, rows).where(*matching, is_open)


def _joined_to_rows(dialect: str, others: TenderFilters, id_sets: IdSets, rows: Table) -> Select:
    """The tenders of ``others`` (filters of a form), each with its ``rows``."""
    return _filtered(dialect, others, id_sets).join(rows, rows.c.tender_id == Tender.id)


@lru_cache(maxsize=1024)
def _counted(dialect: str, filters: TenderFilters, id_sets: IdSets) -> Select:
    """What a filter's count reads: its tenders (``id_sets`` shaping its sets), or for a
    wilaya alone (and a category) its wilaya rows, whose copies say which are public: one
    index and no tender read. Counting a wilaya × category up to 1,001 tenders through
    ``tenders`` cost ~3 ms on PostgreSQL at 100,000 tenders, in each process after each
    change. Built once."""
    if not _is_wilaya_alone(filters):
        return _filtered(dialect, filters, id_sets)
    return select(WILAYA_ROWS.tender_id).where(*_in_wilaya_rows(filters), _is_public(WILAYA_ROWS.status))


def _open_in_wilaya(dialect: str, filters: TenderFilters, id_sets: IdSets) -> Select:
    """The open tenders of a filter by wilaya, in deadline order from the wilaya's rows.

    Each wilaya row carries its tender's status, category and deadline (copied by
    triggers, migration 0024), so the first rows of ``ix_tender_wilayas_listing`` are the
    page's: ~21 index entries instead of ~58 open tenders walked for each one shown
    (wilaya × category, 100,000 tenders: SQLite 0.9 → 0.1 ms). The other filters are
    checked on the tenders found.
    """
    return _open_from_copies(dialect, _besides_wilaya(filters), id_sets, tender_wilayas, *_in_wilaya_rows(filters))


def _others_in_wilaya(dialect: str, filters: TenderFilters, id_sets: IdSets) -> Select:
    """PostgreSQL: the public tenders of a filter by wilaya that are not open, found from
    the wilaya's rows, whose copies say which (migration 0024).

    A wilaya × category whose open tenders do not fill its first page read every tender
    of the wilaya, all categories, to check each one's category and status on its row:
    1,527 tenders and 2.8 ms for wilaya 07 × studies at 100,000 tenders (0.3 ms from the
    rows), 12 of the 232 filters of the benchmark's mix and half its database time. The
    tenders found are read for their publication order.
    """
    copies = WILAYA_ROWS
    not_open = not_(_is_open(copies.status, copies.submission_deadline_at))
    query = _joined_to_rows(dialect, _besides_wilaya(filters), id_sets, tender_wilayas)
    return query.where(*_in_wilaya_rows(filters), _is_public(copies.status), not_open)


def _open_in_search(dialect: str, filters: TenderFilters, id_sets: IdSets, walks: bool = False) -> Select:
    """PostgreSQL: the open tenders of a search, in deadline order from their search rows.

    Each search row carries its tender's status and deadline (copied by triggers,
    migration 0025), so the page walks ``ix_tender_search_listing`` and checks each row's
    own vector: one index and its table, where walking the open tenders and looking up
    each one's search row read two of each (a word's page at 100,000 tenders: 1.5 → 0.5
    ms). The database still plans for the words: a rare one is read from the vector's GIN
    index, unless the listing ``walks`` its frequent words (:mod:`word_walks`). The other
    filters are checked on the tenders found.
    """
    matching = search.VECTOR_CHECKED if walks else search.VECTOR_MATCHES
    return _open_from_copies(dialect, _besides_search(filters), id_sets, TenderSearch.__table__, matching)


def _besides_search(filters: TenderFilters) -> TenderFilters:
    """``filters`` without the words and the status, which a search row's own columns check."""
    return replace(filters, q="", status="")


def _is_search_alone(dialect: str, filters: TenderFilters) -> bool:
    """Whether ``filters`` are a search's on PostgreSQL, whose open tenders are found from
    their search rows (:func:`_open_in_search`), and nothing else but a status."""
    return _walked_rows(dialect, filters, "open") is SEARCH_ROWS and not _besides_search(filters).is_filtered


def listing_page(
    session: Session,
    filters: TenderFilters,
    now: datetime,
    page: str | int | None,
    per_page: int = PER_PAGE,
    load: Loader = load_tenders,
) -> Page:
    """One page of the listing.

    The default order puts open tenders first (nearest deadline first), then the others
    (most recently published first). It is computed as two index-friendly queries rather
    than one ORDER BY over a CASE, which would sort the whole table on every page. Each
    query reads one row more than the page, to know whether a next page exists; the total
    is :func:`safkat.tenders.counts.count` ("about N" when large), which no link depends on.
    The items are what ``load`` makes of the page's ids: tenders, or the listing's cards.
    Its statements are planned for the filter's own values (:func:`planned_for_its_values`),
    but for the pages of the whole listing, which keep one plan (:func:`is_planned_once`).
    """
    with planned_for_its_values(session):
        return _listing_page(session, filters, now, page, per_page, load)


def _listing_page(
    session: Session, filters: TenderFilters, now: datetime, page: str | int | None, per_page: int, load: Loader
) -> Page:
    number = page if isinstance(page, int) else parse_page(page)
    dialect = session.get_bind().dialect.name
    form, bound = filters.form, tuple(bound_values(filters, dialect).items())
    given = _given(bound, now)
    counted = _counted(dialect, form, counted_sets(session, form))
    # A wilaya's count reads its rows' index (_counted): cheaper than asking for an estimate.
    estimate_first = not _is_wilaya_alone(form)
    as_of = last_change(session, now)
    total = counts.count(session, counted, filters, as_of, _values(given), estimate_first)
    offset, limit = (number - 1) * per_page, per_page + 1
    walks_words = _is_search_alone(dialect, form) and word_walks.walks(session, bound, total, offset)
    shape = _Shape(dialect, form, id_sets_for(session, form, total), orders_for(session, total).sort_all, walks_words)
    visit = _Visit(session, shape, bound, now, as_of, load)
    if filters.sort == "deadline":
        items = visit.rows("all", "deadline", offset, limit)
    elif filters.sort == "published" or filters.status not in ("", "open"):
        items = visit.rows("all", "publication", offset, limit)
    else:
        items = _open_first(visit, offset, limit)
    return Page(items[:per_page], number, per_page, total.shown, total.is_exact, more=len(items) > per_page)


@dataclass(frozen=True)
class _Shape:
    """What the statements of a filter's pages depend on, besides its values, the moment and the window."""

    dialect: str
    form: TenderFilters  # TenderFilters.form
    id_sets: IdSets
    sort_all: bool
    walks_words: bool = False  # a search's open tenders walked by deadline (word_walks)

    def is_prepared(self, part: str) -> bool:
        """Whether the page statements of ``part`` are prepared (see :func:`is_planned_once`):
        also a search's open tenders when walked, whose statement has that one plan."""
        return is_planned_once(self.dialect, self.form, part) or self._walks(part)

    def ids(self, part: str, order: str, window: _Window | None = None) -> Select:
        return _page_ids(self, part, order, window)

    def rows(self, part: str, order: str, columns: Select, window: _Window | None = None, seek: bool = False) -> Select:
        return _page_rows(self, part, order, columns, window, seek)

    def part(self, part: str) -> Select:
        return _part(self.dialect, self.form, self.id_sets, part, self._walks(part))

    @property
    def planned(self) -> _Shape:
        """This shape with its words planned for their values, never walked."""
        return replace(self, walks_words=False) if self.walks_words else self

    def _walks(self, part: str) -> bool:
        return self.walks_words and part == "open"  # only the open tenders are walked


def is_planned_once(dialect: str, filters: TenderFilters, part: str = "all") -> bool:
    """Whether the statements of ``filters``' pages of ``part`` may keep one plan for every
    page, every moment and every value: on PostgreSQL, those of the whole listing in any
    order (the open tenders' walk by deadline, the others' by publication), and the open
    tenders of a wilaya (and category), which are the first entries of their wilaya rows'
    index whatever the codes (:func:`_open_in_wilaya`). Any other filter's best plan
    depends on how many tenders its values match: those are planned for their values
    (:func:`planned_for_its_values`), but a frequent word's first pages, which the listing
    writes for one plan (:mod:`word_walks`)."""
    if dialect != "postgresql":
        return False
    if not filters.is_filtered:
        return True
    return _walked_rows(dialect, filters, part) is WILAYA_ROWS and _is_wilaya_alone(filters, status="open")


_NO_TIME = literal_column("interval '0 seconds'")  # PostgreSQL: the same instant, not an indexed column


@dataclass(frozen=True)
class Orders:
    """The listing's orders, ending with the id as their indexes do.

    ``sort_all``: the publication order's first key is one no index gives, so that the
    database reads every match of the filter and sorts them, rather than walk the
    publication index, reading each tender's row, until it meets enough of them.
    PostgreSQL walks when its estimates say matches come early, and for a small filter
    they may not: the open-first page of wilaya 44 × studies (70 tenders, 20 open) read
    32,000 rows for its first closed tender, 33 ms, and 4 ms by sorting its matches. The
    listing asks for it on PostgreSQL when the filter's count is exact (1,000 tenders at
    most). The deadline order walks its indexes alone, which stays cheap; so do SQLite's
    walks (3 ms at worst for these pages).
    """

    sort_all: bool = False

    def by_deadline(self) -> tuple:
        return Tender.submission_deadline_at.asc(), Tender.id

    def by_publication(self) -> tuple:
        first = Tender.published_at + _NO_TIME if self.sort_all else Tender.published_at
        return first.desc(), Tender.id.desc()


def orders_for(session: Session, total: counts.Count) -> Orders:
    """The orders of a filter's pages, by its size (``total``): see :class:`Orders`."""
    return Orders(sort_all=total.is_exact and session.get_bind().dialect.name == "postgresql")


def _open_first(visit: _Visit, offset: int, limit: int) -> list:
    """``limit`` rows from ``offset`` of open tenders (nearest deadline first), then the others."""
    items = visit.rows("open", "deadline", offset, limit)
    if len(items) < limit and visit.shape.walks_words:
        word_walks.came_short(visit.session, visit.bound)
    if len(items) == limit or visit.shape.form.status == "open":
        return items
    # The page reaches past the open tenders: how many there are is now known or bounded by the offset.
    if items:
        open_count = offset + len(items)
    else:
        planned = visit.shape.planned.part("open")  # a walk would count through every open tender
        open_count = counts.bounded_count(visit.session, planned, offset, _values(visit.given))
    return items + visit.rows("others", "publication", max(0, offset - open_count), limit - len(items))


def newest_published(session: Session, filters: TenderFilters, now: datetime, limit: int = 50) -> list[Tender]:
    """For the Atom feed: the most recently published tenders matching the filters."""
    dialect = session.get_bind().dialect.name
    query = _filtered(dialect, filters.form).order_by(Tender.published_at.desc(), Tender.id.desc()).limit(limit)
    return list(session.scalars(_load(query), _given(bound_values(filters, dialect), now)))


@dataclass(frozen=True)
class HomeTenders:
    latest: list  # the open tenders published last
    closing_soon: list  # the open tenders whose deadline is nearest, within the window


def home_tenders(
    session: Session, now: datetime, load: Loader = load_tenders, count: int = 5, window: timedelta = timedelta(days=7)
) -> HomeTenders:
    """What the home page shows (as ``load`` makes it): two small queries on the indexed status and dates."""
    open_now = select(Tender.id).where(IS_OPEN)
    latest = open_now.order_by(Tender.published_at.desc(), Tender.id.desc()).limit(count)
    closing = (
        open_now.where(Tender.submission_deadline_at <= now + window)
        .order_by(Tender.submission_deadline_at, Tender.id)
        .limit(count)
    )
    values = {"now": now}
    return HomeTenders(
        load(session, list(session.scalars(latest, values))), load(session, list(session.scalars(closing, values)))
    )


def last_change(session: Session, now: datetime) -> datetime | None:
    """When the public listing last changed: the Last-Modified of listing pages.

    An edit moves ``changed_at``; a deadline passing turns a tender from open to closed
    without any write, so the latest passed deadline counts too. Every anonymous listing
    request asks, so the answer is remembered for the rest of the current second (see
    :mod:`safkat.tenders.freshness`).
    """
    return freshness.remembered(session, now, lambda: _last_change(session, now))


def _last_change(session: Session, now: datetime) -> datetime | None:
    edited = select(func.max(Tender.changed_at)).where(IS_PUBLIC).scalar_subquery()
    passed = (
        select(func.max(Tender.submission_deadline_at))
        .where(Tender.status == TenderStatus.PUBLISHED, Tender.submission_deadline_at <= now)
        .scalar_subquery()
    )
    row = session.execute(select(edited, passed)).one()
    return max(filter(None, row), default=None)
