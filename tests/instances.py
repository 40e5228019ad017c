"""Whole instances with real commits — a database and an uploads folder of their own — for
the tests that read raw files, race threads, back up and restore, crash or cut the database.

An instance is a SQLite file, or a schema of its own in the PostgreSQL test database
(dropped afterwards), so the rolled-back tests around it are not disturbed. Instances share
the test application's platform keys.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from safkat import create_app
from safkat.clock import FixedClock
from safkat.db import Database, make_engine
from safkat.migrate import upgrade
from safkat.notifications.transports import MemoryTransport
from tests.conftest import START, TEST_DB_URL, CSRFClient
from tests.factories import Factory

_numbers = itertools.count(1)


@dataclass
class Instance:
    app: object
    engine: object
    url: str
    schema: str | None
    uploads: Path
    clock: FixedClock

    @property
    def kind(self) -> str:
        return "postgresql" if self.schema else "sqlite"

    @property
    def db_file(self) -> Path | None:
        """The SQLite database file (``None`` on PostgreSQL)."""
        return None if self.schema else Path(self.url.removeprefix("sqlite:///"))

    def session(self):
        return sessionmaker(bind=self.engine, expire_on_commit=False)()

    def client(self, user=None):
        client = self.app.test_client()
        if user is not None:
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
        return client

    def make(self, session) -> Factory:
        extensions = self.app.extensions
        return Factory(
            session, extensions["safkat.hasher"], self.clock, extensions["safkat.files"], extensions["safkat.keys"].kek
        )

    def cli(self, *args):
        return self.app.test_cli_runner().invoke(args=[str(a) for a in args])


def app_with_routes(engine, **config):
    """A new app on ``engine`` with the tests' settings and ``config``, for a test that
    adds routes of its own or changes a setting the session's app cannot."""
    settings = {
        "TESTING": True,
        "DATABASE": Database(engine=engine),
        "CLOCK": FixedClock(START),
        "MAIL_TRANSPORT": MemoryTransport(),
        "ARGON2_PROFILE": "fast",
        "WTF_CSRF_ENABLED": False,
    }
    return create_app(settings | config)


def engine_for(kind: str, url: str, schema: str | None):
    if kind == "postgresql":
        return make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    return make_engine(url)


def make_app(engine, uploads: Path, clock: FixedClock, keys):
    """An application on ``engine`` with its own uploads folder, sharing the test keys."""
    instance_app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine=engine),
            "CLOCK": clock,
            "MAIL_TRANSPORT": MemoryTransport(),
            "ARGON2_PROFILE": "fast",
            "UPLOAD_FOLDER": str(uploads),
            "RATELIMIT_ENABLED": False,
            "BASE_URL": "http://safkat.test",
        }
    )
    instance_app.test_client_class = CSRFClient
    instance_app.extensions["safkat.keys"] = keys
    return instance_app


def _run_on_test_database(statement: str) -> None:
    admin = make_engine(TEST_DB_URL)
    with admin.begin() as connection:
        connection.execute(text(statement))
    admin.dispose()


class Instances:
    """Makes instances under ``folder`` and removes them all at :meth:`close`."""

    def __init__(self, folder: Path, keys):
        self.folder, self.keys, self.made = folder, keys, []

    def new(self, kind: str | None = None, migrate: bool = True) -> Instance:
        kind = kind or ("postgresql" if TEST_DB_URL else "sqlite")
        number = next(_numbers)
        schema = None
        if kind == "postgresql":
            if not TEST_DB_URL:
                raise LookupError("needs PostgreSQL (set SAFKAT_TEST_DATABASE_URL)")
            schema = f"instance_{os.getpid()}_{number}"
            _run_on_test_database(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            _run_on_test_database(f"CREATE SCHEMA {schema}")
            url = TEST_DB_URL
        else:
            url = f"sqlite:///{self.folder / f'instance-{number}.db'}"
        engine = engine_for(kind, url, schema)
        if migrate:
            upgrade(engine)
        clock = FixedClock(START)
        uploads = self.folder / f"uploads-{number}"
        instance = Instance(make_app(engine, uploads, clock, self.keys), engine, url, schema, uploads, clock)
        self.made.append(instance)
        return instance

    def close(self) -> None:
        for instance in self.made:
            instance.engine.dispose()
            if instance.schema:
                _run_on_test_database(f"DROP SCHEMA IF EXISTS {instance.schema} CASCADE")
