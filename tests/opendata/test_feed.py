"""The Atom feed of new calls for tender."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/feeds/tenders.atom"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.data)


def entry_ids(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")]


def test_feed_structure(make, client, clock):
    authority = make.authority(name_fr="Mobilis Oran")
    tender = make.tender(authority=authority, wilayas=["31", "46"])
    feed = parse(client.get(FEED))
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang")
    for name in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{name}"), name
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://safkat.test/feeds/tenders.atom"

    [entry] = feed.findall(f"{ATOM}entry")
    url = f"http://safkat.test/tenders/{tender.url_reference}"
    assert entry.findtext(f"{ATOM}id") == url
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == url
    assert entry.findtext(f"{ATOM}title") == f"{tender.title_fr} — {tender.title_ar}"
    assert entry.findtext(f"{ATOM}updated") == clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert entry.findtext(f"{ATOM}published") == (clock.now() - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Mobilis Oran"
    assert entry.find(f"{ATOM}category").get("term") == "works"
    summary = entry.findtext(f"{ATOM}summary")
    assert tender.reference in summary and "Mobilis Oran" in summary
    assert "31 Oran" in summary and "46 Aïn Témouchent" in summary


def test_entries_newest_first_without_drafts(make, client, clock):
    older = make.tender(published_at=clock.now() - timedelta(days=5))
    newer = make.tender(published_at=clock.now() - timedelta(days=1))
    closed = make.tender(state="closed", published_at=clock.now() - timedelta(days=30))
    make.tender(state="draft")
    make.tender(status="deleted")
    ids = entry_ids(parse(client.get(FEED)))
    assert ids == [f"http://safkat.test/tenders/{t.url_reference}" for t in (newer, older, closed)]


def test_filter_narrows_entries(make, client):
    oran = make.tender(wilayas=["31"])
    algiers = make.tender(wilayas=["16"])
    assert len(entry_ids(parse(client.get(FEED)))) == 2
    feed = parse(client.get(f"{FEED}?wilaya=31"))
    assert entry_ids(feed) == [f"http://safkat.test/tenders/{oran.url_reference}"]
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://safkat.test/feeds/tenders.atom?wilaya=31"
    assert entry_ids(parse(client.get(f"{FEED}?wilaya=16"))) == [f"http://safkat.test/tenders/{algiers.url_reference}"]
    assert entry_ids(parse(client.get(f"{FEED}?status=closed"))) == []


def test_markup_characters_stay_text(make, client):
    make.tender(title_fr="Câbles <b>cuivre</b> & fibre \x0b\x1f « spéciaux »", title_ar=None)
    feed = parse(client.get(FEED))
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == "Câbles <b>cuivre</b> & fibre  « spéciaux »"
    assert b"<b>" not in client.get(FEED).data


def test_absurd_parameters_give_a_valid_feed(make, client):
    make.tender()
    for query in ("wilaya=99", "budget_min=abc", "q=" + "<&>" * 3000, "deadline_from=nope", "page=-1"):
        assert len(entry_ids(parse(client.get(f"{FEED}?{query}")))) in (0, 1)


def test_conditional_requests(make, client, db_session, clock):
    tender = make.tender()
    first = client.get(FEED)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert client.get(FEED, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(FEED, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    assert client.get(f"{FEED}?wilaya=16", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    tender.changed_at = clock.advance(minutes=1)
    db_session.flush()
    assert client.get(FEED, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert client.get(FEED, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 200
