"""Database engine, sessions and the one-commit-per-request rule.

Views never commit. A request's session is committed once, after the view returned a
response with a status below 400, and rolled back otherwise, so a failed request leaves
nothing half-written. Work that must happen only once the data is durable (sending the
confirmation e-mail at once, for example) is queued with :func:`after_commit`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, current_app, g
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator
from werkzeug.exceptions import ServiceUnavailable

from safkat.errors import DomainError

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values) -> str:
    """A CHECK constraint's text: ``column`` holds one of an enum's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    Refuses naive values on the way in; on the way out, SQLite's naive values (which were
    written as UTC) come back aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and transactions that SQLAlchemy controls.

    pysqlite's own transaction handling breaks SAVEPOINTs; we turn it off and emit BEGIN
    ourselves, as SQLAlchemy's documentation recommends.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str, *, sqlite_busy_timeout_ms: int = 10_000, **kwargs) -> Engine:
    """Create the engine for ``url`` with Safkat's per-backend settings.

    On PostgreSQL every connection is pinged when taken from the pool, and a connection
    error invalidates the whole pool: after a database restart or a network cut, the next
    request reconnects by itself (and :func:`is_unavailable` errors answer 503 meanwhile).
    """
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"), **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
    return engine


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means "the database cannot serve now, try again later".

    Connection refused or lost, a database locked or shutting down, no connection free in
    the pool, a serialisation failure: nothing was written, and retrying later will do.
    """
    if isinstance(error, sa_exc.PendingRollbackError):
        return is_unavailable(error.__cause__) if error.__cause__ else False
    if isinstance(error, sa_exc.TimeoutError):  # the pool had no connection free in time
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error.orig, sqlite3.OperationalError):  # SQLite also says "syntax error" this way
        return str(error.orig).startswith(_SQLITE_UNAVAILABLE)
    return isinstance(error, sa_exc.OperationalError)


RETRY_AFTER_SECONDS = 30


class DatabaseUnavailable(ServiceUnavailable):
    """What a request gets while the database cannot serve: a 503 with ``Retry-After``."""

    description = "The database cannot be reached at the moment; nothing was saved. Try again shortly."


_SQLITE_UNAVAILABLE = (
    "database is locked",
    "unable to open database file",
    "disk I/O error",
    "database table is locked",
)


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str | None = None, engine: Engine | None = None):
        self.engine = engine if engine is not None else make_engine(url)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.session_factory()


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["safkat.db"]


def get_session() -> Session:
    """The current request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_database().session()
    return g.db_session


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the request's transaction has committed (never on rollback)."""
    g.setdefault("after_commit", []).append(callback)


def add_commit_guard(session: Session, guard: Callable[[], None]) -> None:
    """Run ``guard`` just before the session commits; if it raises, nothing is committed.

    Used for rules that must hold at COMMIT time, such as "before the deadline".
    """
    session.info.setdefault("commit_guards", []).append(guard)


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once ``session``'s transaction has committed, never if it rolls back:
    for what must not happen unless the transaction does, such as deleting the file of a row
    it removes (a crash in between leaves an orphan file, which ``safkat files orphans``
    finds). Needs no Flask: services use it."""
    session.info.setdefault("on_commit", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_on_commit(session: Session) -> None:
    for callback in session.info.pop("on_commit", []):
        try:
            callback()
        except Exception:  # the data is committed; an undeleted file is an orphan, not a loss
            log.exception("on-commit callback failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_commit(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop("on_commit", None)


@event.listens_for(Session, "before_commit")
def _run_commit_guards(session: Session) -> None:
    if session.in_nested_transaction():  # releasing a SAVEPOINT is not the COMMIT the guards watch
        return
    for guard in session.info.pop("commit_guards", []):
        guard()


def init_app(app: Flask, database: Database, on_refused: Callable | None = None) -> None:
    """Bind ``database`` to ``app``; ``on_refused(error)`` answers a commit a guard refused."""
    app.extensions["safkat.db"] = database

    @app.after_request
    def commit_on_success(response):
        session = g.pop("db_session", None)
        if session is None:
            return response
        callbacks = []
        try:
            if response.status_code < 400:
                session.commit()
                callbacks = g.pop("after_commit", [])
            else:
                session.rollback()
        except DomainError as error:  # a commit guard refused: nothing was written
            session.rollback()
            if on_refused is None:
                raise
            g.database_refused = True  # the error page must not open another transaction
            response = on_refused(error)
        finally:
            session.close()
        for callback in callbacks:
            try:
                callback()
            except Exception:  # the data is safe; the callback's job is retried later
                log.exception("after-commit callback failed")
        return response

    @app.teardown_request
    def rollback_on_error(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
