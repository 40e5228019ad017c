"""The SQL statements an engine runs inside a block, for tests of what a page costs and
of how its statements are written (savepoints, which the tests' sessions add, left out)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event

SAVEPOINTS = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK TO)", re.IGNORECASE)


@contextmanager
def _recorded(engine, entry: Callable[[str, object], object]) -> Iterator[list]:
    seen: list = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        if not SAVEPOINTS.match(statement):
            seen.append(entry(statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements(engine):
    """The statements run on ``engine`` inside the block, as a list of their texts."""
    return _recorded(engine, lambda statement, _parameters: statement)


def statements_with_parameters(engine):
    """The same, each as ``(text, parameters)``."""
    return _recorded(engine, lambda statement, parameters: (statement, parameters))
