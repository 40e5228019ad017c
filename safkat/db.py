"""Database engine, sessions and the one-commit-per-request rule.

Views never commit. A request's session is committed once, after the view returned a
response with a status below 400, and rolled back otherwise, so a failed request leaves
nothing half-written. Work that must happen only once the data is durable (sending the
confirmation e-mail at once, for example) is queued with :func:`after_commit`.
"""

from __future__ import annotations

import logging
import select
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator
from werkzeug.exceptions import ServiceUnavailable

from safkat.errors import DomainError
from safkat.lru import LeastRecentlyUsed

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


WRITES_OPTION = "safkat_writes"  # an execution option: this connection's transactions may write
READ_ONLY = "safkat_read_only"  # in Session.info: a GET request's session


SQLITE_MMAP_BYTES = 1 << 30  # address space, not memory: the OS shares the file's cached pages
SQLITE_CACHE_KIB = 32_000


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and transactions that SQLAlchemy controls.

    pysqlite's own transaction handling breaks SAVEPOINTs; we turn it off and emit BEGIN
    ourselves, as SQLAlchemy's documentation recommends. The sessions that may write
    (:attr:`Database.write_engine`: every request but GET and HEAD, every command) begin
    with ``BEGIN IMMEDIATE``, so they wait up to the busy timeout for another writer: a
    deferred transaction that reads and then writes fails at once with "database is
    locked" if another writer committed in between (SQLite's busy handler does not apply
    to that upgrade). Readers, and plain connections of the engine, begin deferred and
    never wait for writers.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Reads of a large database: pages mapped into memory rather than copied by a read()
        # system call each, and a larger page cache per connection (issue 16: at 100,000
        # tenders a new listing filter reads a few thousand pages).
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        writes = connection.get_execution_options().get(WRITES_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


# What every PostgreSQL session of the application sets. No parallel workers: a page's
# queries are short, and starting workers for them cost more than they gave on two cores
# (a search's page of ids, 6.2 → 3.2 ms; issue 16). Reports that would gain from them can
# set it back in their own session.
POSTGRESQL_SESSION_OPTIONS = "-c max_parallel_workers_per_gather=0"


@contextmanager
def planned_for_its_values(session: Session) -> Iterator[None]:
    """Statements run inside are planned for their own values, never prepared.

    psycopg prepares a statement once it has run five times on a connection, and
    PostgreSQL may then keep one generic plan for it. That suits a tender's page, which
    reads by reference; a listing filter's best plan depends on how frequent its word or
    wilaya is: a generic plan served a search's page of ids in ~11 ms instead of ~6
    (issue 16), while planning every statement cost a tender's page ~0.6 ms more. No
    effect on SQLite.
    """
    with _prepare_threshold(session, None):
        yield


# psycopg's own default: a statement is prepared when it runs for the sixth time on a connection.
PREPARE_THRESHOLD = 5


@contextmanager
def prepared_when_repeated(session: Session) -> Iterator[None]:
    """Statements run inside are prepared as psycopg does by default (from their sixth run
    on a connection), even within :func:`planned_for_its_values`.

    For statements whose best plan does not depend on their values. After five plans made
    for their values, PostgreSQL keeps one generic plan, if its estimated cost is below
    theirs, and no longer plans them: a statement with a ``LIMIT`` parameter is estimated
    to read a tenth of its rows, so give it its limit as a constant. No effect on SQLite.
    """
    with _prepare_threshold(session, PREPARE_THRESHOLD):
        yield


@contextmanager
def _prepare_threshold(session: Session, threshold: int | None) -> Iterator[None]:
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield
        return
    dbapi_connection = connection.connection.dbapi_connection
    before = dbapi_connection.prepare_threshold
    dbapi_connection.prepare_threshold = threshold
    try:
        yield
    finally:
        dbapi_connection.prepare_threshold = before


def database_key(session: Session) -> str:
    """The address of ``session``'s database without its password: what per-process memos
    of a database's answers are keyed by.

    Written once per URL object, and found again by the object's identity: hashing a
    ``URL`` writes it out as a string too (~3 µs, five times a listing page; issue 16).
    """
    url = session.get_bind().engine.url  # the bind: an Engine, or a Connection in tests
    known = _url_keys.get(id(url))
    if known is None or known[0] is not url:
        known = (url, url.render_as_string(hide_password=True))
        _url_keys.put(id(url), known)
    return known[1]


_url_keys: LeastRecentlyUsed[tuple[URL, str]] = LeastRecentlyUsed(64)  # id(url) → (url, its key)


def make_engine(url: str, *, sqlite_busy_timeout_ms: int = 10_000, **kwargs) -> Engine:
    """Create the engine for ``url`` with Safkat's per-backend settings.

    On PostgreSQL a connection taken from the pool is checked (:func:`_check_on_checkout`)
    and a connection error invalidates the whole pool: after a database restart or a
    network cut, the next request reconnects by itself (and :func:`is_unavailable` errors
    answer 503 meanwhile). Each session starts with :data:`POSTGRESQL_SESSION_OPTIONS`,
    after any given options.
    """
    if url.startswith("postgresql"):
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args["options"] = f"{connect_args.get('options', '')} {POSTGRESQL_SESSION_OPTIONS}".strip()
        kwargs["connect_args"] = connect_args
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
    else:
        _check_on_checkout(engine)
    return engine


def _check_on_checkout(engine: Engine) -> None:
    """Replace a pooled PostgreSQL connection that the server has closed, before use.

    SQLAlchemy's ``pool_pre_ping`` sends a ``SELECT 1`` at every checkout: a round trip
    per request (~0.1 ms of a page's CPU, and its wait; issue 16). A connection resting in
    the pool receives nothing unless the server ends it (a restart, a failover,
    ``pg_terminate_backend``: its last message and the end of the stream). So the check
    asks the operating system whether the idle socket has anything to read, and only
    then pings; a failed ping makes the pool open a fresh connection.
    """

    @event.listens_for(engine, "checkout")
    def check(dbapi_connection, _record, _proxy):
        try:
            readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
            if readable:
                engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise sa_exc.DisconnectionError(f"connection closed by the server: {error}") from error


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
    """An engine and its session factory.

    Sessions are bound to :attr:`write_engine`, the engine with the option that makes
    their SQLite transactions begin ``IMMEDIATE``; read-only sessions to :attr:`read_engine`:
    on PostgreSQL it runs each statement in its own transaction (autocommit). Under READ
    COMMITTED a statement has its own snapshot anyway, so a page that only reads gained
    nothing from ``BEGIN`` and ``COMMIT`` but two round trips (issue 16). On SQLite a
    read keeps its deferred transaction: one snapshot for the whole page.
    """

    def __init__(self, url: str | None = None, engine: Engine | None = None):
        self.engine = engine if engine is not None else make_engine(url)
        self.write_engine = self.engine.execution_options(**{WRITES_OPTION: True})
        if self.engine.dialect.name == "postgresql":
            self.read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        else:
            self.read_engine = self.engine
        self.session_factory = sessionmaker(bind=self.write_engine, expire_on_commit=False)

    def session(self, *, read_only: bool = False) -> Session:
        """A new session; a ``read_only`` one (a GET request's) begins deferred on SQLite."""
        if not read_only:
            return self.session_factory()
        bound_here = self.session_factory.kw.get("bind") is self.write_engine  # not a test's connection
        session = self.session_factory(bind=self.read_engine) if bound_here else self.session_factory()
        session.info[READ_ONLY] = True
        return session


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["safkat.db"]


def get_session() -> Session:
    """The current request's session, opened on first use.

    GET and HEAD requests read (their transaction begins deferred on SQLite), unless the
    view is marked :func:`writes_on_get`; any other request may write and takes SQLite's
    write lock as it begins.
    """
    if "db_session" not in g:
        g.db_session = get_database().session(read_only=_request_only_reads())
    return g.db_session


def writes_on_get(view: Callable) -> Callable:
    """Mark a view that writes even on GET (a document issued on its first download)."""
    view.safkat_writes_on_get = True
    return view


def _request_only_reads() -> bool:
    if not has_request_context():
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return not getattr(view, "safkat_writes_on_get", False)


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the request's transaction has committed (never on rollback)."""
    g.setdefault("after_commit", []).append(callback)


def add_commit_guard(session: Session, guard: Callable[[], None]) -> None:
    """Run ``guard`` just before the session commits; if it raises, nothing is committed.

    Used for rules that must hold at COMMIT time, such as "before the deadline".
    """
    session.info.setdefault("commit_guards", []).append(guard)


@event.listens_for(Session, "before_commit")
def _run_commit_guards(session: Session) -> None:
    if session.in_nested_transaction():  # releasing a SAVEPOINT is not the COMMIT the guards watch
        return
    for guard in session.info.pop("commit_guards", []):
        guard()


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once ``session``'s transaction has committed (deleting a replaced file)."""
    session.info.setdefault("on_commit", []).append(callback)


def on_rollback(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` if ``session``'s transaction rolls back (deleting a file written for it).

    Whatever ends the transaction without a commit (a refused form, a commit guard, a
    database that stayed locked) then leaves no file behind that no row names.
    """
    session.info.setdefault("on_rollback", []).append(callback)


def _run_all(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # a file left behind is swept by `safkat files orphans --delete`
            log.exception("transaction-end callback failed")


@event.listens_for(Session, "after_commit")
def _after_session_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop("on_rollback", None)
    _run_all(session.info.pop("on_commit", []))


@event.listens_for(Session, "after_soft_rollback")
def _after_session_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:  # a SAVEPOINT: the outer transaction goes on
        return
    session.info.pop("on_commit", None)
    _run_all(session.info.pop("on_rollback", []))


class WriteInReadOnlySession(RuntimeError):
    """A GET view wrote without being marked :func:`writes_on_get` (raised in tests only)."""


@event.listens_for(Session, "before_flush")
def _check_read_only(session: Session, _context, _instances) -> None:
    if not session.info.get(READ_ONLY):
        return
    if session.new or session.deleted or any(session.is_modified(obj) for obj in session.dirty):
        message = "a GET request wrote without writes_on_get: on SQLite it may fail with 'database is locked'"
        if has_request_context() and current_app.testing:
            raise WriteInReadOnlySession(message)
        log.warning(message)


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
