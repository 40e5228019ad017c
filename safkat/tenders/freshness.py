"""A per-process memo of when the public listing last changed.

Every anonymous request for ``/tenders`` or ``/api/v1/tenders`` needs that moment for its
ETag before it can answer from the rendered-page cache, and the two ``max()`` it takes
cost more than the cached answer itself. The moment is remembered per database for the
current second of the platform clock: a change made by another process shows in the
validators at most a second later (a deadline passing already moves them once a
minute), and a flush that touches a tender in this process forgets it at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

_lock = threading.Lock()
_memo: dict[str, tuple[datetime, datetime | None]] = {}  # database URL → (second, moment)


def remembered(session: Session, now: datetime, compute: Callable[[], datetime | None]) -> datetime | None:
    key, second = _database_key(session), now.replace(microsecond=0)
    with _lock:
        hit = _memo.get(key)
    if hit is not None and hit[0] == second:
        return hit[1]
    moment = compute()
    with _lock:
        _memo[key] = (second, moment)
    return moment


def forget(session: Session | None = None) -> None:
    """Forget the moment of ``session``'s database, or of every database."""
    with _lock:
        if session is None:
            _memo.clear()
        else:
            _memo.pop(_database_key(session), None)


def _database_key(session: Session) -> str:
    bind = session.get_bind()  # an Engine, or a Connection in tests
    return bind.engine.url.render_as_string(hide_password=True)


@event.listens_for(Session, "after_flush")
def _forget_on_tender_change(session: Session, _context) -> None:
    from safkat.tenders.models import Tender  # models import this package's search module

    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(instance, Tender) for instance in touched):
        session.info["tenders_changed"] = True
        forget(session)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    # Another request may have remembered the old moment between the flush and the commit.
    if session.info.pop("tenders_changed", False):
        forget(session)
