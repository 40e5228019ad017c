"""An anonymous visitor's page is its blocks placed in a layout rendered once per language
(issue 16): it must be the very page Jinja renders, and a visitor with anything of their
own in the layout (a menu, a message) must get the full rendering."""

from __future__ import annotations

import pytest
from flask import flash, get_flashed_messages, render_template

from safkat import layout_frame
from safkat.http_cache import rendered
from safkat.tenders import listing_html

# Every shape of the listing: a pager with a next link, with both, with a previous one only,
# no pager, no result with and without filters; a visitor's braces and quotes kept.
PAGES = [
    "/tenders",
    "/tenders?page=2&per=x",
    "/tenders?page=3",
    "/tenders?q=fibre&x=%22%3E%7B%7D",
    "/tenders?q=nothing-matches",
    "/tenders?page=9",
    "/tenders?wilaya=16&sort=deadline",
]


def pages_both_ways(client, path: str, monkeypatch) -> tuple[str, str]:
    rendered.clear()
    framed = client.get(path).get_data(as_text=True)
    rendered.clear()
    with monkeypatch.context() as patched:
        for module in (layout_frame, listing_html):  # Jinja renders the page and its layout
            patched.setattr(module, "layout_is_shared", lambda: False)
        whole = client.get(path).get_data(as_text=True)
    return framed, whole


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_a_framed_page_is_the_page_jinja_renders(make, client, monkeypatch, language):
    tender = make.tender(state="open", title_fr="Fibre {optique} & <réseaux>", title_ar="ألياف")
    for number in range(44):  # three pages
        make.tender(state="open", title_fr=f"Fibre de secours {number}")
    for path in [*PAGES, f"/tenders/{tender.url_reference}"]:
        separator = "&" if "?" in path else "?"
        framed, whole = pages_both_ways(client, f"{path}{separator}lang={language}", monkeypatch)
        assert framed == whole, path
        assert f'<html lang="{language}"' in framed and "Safkat" in framed


def test_the_language_links_keep_the_page_being_read(make, client):
    page = client.get("/tenders?q=caf%C3%A9&page=2&lang=ar").get_data(as_text=True)
    assert 'href="/tenders?q=caf%C3%A9&amp;page=2&amp;lang=fr"' in page
    assert 'href="/tenders?q=caf%C3%A9&amp;page=2&amp;lang=en"' in page
    assert 'dir="rtl"' in page


def test_the_layout_follows_the_application_root(client):
    client.get("/tenders")
    rendered.clear()
    mounted = client.get("/tenders", environ_overrides={"SCRIPT_NAME": "/marches"}).get_data(as_text=True)
    assert 'href="/marches/static/css/safkat.css"' in mounted and 'href="/static/css' not in mounted


def test_a_signed_in_visitor_gets_their_own_menu(make, login):
    officer = make.officer()
    page = login(officer).get("/tenders").get_data(as_text=True)
    assert "My calls for tender" in page or "Mes appels d" in page
    assert 'name="csrf_token"' in page  # the log-out form of their menu


def test_a_waiting_message_is_shown_once_in_the_layout(app, make):
    with app.test_request_context("/tenders"):
        flash("Votre question est envoyée.", "success")
        assert not layout_frame.layout_is_shared()
        assert get_flashed_messages()  # read: out of the session, still shown by this request's layout
        assert not layout_frame.layout_is_shared()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Votre question est envoyée.")]
    rendered.clear()
    assert "Votre question est envoyée." in client.get("/tenders").get_data(as_text=True)
    rendered.clear()
    assert "Votre question est envoyée." not in client.get("/tenders").get_data(as_text=True)


def test_the_parts_layout_writes_only_the_blocks(app):
    with app.test_request_context("/tenders"):
        html = render_template("_layout_parts.html", PART="|")
    assert html == "|||"
