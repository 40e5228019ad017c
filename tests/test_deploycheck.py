from safkat.deploycheck import ERROR, check

GOOD = {
    "SAFKAT_ENV": "production",
    "SAFKAT_SECRET_KEY": "9f" * 8 + "0123456789abcdef" * 3,
    "SAFKAT_SEAL_KEY": "ab12" * 16,
    "SAFKAT_SIGNING_KEY": "cd34" * 16,
    "SAFKAT_DATABASE_URL": "postgresql+psycopg://safkat@db/safkat",
    "SAFKAT_BASE_URL": "https://safkat.example.dz",
    "SAFKAT_PAGE_CACHE_URL": "redis://:s3cret@cache.internal:6379/0",
    "SAFKAT_MAIL_SERVER": "smtp.example.dz",
    "SAFKAT_PROXY_COUNT": "1",
}


def errors(env):
    return [message for level, message in check(env) if level == ERROR]


def test_a_sound_configuration_passes():
    assert check(GOOD) == []


def test_each_mistake_is_reported():
    assert any("SAFKAT_ENV" in m for m in errors(GOOD | {"SAFKAT_ENV": "development"}))
    assert any("FLASK_DEBUG" in m for m in errors(GOOD | {"FLASK_DEBUG": "1"}))
    assert any("SECRET_KEY" in m for m in errors(GOOD | {"SAFKAT_SECRET_KEY": "changeme"}))
    assert any("SEAL_KEY" in m for m in errors({k: v for k, v in GOOD.items() if k != "SAFKAT_SEAL_KEY"}))
    assert any("must differ" in m for m in errors(GOOD | {"SAFKAT_SIGNING_KEY": GOOD["SAFKAT_SEAL_KEY"]}))
    assert any("SQLite" in m for m in errors(GOOD | {"SAFKAT_DATABASE_URL": "sqlite:///x.db"}))
    assert any("https" in m for m in errors(GOOD | {"SAFKAT_BASE_URL": "http://safkat.example.dz"}))
    assert [level for level, _ in check(GOOD | {"SAFKAT_RATELIMIT_STORAGE_URI": "memory://"})] == ["warning"]
    assert [level for level, _ in check(GOOD | {"SAFKAT_PROXY_COUNT": "0"})] == ["warning"]


def warnings(env):
    return [message for level, message in check(env) if level != ERROR]


def test_rate_limits_follow_the_page_cache_and_memory_is_a_warning():
    assert warnings(GOOD | {"SAFKAT_RATELIMIT_STORAGE_URI": "redis://:s3cret@limits.internal:6379"}) == []
    without_redis = {name: value for name, value in GOOD.items() if name != "SAFKAT_PAGE_CACHE_URL"}
    assert any("several workers" in m for m in warnings(without_redis))
    assert any("several workers" in m for m in warnings(GOOD | {"SAFKAT_RATELIMIT_STORAGE_URI": "memory://"}))


def test_a_redis_on_another_host_without_a_password_is_a_warning():
    open_redis = GOOD | {"SAFKAT_PAGE_CACHE_URL": "redis://cache.internal:6379/0"}
    assert len([m for m in warnings(open_redis) if "without a password" in m]) == 1
    assert warnings(GOOD | {"SAFKAT_PAGE_CACHE_URL": "redis://127.0.0.1:6379/0"}) == []
    assert warnings(GOOD | {"SAFKAT_PAGE_CACHE_URL": "unix:///run/redis/redis.sock"}) == []
