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
