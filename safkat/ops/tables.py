"""Every table as JSON lines, the same on SQLite and PostgreSQL.

One line per row, a JSON object of column → value; datetimes in ISO 8601 (UTC), bytes in
base64, decimals as strings. Tables are written and loaded parent first (foreign-key
order); the few columns that point at a row of the same table (``bids.replaces_id``…)
are loaded empty and filled in once the whole table is in.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, LargeBinary, Numeric, Table, bindparam, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.types import Date, DateTime

from safkat.db import Base

BATCH = 500
# Tables that `safkat db upgrade` and the first start fill by themselves.
SEEDED_TABLES = frozenset({"audit_head", "sectors", "key_checks"})


def ordered_tables() -> list[Table]:
    """Every table of the models, parents before children."""
    import safkat.models  # noqa: F401  (registers every table)

    return list(Base.metadata.sorted_tables)


def _self_references(table: Table) -> list[Column]:
    return [fk.parent for fk in table.foreign_keys if fk.column.table is table]


def _encode(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decoder(column: Column) -> Callable:
    kind = column.type
    impl = getattr(kind, "impl", kind)
    if isinstance(impl, DateTime):
        return datetime.fromisoformat
    if isinstance(impl, Date):
        return date.fromisoformat
    if isinstance(impl, LargeBinary):
        return base64.b64decode
    if isinstance(impl, Numeric) and impl.asdecimal:
        return Decimal
    return lambda value: value


def export_rows(connection: Connection, table: Table) -> Iterator[str]:
    """The table's rows as JSON lines, in primary-key order."""
    names = [column.name for column in table.columns]
    query = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=BATCH).execute(query)
    for row in result:
        yield json.dumps({name: _encode(value) for name, value in zip(names, row, strict=True)}, ensure_ascii=False)


def import_rows(connection: Connection, table: Table, lines: Iterable[bytes | str]) -> int:
    """Insert the JSON ``lines`` into ``table``; returns the number of rows."""
    decoders = {column.name: _decoder(column) for column in table.columns}
    later = _self_references(table)
    pk_names = [column.name for column in table.primary_key.columns]
    updates: dict[str, list[dict]] = {column.name: [] for column in later}
    batch: list[dict] = []
    count = 0
    for line in lines:
        if not line.strip():
            continue
        row = {name: (None if value is None else decoders[name](value)) for name, value in json.loads(line).items()}
        for column in later:  # filled in once every row of the table is in
            if row.get(column.name) is not None:
                updates[column.name].append({**{f"pk_{n}": row[n] for n in pk_names}, "value": row[column.name]})
                row[column.name] = None
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
    for column in later:
        if updates[column.name]:
            where = [table.c[n] == bindparam(f"pk_{n}") for n in pk_names]
            statement = table.update().where(*where).values({column.name: bindparam("value")})
            connection.execute(statement, updates[column.name])
    return count


def row_count(connection: Connection, table: Table) -> int:
    return connection.execute(select(func.count()).select_from(table)).scalar_one()


def after_load(connection: Connection) -> None:
    """What the engine needs once rows came in with their ids: sequences, the search index,
    the tenders' numbers of lots."""
    # Migration 0026's triggers added each lot loaded to a count that came in with its tender.
    connection.execute(
        text("UPDATE tenders SET listed_lots = (SELECT count(*) FROM lots WHERE lots.tender_id = tenders.id)")
    )
    if connection.dialect.name == "postgresql":
        for table in ordered_tables():
            column = table.autoincrement_column
            if column is None:
                continue
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({column.name}), 1), "
                    f"MAX({column.name}) IS NOT NULL) FROM {table.name}"  # noqa: S608
                ),
                {"table": table.name, "column": column.name},
            )
    elif connection.dialect.name == "sqlite":
        from safkat.tenders.search import FTS_TABLE

        exists = connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = :name"), {"name": FTS_TABLE}).first()
        if exists:
            connection.execute(text(f"DELETE FROM {FTS_TABLE}"))
            connection.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, body) SELECT tender_id, body FROM tender_search"))
