"""The rendered-page cache shared through Redis (``SAFKAT_PAGE_CACHE_URL``): a page one
process rendered is served by another, a change is never served stale, ``clear()`` deletes
only this app's keys, and a Redis that is down costs a miss, not an error."""

from __future__ import annotations

import logging
import shutil
import time
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from safkat import create_app
from safkat.clock import FixedClock
from safkat.db import Database
from safkat.http_cache import rendered
from safkat.notifications.transports import MemoryTransport
from tests import factories
from tests.conftest import START, reset_database
from tests.served import RedisServer, Served, client, free_port, redis_for_tests


@pytest.fixture(scope="module")
def redis_url():
    url, stop = redis_for_tests()
    yield url
    stop()


@pytest.fixture
def cache_app(engine):
    """``cache_app(url, prefix)``: an app of this process whose page cache is in Redis (its
    limits stay in memory: the limiter is one object for the whole test process). Later
    tests' ``rendered.clear()`` no longer reaches its Redis."""
    pytest.importorskip("redis", reason="the redis package is missing: pip install -e '.[test]'")
    made = []

    def make(page_cache_url: str, prefix: str):
        config = {"TESTING": True, "DATABASE": Database(engine=engine), "CLOCK": FixedClock(START)}
        config |= {"MAIL_TRANSPORT": MemoryTransport(), "ARGON2_PROFILE": "fast"}
        made.append(create_app(config | {"PAGE_CACHE_URL": page_cache_url, "PAGE_CACHE_PREFIX": prefix}))
        return made[-1]

    yield make
    for app in made:
        rendered.stop_sharing(app)


def test_by_default_each_process_keeps_its_pages_and_says_hit_or_miss(client, login, make):
    assert [client.get("/tenders").headers["X-Cache"] for _ in range(2)] == ["miss", "hit"]
    assert "X-Cache" not in login(make.bidder()).get("/tenders").headers  # rendered for the user alone


def test_a_page_is_kept_in_redis_with_its_lifetime_and_clear_deletes_only_ours(cache_app, redis_url):
    prefix = f"safkat-test-{uuid4().hex[:8]}:page:"
    web = cache_app(redis_url, prefix).test_client()
    redis = client(redis_url)
    redis.set("someone-else:key", b"kept", ex=60)

    first, second = web.get("/tenders"), web.get("/tenders")
    assert (first.status_code, first.headers["X-Cache"]) == (200, "miss")
    assert (second.headers["X-Cache"], second.data) == ("hit", first.data)
    keys = list(redis.scan_iter(match=prefix + "*"))
    assert len(keys) == 1 and redis.get(keys[0]) == first.data
    assert 50 <= redis.ttl(keys[0]) <= 60  # the cache's lifetime is Redis' TTL

    rendered.clear()
    assert list(redis.scan_iter(match=prefix + "*")) == []
    assert redis.get("someone-else:key") == b"kept"
    assert web.get("/tenders").headers["X-Cache"] == "miss"
    redis.delete("someone-else:key")


def test_without_a_redis_server_pages_render_at_once_and_the_outage_is_logged_once(cache_app, caplog):
    web = cache_app(f"redis://127.0.0.1:{free_port()}/0", "safkat-test:page:").test_client()
    caplog.set_level(logging.WARNING, logger="safkat.shared_cache")
    started = time.monotonic()
    answers = [web.get("/tenders") for _ in range(5)]
    assert [(a.status_code, a.headers["X-Cache"]) for a in answers] == [(200, "miss")] * 5
    assert b"<h1" in answers[-1].data
    assert time.monotonic() - started < 5  # one short connection timeout at most, not one per request
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1 and "Redis unreachable" in messages[0]


def test_redis_stopping_and_coming_back_while_serving(cache_app, caplog, monkeypatch):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install redis-server): cannot stop one midway")
    from safkat import shared_cache

    monkeypatch.setattr(shared_cache, "PAUSE_AFTER_FAILURE", 0.0)  # try Redis again at once
    caplog.set_level(logging.WARNING, logger="safkat.shared_cache")
    server = RedisServer().start()
    try:
        web = cache_app(server.url, "safkat-test:page:").test_client()
        assert [web.get("/tenders").headers["X-Cache"] for _ in range(2)] == ["miss", "hit"]
        server.stop()
        down = web.get("/tenders")
        assert (down.status_code, down.headers["X-Cache"]) == (200, "miss") and b"<h1" in down.data
        server.start()  # an empty Redis again, on the same port
        assert [web.get("/tenders").headers["X-Cache"] for _ in range(2)] == ["miss", "hit"]
    finally:
        server.stop()
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2 and "unreachable" in messages[0] and "reachable again" in messages[1]


# Two processes ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    """A SQLite file with one open tender, committed so that other processes see it (on
    every test database: what is tested is the cache, not the database)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('shared') / 'safkat.db'}"
    reset_database(url).dispose()
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "ARGON2_PROFILE": "fast", "MAIL_TRANSPORT": MemoryTransport()}
    )
    database, extensions = app.extensions["safkat.db"], app.extensions
    with database.session() as session:
        clock = FixedClock(datetime.now(UTC))
        make = factories.Factory(
            session, extensions["safkat.hasher"], clock, extensions["safkat.files"], extensions["safkat.keys"].kek
        )
        tender = make.tender(state="open", commission=False, title_fr=f"Fibre optique {uuid4().hex[:6]}")
        session.commit()
    return url, database, tender.id


@pytest.fixture(scope="module")
def two_servers(redis_url, shared_database):
    prefix = f"safkat-test-{uuid4().hex[:8]}:page:"
    environment = {
        "SAFKAT_DATABASE_URL": shared_database[0],
        "SAFKAT_PAGE_CACHE_URL": redis_url,
        "SAFKAT_PAGE_CACHE_PREFIX": prefix,
    }
    servers = [Served(environment), Served(environment)]
    try:
        yield [server.start() for server in servers]
    finally:
        for server in servers:
            server.stop()


def retitle(shared_database, title: str) -> None:
    from safkat.tenders.models import Tender

    _url, database, tender_id = shared_database
    with database.session() as session:
        tender = session.get(Tender, tender_id)
        tender.title_fr, tender.changed_at = title, datetime.now(UTC)
        session.commit()


def test_a_page_rendered_by_one_process_is_served_by_the_other_and_never_stale(two_servers, shared_database):
    a, b = two_servers
    rendered_by_a = a.get("/tenders")
    assert (rendered_by_a.status, rendered_by_a.headers["X-Cache"]) == (200, "miss")
    assert "Fibre optique" in rendered_by_a.text
    served_by_b = b.get("/tenders")
    assert (served_by_b.status, served_by_b.headers["X-Cache"]) == (200, "hit")
    assert served_by_b.text == rendered_by_a.text

    title = f"Réseau hydraulique {uuid4().hex[:6]}"
    retitle(shared_database, title)
    time.sleep(1.1)  # each process remembers the listing's last change for the current second
    after = b.get("/tenders")
    assert (after.headers["X-Cache"], title in after.text) == ("miss", True)
    again = a.get("/tenders")
    assert (again.headers["X-Cache"], again.text) == ("hit", after.text)
