"""A database with real commits, for tests that read the raw files or race threads.

On SQLite it is a file of its own; on PostgreSQL a schema of its own in the test database
(dropped afterwards), so the rolled-back tests around it are not disturbed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from safkat import create_app
from safkat.clock import FixedClock
from safkat.db import Database, make_engine
from safkat.migrate import upgrade
from safkat.notifications.transports import MemoryTransport
from tests.conftest import START, TEST_DB_URL, CSRFClient
from tests.factories import Factory


@dataclass
class Committed:
    app: object
    engine: object
    url: str
    schema: str | None
    db_file: Path | None
    uploads: Path
    clock: FixedClock

    def session(self):
        return sessionmaker(bind=self.engine, expire_on_commit=False)()

    def client(self, user=None):
        client = self.app.test_client()
        if user is not None:
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
        return client


@pytest.fixture
def committed(tmp_path, app):
    schema = None
    if TEST_DB_URL:
        schema = f"committed_{os.getpid()}"
        admin = make_engine(TEST_DB_URL)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        url = TEST_DB_URL
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        db_file = None
    else:
        db_file = tmp_path / "committed.db"
        url = f"sqlite:///{db_file}"
        engine = make_engine(url)
    upgrade(engine)
    clock = FixedClock(START)
    uploads = tmp_path / "uploads"
    committed_app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine=engine),
            "CLOCK": clock,
            "MAIL_TRANSPORT": MemoryTransport(),
            "ARGON2_PROFILE": "fast",
            "UPLOAD_FOLDER": str(uploads),
            "RATELIMIT_ENABLED": False,
        }
    )
    committed_app.test_client_class = CSRFClient
    committed_app.extensions["safkat.keys"] = app.extensions["safkat.keys"]
    yield Committed(committed_app, engine, url, schema, db_file, uploads, clock)
    engine.dispose()
    if schema:
        admin = make_engine(TEST_DB_URL)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def committed_make(committed):
    session = committed.session()
    factory = Factory(
        session,
        committed.app.extensions["safkat.hasher"],
        committed.clock,
        committed.app.extensions["safkat.files"],
        committed.app.extensions["safkat.keys"].kek,
    )
    yield factory
    session.close()
