"""The public list: filters, full-text search in French and Arabic, sort, pages, caching."""

from datetime import timedelta

import pytest

from safkat.tenders import search


def titles(client, query=""):
    html = client.get(f"/tenders{query}").get_data(as_text=True)
    return html


def test_open_tenders_come_first(client, make, clock):
    make.tender(state="closed", title_fr="Appel fermé ancien")
    make.tender(state="open", title_fr="Appel ouvert lointain", submission_deadline_at=clock.now() + timedelta(days=30))
    make.tender(state="open", title_fr="Appel ouvert proche", submission_deadline_at=clock.now() + timedelta(days=12))
    html = titles(client)
    positions = [html.index(t) for t in ("Appel ouvert proche", "Appel ouvert lointain", "Appel fermé ancien")]
    assert positions == sorted(positions)


def test_drafts_and_deleted_never_appear(client, make):
    make.tender(state="draft", title_fr="Brouillon secret")
    assert "Brouillon secret" not in titles(client)
    assert client.get("/tenders?status=draft").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("?status=open", "Ouvert A", "Fermé B"),
        ("?status=closed", "Fermé B", "Ouvert A"),
        ("?status=cancelled", "Annulé C", "Ouvert A"),
        ("?wilaya=16", "Fermé B", "Ouvert A"),
        ("?category=supplies", "Fermé B", "Ouvert A"),
        ("?procedure=consultation", "Annulé C", "Ouvert A"),
        ("?reserved=1", "Ouvert A", "Fermé B"),
        ("?authority=AP-ALG", "Fermé B", "Ouvert A"),
        ("?sector=civil_works", "Fermé B", "Ouvert A"),
        ("?budget_min=2000000", "Fermé B", "Ouvert A"),
        ("?budget_max=2000000", "Ouvert A", "Fermé B"),
    ],
)
def test_filters(client, make, clock, query, expected, absent):
    alger = make.authority(code="AP-ALG")
    make.tender(state="open", title_fr="Ouvert A", reserved=True, estimated_budget=1_000_000_00)
    make.tender(
        state="closed",
        title_fr="Fermé B",
        authority=alger,
        wilayas=["16"],
        category="supplies",
        sectors=[make.sector("civil_works")],
        estimated_budget=3_000_000_00,
    )
    make.tender(state="cancelled", title_fr="Annulé C", procedure="consultation")
    html = titles(client, query)
    assert expected in html and absent not in html


def test_deadline_range_uses_algiers_days(client, make, clock):
    deadline = clock.now().replace(hour=23, minute=30) + timedelta(days=20)  # 00:30 next day in Algiers
    make.tender(state="open", title_fr="Minuit passé", submission_deadline_at=deadline)
    algiers_day = (deadline + timedelta(hours=1)).date()
    assert "Minuit passé" in titles(client, f"?deadline_from={algiers_day}&deadline_to={algiers_day}")
    assert "Minuit passé" not in titles(client, f"?deadline_to={algiers_day - timedelta(days=1)}")


@pytest.mark.parametrize(
    "words",
    ["fibre", "FIBRE optique", "deploiement", "الألياف", "الالياف البصرية", "نشر", "Oran"],
)
def test_full_text_search_in_french_and_arabic(client, make, words):
    authority = make.authority(code="AT-ORN", name_fr="Algérie Télécom Oran")
    make.tender(
        state="open", title_fr="Déploiement de fibre optique", title_ar="نشر الألياف البصرية", authority=authority
    )
    make.tender(state="open", title_fr="Achat de ramettes de papier", title_ar="شراء رزم الورق")
    html = titles(client, f"?q={words}")
    assert "Déploiement de fibre optique" in html
    assert "Achat de ramettes de papier" not in html


def test_search_covers_descriptions_and_lots(client, make, db_session):
    tender = make.tender(state="open", title_fr="Travaux divers", description_fr="Pose de poteaux en béton armé")
    tender.lots[0].title_fr = "Réhabilitation du central téléphonique"
    search.index_tender(db_session, tender)
    assert "Travaux divers" in titles(client, "?q=poteaux")
    assert "Travaux divers" in titles(client, "?q=central telephonique")


def test_the_search_box_shows_what_was_typed(client, make):
    make.tender(state="open", title_fr="Achat d'équipements réseau")
    html = client.get("/tenders?q=%C3%89quipements+R%C3%A9seau&wilaya=31").get_data(as_text=True)
    assert "Achat d&#39;équipements réseau" in html or "Achat d'équipements réseau" in html, "found"
    assert 'value="Équipements Réseau"' in html and 'value="equipements reseau"' not in html


def test_the_language_switch_keeps_the_page_and_its_query(client, make):
    html = client.get("/tenders?q=fibre&wilaya=31&lang=fr").get_data(as_text=True)
    assert 'href="/tenders?q=fibre&amp;wilaya=31&amp;lang=ar"' in html
    assert 'href="/tenders?q=fibre&amp;wilaya=31&amp;lang=en"' in html


def test_the_language_switch_never_links_to_another_host(app):
    from safkat.i18n import language_url

    with app.test_request_context("/tenders", environ_overrides={"PATH_INFO": "//evil.example/x"}):
        assert language_url("ar") == "/evil.example/x?lang=ar"


def test_search_text_is_normalised():
    assert search.normalise("Déploiement FIBRE") == "deploiement fibre"
    assert search.normalise("الأَلْيَاف البصريّة") == "الالياف البصريه"


@pytest.mark.parametrize(
    "query",
    [
        "?page=-1",
        "?page=abc",
        "?page=99999999",
        "?budget_min=abc",
        "?budget_max=-3",
        "?deadline_from=2026-13-45",
        "?status=nonsense",
        "?wilaya=99",
        "?sort=drop",
        "?q=" + "x" * 10_000,
        '?q="*^:()',
        "?q=AND OR NOT NEAR",
        "?reserved=maybe",
        "?sector=" + "s" * 500,
    ],
)
def test_absurd_parameters_are_ignored_safely(client, make, query):
    make.tender(state="open", title_fr="Toujours là")
    response = client.get(f"/tenders{query}")
    assert response.status_code == 200


def test_empty_result_says_so_and_offers_to_remove_filters(client, make):
    make.tender(state="open")
    html = client.get("/tenders?q=inexistant&lang=en").get_data(as_text=True)
    assert "No call for tender matches these criteria" in html and "Remove all filters" in html


def test_pagination_and_shareable_urls(client, make):
    for n in range(23):
        make.tender(state="open", title_fr=f"Appel numéro {n:02d}", lots=1)
    first = client.get("/tenders?wilaya=31&lang=en").get_data(as_text=True)
    second = client.get("/tenders?wilaya=31&page=2&lang=en").get_data(as_text=True)
    assert "Page 1 of 2" in first and "wilaya=31" in first and "page=2" in first
    assert second.count('class="tender-card"') == 3


def test_sort_by_publication_date(client, make, clock):
    make.tender(state="open", title_fr="Publié hier", published_at=clock.now() - timedelta(days=1))
    make.tender(state="open", title_fr="Publié avant-hier", published_at=clock.now() - timedelta(days=2))
    html = titles(client, "?sort=published")
    assert html.index("Publié hier") < html.index("Publié avant-hier")


def test_list_and_page_honour_conditional_requests(client, make):
    tender = make.tender(state="open")
    for url in ("/tenders", f"/tenders/{tender.url_reference}"):
        first = client.get(url)
        assert first.headers["ETag"] and first.headers["Last-Modified"]
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304


def test_tender_page_changes_its_etag_when_the_tender_changes(client, make, clock, db_session):
    tender = make.tender(state="open")
    url = f"/tenders/{tender.url_reference}"
    etag = client.get(url).headers["ETag"]
    tender.changed_at = clock.now() + timedelta(minutes=1)
    db_session.flush()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_tender_page_shows_countdown_in_algiers_time(client, make, clock):
    tender = make.tender(state="open", submission_deadline_at=clock.now() + timedelta(days=3, hours=4, minutes=5))
    html = client.get(f"/tenders/{tender.url_reference}?lang=en").get_data(as_text=True)
    assert "Time left:" in html and "3 days, 4 hours" in html
    local = tender.submission_deadline_at + timedelta(hours=1)
    assert f"at {local:%H:%M}, Algiers time" in html


def test_unknown_or_draft_reference_is_404(client, make):
    draft = make.tender(state="draft")
    assert client.get("/tenders/NOPE-2026-0001").status_code == 404
    assert client.get(f"/tenders/{draft.url_reference or 'x'}").status_code == 404


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_list_and_tender_pages_stay_under_60_kb_compressed(client, make, lang):
    import gzip

    tenders = [make.tender(state="open", lots=3) for _ in range(20)]
    assets = sum(
        len(gzip.compress(client.get(path).data)) for path in ("/static/css/safkat.css", "/static/js/countdown.js")
    )
    for url in ("/tenders", f"/tenders/{tenders[0].url_reference}"):
        page = client.get(f"{url}?lang={lang}").data
        assert len(gzip.compress(page)) + assets < 60 * 1024, url


def test_rendered_listing_is_reused_until_anything_public_changes(client, make, clock, db_session, monkeypatch):
    from safkat.tenders import queries

    make.tender(state="open", title_fr="Premier appel")
    calls = []
    original = queries.listing_page
    monkeypatch.setattr(queries, "listing_page", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs))
    first = client.get("/tenders?wilaya=31&lang=fr").data
    assert client.get("/tenders?wilaya=31&lang=fr").data == first and len(calls) == 1  # reused
    make.tender(state="open", title_fr="Second appel", changed_at=clock.now() + timedelta(seconds=1))
    assert b"Second appel" in client.get("/tenders?wilaya=31&lang=fr").data and len(calls) == 2


def test_the_home_page_leads_to_the_tenders(client, make, clock):
    make.tender(state="open", title_fr="Fibre à Oran", submission_deadline_at=clock.now() + timedelta(days=3))
    make.tender(state="open", title_fr="Papier pour Alger", submission_deadline_at=clock.now() + timedelta(days=30))
    make.tender(state="closed", title_fr="Marché clos")
    make.tender(state="draft", title_fr="Brouillon secret")
    response = client.get("/?lang=en")
    html = response.get_data(as_text=True)
    assert 'href="/tenders"' in html
    closing = html[html.index('id="closing-soon"') : html.index('id="latest"')]
    latest = html[html.index('id="latest"') :]
    assert "Fibre à Oran" in closing and "Papier pour Alger" not in closing, "only deadlines within a week"
    assert "Fibre à Oran" in latest and "Papier pour Alger" in latest
    assert "Marché clos" not in html and "Brouillon secret" not in html
    again = client.get("/?lang=en", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304, "cached like the listing"
