"""The rows of a statement run on every page, from the driver's cursor, its SQL compiled once.

A listing page reads its cards in one statement, built once per form of filter
(:mod:`safkat.tenders.queries`). Run by ``Connection.execute``, that statement cost
~0.53 ms of Python a page at 100,000 tenders, against ~0.19 ms from the cursor (issue
16): each time, SQLAlchemy keyed the statement for its compiled cache, made an execution
context, read the result's columns from psycopg's description and made a ``Row`` of each
row. Here a statement is compiled once per dialect. Each run converts its parameters and
the values of the columns whose types ask for it (a UTC datetime) with the processors the
types give, tells the engine's cursor listeners (tests count statements with them), and
raises a driver's error as SQLAlchemy's, as ``Connection.execute`` does: a database that
is away still answers 503 (:func:`safkat.db.is_unavailable`).

For statements whose parameters are plain values: no expanding ``IN``, and nothing that
SQLAlchemy writes into the SQL at run time but the statement's own constants.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class _Compiled:
    """A statement compiled for a dialect, with what its runs convert."""

    compiled: SQLCompiler
    sql: str
    required: frozenset[str]  # the parameters each run must be given
    order: tuple[str, ...] | None  # a positional paramstyle's order of the parameters
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]  # parameters whose values are converted
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # columns (by position) whose values are converted
    row: type  # a named tuple of the statement's selected columns

    def parameters(self, values: dict) -> dict | tuple:
        """What the driver is given for ``values``, with the statement's own literals."""
        missing = self.required.difference(values)
        if missing:
            raise ValueError(f"plain_rows: no value for {', '.join(sorted(missing))}")
        parameters = self.compiled.construct_params(values)
        for name, convert in self.binds:
            parameters[name] = convert(parameters[name])
        return parameters if self.order is None else tuple(parameters[name] for name in self.order)

    def rows(self, fetched: list[tuple]) -> list:
        make = self.row._make
        if not self.results:
            return [make(values) for values in fetched]
        converted = []
        for values in fetched:
            values = list(values)
            for position, convert in self.results:
                values[position] = convert(values[position])
            converted.append(make(values))
        return converted


@lru_cache(maxsize=2048)
def _compile(statement: Select, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    if any(bind.expanding for bind in compiled.binds.values()) or compiled.escaped_bind_names:
        raise ValueError("plain_rows takes statements whose parameters are plain, named values")
    required = frozenset(bind.key for bind in compiled.binds.values() if bind.required)
    written = compiled
    if compiled.literal_execute_params:
        # What SQLAlchemy writes into the SQL at each run is then one of the statement's own
        # constants (an aggregate's separator): written once, here. Rendering asks a value
        # of every parameter, so None stands in for the required ones; a run's parameters
        # are still built by the first compilation, from the run's values.
        placeholders = statement.params({key: None for key in required})
        written = placeholders.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    columns = statement.selected_columns
    order = tuple(written.positiontup) if written.positional else None
    converts = (_parameter_converters(compiled, dialect), _column_converters(columns, dialect))
    return _Compiled(compiled, written.string, required, order, *converts, namedtuple("PlainRow", columns.keys()))


def _parameter_converters(compiled: SQLCompiler, dialect: Dialect) -> tuple:
    """(name, function) of the parameters whose type converts their values: few do."""
    pairs = (
        (name, bind.type.dialect_impl(dialect).bind_processor(dialect)) for bind, name in compiled.bind_names.items()
    )
    return tuple((name, convert) for name, convert in pairs if convert is not None)


def _column_converters(columns, dialect: Dialect) -> tuple:
    """(position, function) of the columns whose type converts their values."""
    converters = (column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    return tuple((position, convert) for position, convert in enumerate(converters) if convert is not None)


def plain_rows(connection: Connection, statement: Select, values: dict) -> list:
    """The rows of ``statement`` given ``values``, as named tuples of its selected columns.

    ``statement`` is compiled on its first run for ``connection``'s dialect and kept:
    give it statements built once, not made afresh for each page.
    """
    compiled = _compile(statement, connection.dialect)
    parameters = compiled.parameters(values)
    dispatch = connection.dispatch
    cursor = connection.connection.cursor()
    try:
        dispatch.before_cursor_execute(connection, cursor, compiled.sql, parameters, None, False)
        cursor.execute(compiled.sql, parameters)
        dispatch.after_cursor_execute(connection, cursor, compiled.sql, parameters, None, False)
        fetched = cursor.fetchall()
    except connection.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            compiled.sql, parameters, error, connection.dialect.loaded_dbapi.Error, dialect=connection.dialect
        ) from error
    finally:
        cursor.close()
    return compiled.rows(fetched)
