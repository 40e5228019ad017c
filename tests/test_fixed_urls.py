"""The layout's links are built once per application root, and still follow that root."""

from safkat.fixed_urls import fixed_url
from safkat.http_cache import rendered


def test_the_layout_links_follow_the_application_root(client):
    plain = client.get("/tenders").get_data(as_text=True)
    rendered.clear()  # the same page under another root: not the cached copy
    mounted = client.get("/tenders", environ_overrides={"SCRIPT_NAME": "/marches"}).get_data(as_text=True)
    assert 'href="/static/css/safkat.css"' in plain and 'href="/stats"' in plain
    assert 'href="/marches/static/css/safkat.css"' in mounted and 'href="/marches/stats"' in mounted
    assert 'href="/stats"' not in mounted


def test_a_fixed_url_is_what_url_for_builds(app):
    from flask import url_for

    with app.test_request_context("/tenders?page=2"):
        for endpoint, values in [("static", {"filename": "css/safkat.css"}), ("core.manifest", {"lang": "ar"})]:
            assert fixed_url(endpoint, **values) == url_for(endpoint, **values)
            assert fixed_url(endpoint, **values) == url_for(endpoint, **values)  # remembered: the same
        assert fixed_url("core.manifest", lang="fr") != fixed_url("core.manifest", lang="ar")


def test_a_query_url_is_what_url_for_builds(app):
    from flask import url_for

    from safkat.fixed_urls import query_url

    cases = [
        {},
        {"page": 3},
        {"q": "café 'x' & <y>", "wilaya": "16", "page": 2},
        {"q": "a/b:c@d!$()*,;?", "sector": None, "lang": "ar"},
        {"q": "ألياف بصرية", "sort": "deadline"},
    ]
    with app.test_request_context("/tenders"):
        for args in cases:
            for endpoint in ("tenders.list_tenders", "feeds.tenders_atom", "api.list_tenders"):
                assert query_url(endpoint, args) == url_for(endpoint, **args), (endpoint, args)


def test_a_visitors_underscore_argument_stays_in_the_query(client, make):
    """url_for took ``_anchor`` from the query string as its own: the pager's links
    ended in the visitor's fragment."""
    for _ in range(21):
        make.tender(state="open")
    page = client.get("/tenders?_anchor=x&page=1").get_data(as_text=True)
    assert 'href="/tenders?_anchor=x&amp;page=2"' in page
    assert "#x" not in page
