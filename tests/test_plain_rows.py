"""``plain_rows`` runs a statement built once from the driver's cursor (issue 16): the rows,
their types and its errors must be what ``Connection.execute`` gives, and the engine's
listeners must still see the statement."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import Integer, bindparam, func, literal_column, select, table
from sqlalchemy.exc import DBAPIError

from safkat import plain_rows as module
from safkat.plain_rows import plain_rows
from safkat.tenders.cards import CARD_ROW
from safkat.tenders.models import Tender, TenderWilaya, codes_of
from tests.recorded_sql import statements

AFTER = bindparam("after", type_=Tender.submission_deadline_at.type)
OPEN_AFTER = CARD_ROW.where(Tender.submission_deadline_at > AFTER, Tender.status == "published").order_by(Tender.id)


def test_rows_and_their_types_are_those_sqlalchemy_gives(db_session, make, clock):
    budgeted = make.tender(state="open", lots=2, wilayas=["16", "31"], estimated_budget=450_000_000)
    make.tender(state="open", wilayas=["05"])
    make.tender(state="draft")  # not published: the literal in the statement is sent too
    values = {"after": clock.now() - timedelta(days=1)}
    connection = db_session.connection()

    rows = plain_rows(connection, OPEN_AFTER, values)

    expected = connection.execute(OPEN_AFTER, values).all()
    assert [tuple(row) for row in rows] == [tuple(row) for row in expected]
    assert len(rows) == 2
    first = rows[0]
    assert first.id == budgeted.id and first.reference == budgeted.reference
    assert first.submission_deadline_at.tzinfo is UTC  # SQLite's naive text comes back aware
    assert first.submission_deadline_at == budgeted.submission_deadline_at
    assert first.has_reserved_lot is False and first.is_budget_public in (True, False)  # SQLite's 0/1 as bools
    assert (first.lots_count, codes_of(first.wilaya_codes)) == (2, ["16", "31"])


def test_a_parameter_is_converted_by_its_type(db_session, make, clock):
    """A UTC datetime parameter goes through ``UTCDateTime`` (naive UTC text on SQLite):
    a deadline just after the bound moment is found, one just before is not."""
    tender = make.tender(state="open")
    deadline = tender.submission_deadline_at
    connection = db_session.connection()
    assert [row.id for row in plain_rows(connection, OPEN_AFTER, {"after": deadline - timedelta(seconds=1)})] == [
        tender.id
    ]
    assert plain_rows(connection, OPEN_AFTER, {"after": deadline}) == []
    with pytest.raises(ValueError, match="naive"):  # refused before anything is sent
        plain_rows(connection, OPEN_AFTER, {"after": deadline.replace(tzinfo=None)})


def test_the_engines_listeners_see_the_statement(db_session, engine, clock):
    connection = db_session.connection()
    with statements(engine) as seen:
        plain_rows(connection, OPEN_AFTER, {"after": clock.now()})
    assert len(seen) == 1 and seen[0].startswith("SELECT tenders.id, tenders.reference")


def test_a_statement_is_compiled_once(db_session, clock):
    connection = db_session.connection()
    plain_rows(connection, OPEN_AFTER, {"after": clock.now()})
    compiled = module._compile.cache_info().misses
    plain_rows(connection, OPEN_AFTER, {"after": clock.now() - timedelta(days=3)})
    assert module._compile.cache_info().misses == compiled


def test_a_drivers_error_is_sqlalchemys(db_session):
    """As from ``Connection.execute``: ``safkat.db.is_unavailable`` and the error pages
    read SQLAlchemy's errors."""
    missing = select(literal_column("1", Integer()).label("one")).select_from(table("no_such_table"))
    with pytest.raises(DBAPIError) as raised:
        plain_rows(db_session.connection(), missing, {})
    assert "no_such_table" in str(raised.value)


def test_statements_with_expanding_parameters_are_refused(db_session):
    by_ids = CARD_ROW.where(Tender.id.in_(bindparam("ids", expanding=True)))
    with pytest.raises(ValueError, match="plain, named values"):
        plain_rows(db_session.connection(), by_ids, {"ids": [1, 2]})


def test_a_constant_sqlalchemy_writes_into_the_sql_is_written_once(db_session, make):
    """An aggregate's separator is a value SQLAlchemy writes into the SQL at each run (the
    tender page's statement joins its sectors so): written when compiled, it still joins."""
    tender = make.tender(state="open", wilayas=["16", "31", "05"])
    joined = select(func.aggregate_strings(TenderWilaya.wilaya_code, "/").label("codes")).where(
        TenderWilaya.tender_id == bindparam("tender_id")
    )
    connection = db_session.connection()
    [row] = plain_rows(connection, joined, {"tender_id": tender.id})
    assert sorted(row.codes.split("/")) == ["05", "16", "31"]
    assert row.codes == connection.execute(joined, {"tender_id": tender.id}).scalar_one()


def test_a_missing_value_is_refused(db_session):
    with pytest.raises(ValueError, match="no value for after"):
        plain_rows(db_session.connection(), OPEN_AFTER, {})
