"""Which searches' first pages walk their open tenders by deadline (issue 16).

On PostgreSQL a search's page is planned for its words each time (~0.3 ms), and for a
frequent word's later pages the planner reads every match from the vector's GIN index and
sorts them: 3.5-6 ms for page 5 of a word with 800-1,300 open tenders, at 100,000
tenders. Written so that no index serves the match (``search.VECTOR_CHECKED``), the
statement's only plan walks the open tenders' search rows by deadline and checks each
one's vector: the same for every word, so it is prepared once. Page 5 then costs
0.8-1.2 ms and page 1 0.4-0.5 instead of 0.5-0.6 (planning included).

A walk reads as many rows as it passes before it fills the page: it pays for a frequent
word only. The listing walks when the filter's count is not exact (above
``counts.EXACT_UP_TO``), for the first pages (the walk grows with the offset, the GIN
plan much less). A word frequent among all public tenders may still be rare among the
open ones: walking all of them cost 25 ms. Such a word's walk comes back short of its
page once; it is then remembered here and planned for its values again.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from safkat.db import database_key
from safkat.lru import LeastRecentlyUsed
from safkat.tenders.counts import Count

WALKED_UP_TO_OFFSET = 100  # pages 1-6 of 20 tenders

_came_short: LeastRecentlyUsed[bool] = LeastRecentlyUsed(4096)


def walks(session: Session, bound: tuple, total: Count, offset: int) -> bool:
    """Whether the page from ``offset`` of the search of ``bound`` values (which matches
    ``total`` public tenders) walks its open tenders by deadline."""
    if total.is_exact or offset > WALKED_UP_TO_OFFSET:
        return False
    return _came_short.get((database_key(session), bound)) is None


def came_short(session: Session, bound: tuple) -> None:
    """Remember that the walk of the search of ``bound`` values ran out of open tenders
    before its page was full: its pages are planned for its values from now on."""
    _came_short.put((database_key(session), bound), True)


def forget() -> None:
    _came_short.clear()
