"""How many tenders match a filter, without counting 100,000 rows on every page.

A listing page needs its rows (20) and a total for its heading and pager. An exact
``count()`` over a large result costs more than the rest of the page together, and a
visitor reading "about 95,000 calls for tender" loses nothing. So:

- up to :data:`EXACT_UP_TO` matches, the count is exact: counting stops after
  ``EXACT_UP_TO + 1`` rows, which is cheap on both databases;
- above, it is shown rounded as "about N": on PostgreSQL the planner's estimate (what
  ``EXPLAIN`` says, a millisecond), on SQLite the exact count taken once per filter;
  either is remembered for :data:`LIFETIME_SECONDS` in this process, and while it is,
  the other pages of that filter count nothing at all;
- on PostgreSQL the estimate is asked first, and one above :data:`ESTIMATE_MARGIN` times
  the exact counts' limit is shown without counting: the first visit of a common word
  counted its first 1,001 tenders (~12 ms at 100,000 tenders) only to show the estimate.

The remembered counts may lag behind a change by a few minutes; that is what "about"
says. Pages and links never depend on them (see ``queries.listing_page``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum
from weakref import WeakKeyDictionary

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.engine import Compiled, Dialect
from sqlalchemy.orm import Session

from safkat.db import database_key
from safkat.lru import LeastRecentlyUsed

EXACT_UP_TO = 1000
ESTIMATE_MARGIN = 2  # an estimate this many times EXACT_UP_TO is "large" without counting
LIFETIME_SECONDS = 300.0
MAX_ENTRIES = 2048


@dataclass(frozen=True)
class Count:
    value: int
    is_exact: bool

    @property
    def shown(self) -> int:
        """The number to show: exact, or rounded to 2 significant digits ("about 95,000")."""
        if self.is_exact or self.value < 100:
            return self.value
        scale = 10 ** (len(str(self.value)) - 2)
        return round(self.value / scale) * scale


class _Remembered:
    """Counts remembered for :data:`LIFETIME_SECONDS`."""

    def __init__(self):
        self._entries: LeastRecentlyUsed[tuple[float, int]] = LeastRecentlyUsed(MAX_ENTRIES)

    def get(self, key: Hashable) -> int | None:
        hit = self._entries.get(key)
        return None if hit is None or time.monotonic() - hit[0] > LIFETIME_SECONDS else hit[1]

    def put(self, key: Hashable, value: int) -> None:
        self._entries.put(key, (time.monotonic(), value))

    def clear(self) -> None:
        self._entries.clear()


remembered = _Remembered()


def _ids(query: Select) -> Select:
    """``query`` selecting only its first column (the id): what a count needs to read.
    Built once per statement."""
    return _once(_id_columns, query, lambda: query.order_by(None).with_only_columns(query.selected_columns[0]))


def _once(made: WeakKeyDictionary, query: Select, build: Callable[[], object]):
    """What ``build`` makes of ``query``, kept in ``made`` for as long as ``query`` lives."""
    built = made.get(query)
    if built is None:
        built = made[query] = build()
    return built


# What a count wraps around a listing's statement, built once per statement (the listing
# builds its statements once per form of filter): building them cost more than SQLite's count.
_BOUND = bindparam("bound", type_=Integer())
_id_columns: WeakKeyDictionary[Select, Select] = WeakKeyDictionary()
_bounded: WeakKeyDictionary[Select, Select] = WeakKeyDictionary()
_whole: WeakKeyDictionary[Select, Select] = WeakKeyDictionary()


def _count_of(query: Select, bounded: bool) -> Select:
    def build() -> Select:
        ids = _ids(query).limit(_BOUND) if bounded else _ids(query)
        return select(func.count()).select_from(ids.subquery())

    return _once(_bounded if bounded else _whole, query, build)


def bounded_count(session: Session, query: Select, limit: int, values: dict | None = None) -> int:
    """``min(count, limit)`` of ``query``'s rows (run with ``values``): stops reading after
    ``limit`` rows."""
    return session.scalar(_count_of(query, bounded=True), {**(values or {}), "bound": limit}) or 0


def count(
    session: Session,
    query: Select,
    key: Hashable,
    as_of: object = None,
    values: dict | None = None,
    estimate_first: bool = True,
) -> Count:
    """The number of ``query``'s rows (run with ``values``): exact when small, else
    remembered under ``key``.

    ``as_of`` names the state of the data the count reads (the listing's last change,
    which moves with every public change and every passed deadline): an exact count is
    remembered under it too, and stays exact for as long as that state lasts.
    ``estimate_first``: on PostgreSQL, ask the planner first; ``False`` for a query whose
    first 1,001 rows cost less to count than planning it twice.
    """
    database = database_key(session)
    value = remembered.get((database, key))
    if value is not None:  # a large count: no need to count the first rows again
        return Count(value, False)
    exact_key = (database, key, "exact", as_of)
    small = remembered.get(exact_key) if as_of is not None else None
    estimate = None
    if small is None:
        if estimate_first and session.get_bind().dialect.name == "postgresql":
            estimate = planner_estimate(session, _ids(query), values)
            if estimate > ESTIMATE_MARGIN * EXACT_UP_TO:
                return _large(database, key, estimate)
        small = bounded_count(session, query, EXACT_UP_TO + 1, values)
    if small <= EXACT_UP_TO:
        if as_of is not None:
            remembered.put(exact_key, small)
        return Count(small, True)
    if estimate is None:  # SQLite, or not estimated
        estimate = session.scalar(_count_of(query, bounded=False), values) or 0
    return _large(database, key, max(estimate, small))


def _large(database: str, key: Hashable, value: int) -> Count:
    """An "about N" count, remembered."""
    remembered.put((database, key), value)
    return Count(value, False)


def planner_estimate(session: Session, query: Select, values: dict | None = None) -> int:
    """PostgreSQL's estimate of ``query``'s rows (with ``values``), from ``EXPLAIN (FORMAT JSON)``."""
    # Its lists rendered with every value given: a filter of open tenders needs the moment.
    expanded = _compiled(query, session.get_bind().dialect).construct_expanded_state(values or {})
    params = {name: value.value if isinstance(value, Enum) else value for name, value in expanded.parameters.items()}
    plan = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + expanded.statement, params).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


# A filter's statement compiled for its estimates, once (compiling it cost more than
# PostgreSQL's planning): keyed by the statement, which the listing builds once per form of filter.
_compiled_for: WeakKeyDictionary[Select, Compiled] = WeakKeyDictionary()


def _compiled(query: Select, dialect: Dialect) -> Compiled:
    compiled = _compiled_for.get(query)
    if compiled is None or compiled.dialect is not dialect:
        compiled = _compiled_for[query] = query.compile(dialect=dialect)
    return compiled
