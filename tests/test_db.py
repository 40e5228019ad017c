"""Commit guards run at the real COMMIT, not when a SAVEPOINT inside it is released."""

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from safkat.db import add_commit_guard, database_key
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


def test_postgresql_sessions_start_no_parallel_workers_and_keep_given_options():
    """Issue 16: a page's short queries never wait for parallel workers to start."""
    from sqlalchemy import text

    from safkat.db import make_engine
    from tests.conftest import TEST_DB_URL, is_postgresql

    if not is_postgresql():
        pytest.skip("PostgreSQL sessions only: set SAFKAT_TEST_DATABASE_URL")
    engine = make_engine(TEST_DB_URL, connect_args={"options": "-cstatement_timeout=12345"})
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "12345ms"
    finally:
        engine.dispose()


def test_postgresql_reads_run_without_begin_and_writes_in_one_transaction():
    """Issue 16: a GET's session on PostgreSQL runs each statement in its own transaction
    (no BEGIN/COMMIT round trips); a writing session keeps one transaction."""
    import time

    from sqlalchemy import text

    from safkat.db import Database
    from tests.conftest import TEST_DB_URL, is_postgresql

    if not is_postgresql():
        pytest.skip("PostgreSQL sessions only: set SAFKAT_TEST_DATABASE_URL")
    database = Database(TEST_DB_URL)

    def transaction_starts(session) -> set:
        starts = set()
        for _ in range(2):
            starts.add(session.execute(text("SELECT now()")).scalar())
            time.sleep(0.01)
        session.close()
        return starts

    try:
        assert len(transaction_starts(database.session(read_only=True))) == 2
        assert len(transaction_starts(database.session())) == 1
    finally:
        database.engine.dispose()


def test_listing_statements_are_never_prepared_and_a_tender_page_s_are(make, client, db_session):
    """Issue 16: a listing filter is planned for its own values each time (no prepared
    statement, whose generic plan served some words at twice the time); a tender's page
    keeps psycopg's prepared statements (planning each cost it more)."""
    from sqlalchemy import text

    from safkat.http_cache import rendered
    from tests.conftest import is_postgresql

    if not is_postgresql():
        pytest.skip("psycopg's prepared statements: PostgreSQL only (set SAFKAT_TEST_DATABASE_URL)")
    tender = make.tender(state="open", wilayas=["31"])
    for page in range(1, 8):
        rendered.clear()
        assert client.get(f"/tenders?wilaya=31&page={page}").status_code == 200
        assert client.get(f"/tenders/{tender.url_reference}").status_code == 200
    # The test's requests share its connection, whose prepared statements these are.
    prepared = db_session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert prepared, "the tender page's statements were never prepared"
    # The filter's count, and its page's rows read around its ids (queries._page_rows).
    listing = [sql for sql in prepared if sql.startswith("SELECT count(*)") or ") AS page" in sql]
    assert listing == [], listing


def test_database_key_tells_databases_apart_without_their_password(tmp_path):
    first, second = (create_engine(f"sqlite:///{tmp_path}/{name}.db") for name in ("first", "second"))
    secret = create_engine("postgresql+psycopg://safkat:hunter2@db.example/safkat")
    keys = [database_key(Session(bind=engine)) for engine in (first, second, secret, first)]
    assert keys[0] != keys[1] and keys[0] == keys[3] == f"sqlite:///{tmp_path}/first.db"
    assert keys[2] == "postgresql+psycopg://safkat:***@db.example/safkat"
    for engine in (first, second, secret):
        engine.dispose()
