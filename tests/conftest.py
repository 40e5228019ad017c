"""Shared fixtures: one app per test session, each test in a rolled-back transaction.

The suite runs on SQLite by default and on PostgreSQL when ``SAFKAT_TEST_DATABASE_URL``
is set (``scripts/test`` runs both when it is).
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from tests import factories

TEST_DB_URL = os.environ.get("SAFKAT_TEST_DATABASE_URL")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

_INSTANCE = Path(tempfile.mkdtemp(prefix="safkat-test-"))
os.environ["SAFKAT_INSTANCE_PATH"] = str(_INSTANCE)
os.environ["SAFKAT_ENV"] = "testing"
for _name in ("SAFKAT_SECRET_KEY", "SAFKAT_DATABASE_URL", "SAFKAT_MAIL_SERVER"):
    os.environ.pop(_name, None)

from safkat import create_app  # noqa: E402
from safkat.clock import FixedClock  # noqa: E402
from safkat.db import Database, make_engine  # noqa: E402
from safkat.extensions import limiter  # noqa: E402
from safkat.http_cache import rendered  # noqa: E402
from safkat.i18n import compile_catalogs  # noqa: E402
from safkat.migrate import upgrade  # noqa: E402
from safkat.notifications.transports import MemoryTransport  # noqa: E402
from safkat.tenders import counts, freshness, page_starts, word_walks  # noqa: E402


def pytest_report_header(config):
    return f"safkat database: {'PostgreSQL (' + TEST_DB_URL.rsplit('/', 1)[-1] + ')' if TEST_DB_URL else 'SQLite'}"


def is_postgresql() -> bool:
    return bool(TEST_DB_URL)


requires_postgresql = pytest.mark.skipif(
    not TEST_DB_URL, reason="concurrency test: runs on PostgreSQL only (set SAFKAT_TEST_DATABASE_URL)"
)


def reset_database(url: str):
    """An engine on an empty database brought to the head revision."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    return engine


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DB_URL:
        return TEST_DB_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'safkat-test.db'}"


@pytest.fixture(scope="session")
def engine(database_url):
    engine = reset_database(database_url)
    yield engine
    engine.dispose()


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to form posts unless told not to."""

    def open(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and kwargs.get("method", "GET") == "POST" and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        from flask_wtf.csrf import generate_csrf

        with self.application.test_request_context():
            with self.session_transaction() as session:
                from flask import session as request_session

                request_session.update(session)
                token = generate_csrf()
                session.update(request_session)
        return token


@pytest.fixture(scope="session")
def app(engine):
    compile_catalogs()
    database = Database(engine=engine)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": database,
            "CLOCK": FixedClock(START),
            "MAIL_TRANSPORT": MemoryTransport(),
            "ARGON2_PROFILE": "fast",
            "SERVER_NAME": None,
            "BASE_URL": "http://safkat.test",
        }
    )
    app.test_client_class = CSRFClient
    return app


@pytest.fixture(autouse=True)
def db_session(app, engine):
    """Run the test inside a transaction that is rolled back afterwards."""
    connection = engine.connect()
    outer = connection.begin()
    database = app.extensions["safkat.db"]
    original_factory = database.session_factory
    database.session_factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    session = database.session_factory()
    yield session
    session.close()
    database.session_factory = original_factory
    outer.rollback()
    connection.close()


@pytest.fixture(autouse=True)
def clock(app):
    clock = FixedClock(START)
    app.extensions["safkat.clock"] = clock
    return clock


@pytest.fixture(autouse=True)
def mailbox(app):
    transport = MemoryTransport()
    app.extensions["safkat.mail"] = transport
    limiter.reset()
    rendered.clear()  # each test's database starts again from the same clock: so must the page cache
    freshness.forget()  # and the memo of the listing's last change
    counts.remembered.clear()  # and the remembered counts of large listings
    page_starts.starts.clear()  # and where the pages of a listing begin
    word_walks.forget()  # and the searches whose walks came short
    return transport


@pytest.fixture
def send_outbox(app, mailbox):
    """``send_outbox()`` runs ``safkat notifications send`` (the cron job that sends the
    e-mails whose documents are still to issue) and returns what it printed."""

    def send() -> str:
        result = app.test_cli_runner().invoke(args=["notifications", "send"])
        assert result.exit_code == 0, result.output
        return result.output

    return send


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(db_session, app, clock):
    """Factories: ``make.enterprise(status="verified")``, ``make.officer()``…"""
    extensions = app.extensions
    return factories.Factory(
        db_session, extensions["safkat.hasher"], clock, extensions["safkat.files"], extensions["safkat.keys"].kek
    )


@pytest.fixture
def login(app):
    """``login(user)`` returns a client logged in as ``user``."""

    def login_as(user):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return login_as


def find_link(text_body: str) -> str:
    """The first http(s) link in an e-mail body, as a path for the test client."""
    match = re.search(r"https?://[^/\s]+(/\S+)", text_body)
    assert match, f"no link in: {text_body!r}"
    return match.group(1)
