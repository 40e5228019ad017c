"""Commit guards run at the real COMMIT, not when a SAVEPOINT inside it is released."""

import pytest

from safkat.db import add_commit_guard
from safkat.errors import DomainError


def _refuse():
    raise DomainError("too late")


def test_a_savepoint_released_inside_the_transaction_does_not_consume_the_guard(db_session):
    add_commit_guard(db_session, _refuse)
    with db_session.begin_nested():  # e.g. a document issued during the request
        pass
    with pytest.raises(DomainError):
        db_session.commit()


def test_a_guard_runs_once_at_commit(db_session):
    calls = []
    add_commit_guard(db_session, lambda: calls.append(1))
    db_session.commit()
    db_session.commit()
    assert calls == [1]
