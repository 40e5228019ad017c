"""The database going away: a translated 503 page (JSON on the API) with Retry-After, never
a stack trace; and the application recovers by itself when the database is back."""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from safkat.db import make_engine
from safkat.http_cache import rendered
from tests.conftest import TEST_DB_URL, requires_postgresql
from tests.instances import make_app
from tests.ops.tcp_proxy import TcpProxy

APPLICATION_NAME = f"safkat-outage-{os.getpid()}"
PAGE_TITLES = {"fr": "Le service est momentanément indisponible", "ar": "الخدمة غير متاحة مؤقتًا"}


def assert_unavailable_page(response, language):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert PAGE_TITLES[language] in page and "Traceback" not in page
    assert f'lang="{language}"' in page


@pytest.fixture
def proxied(instances, tmp_path):
    """An application that reaches its PostgreSQL schema through a proxy the test can cut
    (``instances`` skips, with its reason, when no PostgreSQL is configured)."""
    instance = instances("postgresql")
    with instance.session() as session:
        make = instance.make(session)
        tender = make.tender(state="open", lots=1)
        firm = make.bidder(email="firm@example.dz")
        session.commit()
    url = make_url(TEST_DB_URL)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    engine = make_engine(
        url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
        connect_args={"options": f"-csearch_path={instance.schema}", "application_name": APPLICATION_NAME},
    )
    app = make_app(engine, tmp_path / "uploads", instance.clock, instance.app.extensions["safkat.keys"])
    yield app, proxy, tender, firm
    proxy.stop()
    engine.dispose()


@requires_postgresql
def test_database_loss_gives_translated_503_then_recovers_without_restart(proxied):
    app, proxy, tender, firm = proxied
    client = app.test_client()
    assert client.get("/tenders?lang=fr").status_code == 200
    app.extensions["safkat.clock"].advance(seconds=5)  # past what the listing remembers for a second
    proxy.stop()  # the database server goes away: open connections cut, new ones refused
    for language in ("fr", "ar"):
        assert_unavailable_page(client.get(f"/tenders?lang={language}"), language)
    assert_unavailable_page(client.get(f"/tenders/{tender.url_reference}?lang=fr"), "fr")
    signed_in = app.test_client()
    with signed_in.session_transaction() as session:
        session["_user_id"] = firm.get_id()
    assert_unavailable_page(signed_in.get("/bids?lang=ar"), "ar")  # loading the user fails too
    api = client.get("/api/v1/tenders")
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json()["error"]["code"] == 503
    assert client.get("/readyz").status_code == 503 and client.get("/healthz").status_code == 200
    posted = client.post("/password/forgot?lang=fr", data={"email": "firm@example.dz"})
    assert_unavailable_page(posted, "fr")
    proxy.start()  # the database is back, on the same address
    app.extensions["safkat.clock"].advance(seconds=5)
    assert client.get("/tenders?lang=fr").status_code == 200
    assert signed_in.get("/bids?lang=fr").status_code == 200
    assert client.get("/api/v1/tenders").status_code == 200 and client.get("/readyz").status_code == 200


@requires_postgresql
def test_connection_lost_before_commit_gives_503_and_nothing_is_written(proxied):
    from safkat import audit
    from safkat.db import get_session, writes_on_get

    app, proxy, _tender, _firm = proxied

    @app.route("/_test/write-then-lose-database", methods=["GET"])
    @writes_on_get  # a GET that writes says so (on SQLite it takes the write lock)
    def write_then_lose_database():
        session = get_session()
        audit.record(
            session,
            actor=None,
            action="test.lost",
            object_type="x",
            object_id=1,
            now=app.extensions["safkat.clock"].now(),
        )
        proxy.stop()  # the connection dies between the view and the COMMIT
        return "written"

    response = app.test_client().get("/_test/write-then-lose-database?lang=fr")
    assert_unavailable_page(response, "fr")
    proxy.start()
    with app.extensions["safkat.db"].engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events WHERE action = 'test.lost'")).scalar() == 0


@requires_postgresql
def test_backends_terminated_by_the_server_are_replaced_unnoticed(proxied):
    """A PostgreSQL restart or failover kills every connection: the pool's check notices."""
    app, _proxy, _tender, _firm = proxied
    client = app.test_client()
    assert client.get("/tenders").status_code == 200
    admin = make_engine(TEST_DB_URL)
    with admin.begin() as connection:
        killed = connection.execute(
            # Waits (up to 5 s) until each backend has ended, as after a restart.
            text("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE application_name = :name"),
            {"name": APPLICATION_NAME},
        ).scalar()
    admin.dispose()
    assert killed >= 1
    app.extensions["safkat.clock"].advance(seconds=5)  # past what the listing remembers for a second
    rendered.clear()  # and not its rendered copy: the page must read the database
    assert client.get("/tenders").status_code == 200


def test_a_locked_sqlite_database_gives_503_to_writers_then_recovers(instances, tmp_path):
    """SQLite in WAL mode never blocks readers; a writer waiting past the busy timeout gets
    a 503 (here 200 ms instead of the 10 s default), and succeeds once the lock is gone."""
    instance = instances("sqlite")
    with instance.session() as session:
        instance.make(session).bidder(email="firm@example.dz")
        session.commit()
    engine = make_engine(instance.url, sqlite_busy_timeout_ms=200)
    app = make_app(engine, tmp_path / "uploads", instance.clock, instance.app.extensions["safkat.keys"])
    client = app.test_client()
    holder = sqlite3.connect(make_url(instance.url).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        assert client.get("/tenders?lang=fr").status_code == 200  # readers go on
        for language in ("fr", "ar"):
            response = client.post(f"/password/forgot?lang={language}", data={"email": "firm@example.dz"})
            assert_unavailable_page(response, language)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.post("/password/forgot?lang=fr", data={"email": "firm@example.dz"}).status_code == 302
    engine.dispose()


def test_no_free_connection_in_the_pool_gives_503_not_a_hang(instances, tmp_path):
    """Under a flood every pooled connection may be busy: past the pool timeout, a 503."""
    instance = instances("sqlite")
    engine = make_engine(instance.url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    app = make_app(engine, tmp_path / "uploads", instance.clock, instance.app.extensions["safkat.keys"])
    client = app.test_client()
    with engine.connect():  # the only connection is busy elsewhere
        assert_unavailable_page(client.get("/tenders/none?lang=ar"), "ar")
    assert client.get("/tenders/none?lang=ar").status_code == 404
    engine.dispose()
