"""Rate limits counted in Redis are counted once for every process: the login limit, its
attempts split between two served processes, refuses at the same total as one process
would; and when Redis is down, limits keep applying per process instead of failing."""

from __future__ import annotations

from uuid import uuid4

import pytest

from safkat.config import ConfigError, flask_config, load_settings
from tests.conftest import reset_database
from tests.served import Served, client, free_port, redis_for_tests

LIMIT = 3  # failed logins per account and minute, in every process below


@pytest.fixture(scope="module")
def redis_url():
    url, stop = redis_for_tests()
    yield url
    stop()


@pytest.fixture(scope="module")
def database_file(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('limits') / 'safkat.db'}"
    reset_database(url).dispose()
    return url


def serve_two(database_file: str, **settings: str) -> list[Served]:
    environment = {"SAFKAT_DATABASE_URL": database_file, "SAFKAT_RATELIMIT_LOGIN": f"{LIMIT} per minute"}
    environment |= {f"SAFKAT_{name}": value for name, value in settings.items()}
    return [Served(environment).start(), Served(environment).start()]


@pytest.fixture
def stop_afterwards():
    started: list[Served] = []
    yield started.extend
    for server in started:
        server.stop()


def failed_logins(servers: list[Served], attempts: int) -> list[int]:
    """The statuses of ``attempts`` wrong passwords for one new account, taking turns."""
    form = {"email": f"nobody-{uuid4().hex[:8]}@example.dz", "password": "wrong password"}
    return [servers[i % len(servers)].post("/login", form).status for i in range(attempts)]


def test_the_login_limit_is_counted_once_across_two_processes(redis_url, database_file, stop_afterwards):
    prefix = f"safkat-test-{uuid4().hex[:8]}:page:"
    servers = serve_two(database_file, PAGE_CACHE_URL=redis_url, PAGE_CACHE_PREFIX=prefix)  # limits follow it
    stop_afterwards(servers)
    # A, B, A are refused as wrong passwords; B's second try is the fourth: over the limit.
    assert failed_logins(servers, LIMIT + 1) == [422] * LIMIT + [429]
    assert list(client(redis_url).scan_iter(match="LIMITS*login:nobody-*")) != []


def test_in_memory_each_process_grants_the_whole_budget(database_file, stop_afterwards):
    """Why the limits must follow the shared Redis: the same tries, counted per process."""
    servers = serve_two(database_file, RATELIMIT_STORAGE_URI="memory://")
    stop_afterwards(servers)
    assert failed_logins(servers, LIMIT + 1) == [422] * (LIMIT + 1)


def test_with_redis_down_pages_render_and_limits_apply_per_process(database_file, stop_afterwards):
    servers = serve_two(database_file, PAGE_CACHE_URL=f"redis://127.0.0.1:{free_port()}/0")
    stop_afterwards(servers)
    page = servers[0].get("/tenders")
    assert (page.status, page.headers["X-Cache"]) == (200, "miss") and "<h1" in page.text
    assert failed_logins(servers[:1], LIMIT + 1) == [422] * LIMIT + [429]


def test_an_explicit_storage_wins_and_a_bad_cache_url_stops_the_start(monkeypatch):
    monkeypatch.setenv("SAFKAT_PAGE_CACHE_URL", "redis://127.0.0.1:6379/1")
    assert flask_config(load_settings())["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/1"
    monkeypatch.setenv("SAFKAT_RATELIMIT_STORAGE_URI", "memory://")
    config = flask_config(load_settings())
    assert config["RATELIMIT_STORAGE_URI"] == "memory://" and "RATELIMIT_STORAGE_OPTIONS" not in config
    monkeypatch.setenv("SAFKAT_PAGE_CACHE_URL", "memcached://127.0.0.1")
    with pytest.raises(ConfigError, match="SAFKAT_PAGE_CACHE_URL"):
        load_settings()
