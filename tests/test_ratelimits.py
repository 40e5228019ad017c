"""Rate limits: every write route and every search is counted, and a 429 says when to retry."""

import pytest
from flask import Blueprint
from werkzeug.routing.converters import AnyConverter

from safkat.config import ConfigError, flask_config, load_settings
from safkat.ratelimits import CHUNK_ENDPOINTS, WRITE_METHODS, applied_scopes
from tests.instances import app_with_routes


def _sample_values(rule) -> dict:
    return {
        name: sorted(converter.items)[0] if isinstance(converter, AnyConverter) else "1"
        for name, converter in rule._converters.items()
    }


def _write_routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & WRITE_METHODS):
            yield rule, method


def test_every_write_route_of_the_url_map_is_limited(app):
    """Generated from the URL map: a route added tomorrow is checked too."""
    checked = []
    for rule, method in _write_routes(app):
        path = app.url_map.bind("safkat.test").build(rule.endpoint, _sample_values(rule), method=method)
        with app.test_request_context(path, method=method):
            expected = ["upload-chunk"] if rule.endpoint in CHUNK_ENDPOINTS else ["write"]
            assert applied_scopes() == expected, f"{method} {rule.rule} ({rule.endpoint}) is not rate limited"
        checked.append(rule.endpoint)
    assert len(checked) > 40 and "bids.bid_form" in checked and "evaluation.publish_award" in checked


def test_reading_is_not_counted_but_searching_is(app):
    with app.test_request_context("/tenders?status=open"):
        assert applied_scopes() == []
    for path in ("/tenders?q=fibre", "/api/v1/tenders?q=fibre", "/feeds/tenders.atom?q=fibre"):
        with app.test_request_context(path):
            assert applied_scopes() == ["search"]


def _limited_app(engine, **config):
    """A new app with a route that did not exist when the limits were written."""
    app = app_with_routes(engine, **config)
    brand_new = Blueprint("brand_new", __name__)
    brand_new.add_url_rule("/brand-new", "poke", lambda: ("poked", 201), methods=["POST", "DELETE"])
    app.register_blueprint(brand_new)
    return app


def test_a_route_added_later_cannot_escape_the_write_limit(engine):
    app = _limited_app(engine, RATELIMIT_WRITE="2 per minute")
    client = app.test_client()
    assert [client.post("/brand-new").status_code for _ in range(2)] == [201, 201]
    assert client.delete("/brand-new").status_code == 429  # one budget for every write


def test_an_app_without_limits_does_not_switch_them_off_for_the_others(app, engine, client, monkeypatch):
    # The Limiter object is shared by the process; the bids tests build such an app.
    _limited_app(engine, RATELIMIT_ENABLED=False)
    monkeypatch.setitem(app.config, "RATELIMIT_SEARCH", "1 per minute")
    assert client.get("/tenders?q=fibre").status_code == 200
    assert client.get("/tenders?q=fibre").status_code == 429


def test_anonymous_people_are_told_apart_by_address_behind_the_proxy(engine):
    app = _limited_app(engine, RATELIMIT_WRITE="1 per minute", PROXY_COUNT=1)
    client = app.test_client()
    first = {"X-Forwarded-For": "41.100.1.1"}
    assert client.post("/brand-new", headers=first).status_code == 201
    assert client.post("/brand-new", headers=first).status_code == 429
    assert client.post("/brand-new", headers={"X-Forwarded-For": "41.100.2.2"}).status_code == 201


@pytest.mark.parametrize(
    ("lang", "title", "hint"),
    [
        ("fr", "Trop de tentatives", "Patientez un peu avant de réessayer."),
        ("ar", "محاولات كثيرة جدًا", "يرجى الانتظار قليلًا قبل المحاولة مجددًا."),
    ],
)
def test_too_many_writes_get_a_translated_429_with_retry_after(app, login, make, monkeypatch, lang, title, hint):
    monkeypatch.setitem(app.config, "RATELIMIT_WRITE", "3 per minute")
    user = make.bidder()
    client = login(user)
    statuses = [client.post("/account", data={"locale": "fr"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 302]
    response = client.post(f"/notifications/read?lang={lang}", data={})
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert title in body and hint in body
    assert f'lang="{lang}"' in body
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # Counted per person: a colleague behind the same address still has a budget.
    assert login(make.bidder()).post("/account", data={"locale": "fr"}).status_code == 302


def test_search_has_its_own_limit(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SEARCH", "3 per minute")
    monkeypatch.setitem(app.config, "RATELIMIT_WRITE", "100 per minute")
    assert [client.get(f"/tenders?q=fibre{n}").status_code for n in range(2)] == [200, 200]
    assert client.get("/api/v1/tenders?q=cable").status_code == 200
    refused = client.get("/feeds/tenders.atom?q=cable&lang=ar")
    assert refused.status_code == 429 and "محاولات كثيرة جدًا" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) >= 1
    assert client.get("/tenders").status_code == 200  # browsing without a query is not searching
    assert client.get("/tenders?q=").status_code == 200


def test_chunk_uploads_have_a_budget_of_their_own(app, login, make, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_WRITE", "2 per minute")
    monkeypatch.setitem(app.config, "RATELIMIT_UPLOAD_CHUNK", "20 per minute")
    client = login(make.bidder())
    headers = {"X-CSRFToken": client.csrf_token()}
    chunks = [client.put("/bid-uploads/nothing/chunks?offset=0", data=b"x", headers=headers) for _ in range(10)]
    assert {response.status_code for response in chunks} == {404}  # counted, not refused
    assert [client.post("/account", data={"locale": "fr"}).status_code for _ in range(2)] == [302, 302]
    assert client.post("/account", data={"locale": "fr"}).status_code == 429


def test_limits_come_from_the_environment_and_are_checked(monkeypatch):
    monkeypatch.setenv("SAFKAT_RATELIMIT_SEARCH", "30 per minute")
    assert flask_config(load_settings())["RATELIMIT_SEARCH"] == "30 per minute"
    monkeypatch.setenv("SAFKAT_RATELIMIT_WRITE", "plenty")
    with pytest.raises(ConfigError, match="SAFKAT_RATELIMIT_WRITE"):
        flask_config(load_settings())


def test_no_route_limits_plain_reads_so_they_may_skip_the_limiter(app):
    """GET and HEAD requests without a search skip the limiter (``ratelimits._skip_for_plain_reads``):
    that holds only while no decorated limit applies to them."""
    from flask_limiter.util import get_qualified_name

    from safkat.extensions import limiter

    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.methods & {"GET", "HEAD"} or rule.endpoint == "static":
                continue
            name = get_qualified_name(app.view_functions[rule.endpoint])
            for limit in limiter.limit_manager.decorated_limits(name):
                assert limit.methods and not {"get", "head"} & set(limit.methods), rule.rule
