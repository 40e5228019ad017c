"""Per-process memos, for the current second, of what every listing page reads first.

Every anonymous request for ``/tenders`` or ``/api/v1/tenders`` needs the moment the
listing last changed for its ETag before it can answer from the rendered-page cache, and
the two ``max()`` it takes cost more than the cached answer itself. The search form needs
the sectors and authorities it offers, which change a few times a year. Each is
remembered per database and per name for the current second of the platform clock: a
change made by another process shows at most a second later (a deadline passing already
moves the listing's moment once a minute), and a flush in this process that touches what
a memo reads forgets it at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from safkat.db import database_key

LISTING = "listing"  # when the public listing last changed (queries.last_change)
CHOICES = "choices"  # the sectors and authorities the search form offers (search_form.choice_rows)

_lock = threading.Lock()
_memo: dict[tuple[str, str], tuple[datetime, Any]] = {}  # (database URL, name) → (second, value)


def remembered(session: Session, now: datetime, compute: Callable[[], Any], name: str = LISTING) -> Any:
    key, second = (database_key(session), name), now.replace(microsecond=0)
    with _lock:
        hit = _memo.get(key)
    if hit is not None and hit[0] == second:
        return hit[1]
    value = compute()
    with _lock:
        _memo[key] = (second, value)
    return value


def forget(session: Session | None = None, names: tuple[str, ...] = (LISTING, CHOICES)) -> None:
    """Forget the memos ``names`` of ``session``'s database, or every memo of every database."""
    with _lock:
        if session is None:
            _memo.clear()
            return
        database = database_key(session)
        for name in names:
            _memo.pop((database, name), None)


def _touched_names(session: Session) -> set[str]:
    from safkat.accounts.models import ContractingAuthority, Sector
    from safkat.tenders.models import Tender  # models import this package's search module

    names = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Tender):
            names.add(LISTING)
        elif isinstance(instance, ContractingAuthority | Sector):
            names.add(CHOICES)
    return names


@event.listens_for(Session, "after_flush")
def _forget_on_change(session: Session, _context) -> None:
    names = _touched_names(session)
    if names:
        session.info.setdefault("memos_changed", set()).update(names)
        forget(session, tuple(names))


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    # Another request may have remembered the old value between the flush and the commit.
    names = session.info.pop("memos_changed", None)
    if names:
        forget(session, tuple(names))
