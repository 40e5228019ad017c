"""Where the pages of a listing begin, remembered in each process.

A page's statement skipped every row before it (``OFFSET``): page 150 of the whole
listing walked 3,000 index entries on each visit, half of PostgreSQL's time for it at
100,000 tenders, and page 5 of a word's search checked ~2,500 search rows for its 101
matches (issue 16). A page served once says where the next one begins: the sort key of
its last row. The next page then seeks to that key through the same index and skips
nothing.

Starts are remembered under the state of the listing they were read in (``as_of``:
``queries.last_change``, which moves with every public change and every passed deadline),
so a start is used only while the rows before it are the same ones. Only the deadline
order, whose keys (deadline, id) every page's rows carry, is remembered, and only on
PostgreSQL: SQLite skips 3,000 entries of a covering index in 0.06 ms, and with the key
it checked each of them instead of starting there (0.20 ms).
"""

from __future__ import annotations

import threading
from bisect import bisect_right, insort
from collections.abc import Hashable
from dataclasses import dataclass

from safkat.lru import LeastRecentlyUsed

MAX_LISTS = 512  # filters × parts × states of the listing, the least recently used forgotten
MAX_STARTS = 2000  # per list: the whole listing's 30,000 open tenders are 1,500 pages


@dataclass(frozen=True)
class Start:
    offset: int  # the first row of a page at this position...
    after: tuple  # ...comes after the row with this sort key


class _List:
    def __init__(self):
        self.offsets: list[int] = []
        self.keys: dict[int, tuple] = {}


class PageStarts:
    def __init__(self):
        self._lists: LeastRecentlyUsed[_List] = LeastRecentlyUsed(MAX_LISTS)
        self._lock = threading.Lock()  # a list's offsets and keys change together

    def nearest(self, listing: Hashable, offset: int) -> Start | None:
        """The known start nearest before ``offset`` (or at it) of ``listing``, if any."""
        known = self._lists.get(listing)
        if known is None:
            return None
        with self._lock:
            position = bisect_right(known.offsets, offset)
            if not position:
                return None
            found = known.offsets[position - 1]
            return Start(found, known.keys[found])

    def remember(self, listing: Hashable, offset: int, after: tuple) -> None:
        """The row at ``offset`` of ``listing`` comes after the row whose sort key is ``after``."""
        with self._lock:
            known = self._lists.get(listing)
            if known is None:
                known = _List()
                self._lists.put(listing, known)
            if offset in known.keys or len(known.offsets) >= MAX_STARTS:
                return
            insort(known.offsets, offset)
            known.keys[offset] = after

    def clear(self) -> None:
        self._lists.clear()


starts = PageStarts()
