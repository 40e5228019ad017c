"""The listing's cards are written from plain rows (issue 16): they must say what the
tender says, in the reader's language, and never what is not public."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from safkat.http_cache import rendered
from tests.tenders.test_page_queries import cost


def card_of(page: str, reference: str) -> str:
    for card in re.findall(r'<article class="tender-card">.*?</article>', page, re.S):
        if reference in card:
            return re.sub(r"[ \n]+", " ", card)  # spaces and line ends only: the no-break spaces stay
    raise AssertionError(f"no card for {reference}")


def test_a_card_says_what_the_tender_says_in_arabic(make, client):
    authority = make.authority(name_fr="Commune d'Oran", name_ar="بلدية وهران")
    tender = make.tender(
        state="open", authority=authority, lots=3, wilayas=["31", "16"], reserved=True, title_ar="ربط بالألياف"
    )
    card = card_of(client.get("/tenders?lang=ar").get_data(as_text=True), tender.reference)
    assert f'href="/tenders/{tender.url_reference}"' in card
    assert '<span lang="ar" dir="auto">ربط بالألياف</span>' in card
    assert "badge-open" in card and "بلدية وهران" in card and "Commune d'Oran" not in card
    assert "الجزائر, وهران" in card  # the wilayas' Arabic names, in the order of their codes (16, 31)
    assert "· 3 حصص ·" in card
    assert "المبلغ التقديري: 1,500,000.00 دج" in card
    assert 'datetime="' + tender.submission_deadline_at.isoformat() + '"' in card


def test_a_card_in_french_falls_back_and_shows_the_budget_only_when_public(make, client):
    public = make.tender(state="open", title_ar="", estimated_budget=4_500_000_00)
    hidden = make.tender(state="open", estimated_budget=9_876_543_21, is_budget_public=False)
    page = client.get("/tenders?lang=fr").get_data(as_text=True)
    assert "Montant estimatif\u00a0: 4\u202f500\u202f000,00 DZD" in card_of(page, public.reference)
    hidden_card = card_of(page, hidden.reference)
    assert "Montant estimatif" not in hidden_card and "876" not in hidden_card
    arabic_page = client.get("/tenders?lang=ar").get_data(as_text=True)
    assert "(بالفرنسية)" in card_of(arabic_page, public.reference)  # no Arabic title: the French one, marked


def test_a_card_turns_closed_when_the_deadline_passes(make, client, clock):
    tender = make.tender(state="open", submission_deadline_at=clock.now() + timedelta(minutes=5))
    assert "badge-open" in card_of(client.get("/tenders?lang=en").get_data(as_text=True), tender.reference)
    clock.advance(minutes=6)
    rendered.clear()
    card = card_of(client.get("/tenders?lang=en&status=closed").get_data(as_text=True), tender.reference)
    assert "badge-closed" in card and "Closed, waiting for the opening" in card


def test_the_cards_of_a_page_cost_one_statement(make, client, engine):
    for _ in range(7):
        make.tender(state="open", lots=2, wilayas=["31", "16"])
    seen = cost(engine, client, "/tenders?lang=fr&sort=deadline")
    card_reads = [statement for statement in seen if "tenders.title_fr" in statement]
    assert len(card_reads) == 1, "\n".join(seen)


def test_a_written_card_is_what_its_template_renders(app, make, db_session, clock):
    """Each card is the template rendered once with markers, then filled (safkat.slots):
    every variant (reserved or not, budget public or not) matches Jinja's own rendering."""
    from flask import render_template
    from flask_babel import force_locale
    from markupsafe import Markup

    from safkat.tenders.cards import CARD_ROW, SLOTS, CardWriter
    from safkat.tenders.queries import by_ids

    authority = make.authority(name_fr="Commune d'<b>Oran</b> & Co", name_ar="بلدية <وهران>")
    tenders = [
        make.tender(state="open", authority=authority, reserved=True, wilayas=["31", "57"]),
        make.tender(state="open", authority=authority, reserved=False, is_budget_public=False, title_ar=""),
        make.tender(state="open", reserved=False, estimated_budget=4_500_000_00),
    ]
    db_session.flush()
    for language in ("fr", "ar", "en"):
        with app.test_request_context("/tenders"), force_locale(language):
            writer = CardWriter(clock.now())
            rows = db_session.connection().execute(by_ids(CARD_ROW), {"ids": [t.id for t in tenders]}).all()
            for row in rows:
                values = {name: Markup(value) for name, value in zip(SLOTS, writer.slot_values(row), strict=True)}
                expected = render_template("tenders/_card.html", card=values | {"is_reserved": row.has_reserved_lot})
                written = writer.write(row)
                assert written == expected
                if row.id != tenders[2].id:  # the authority's name, escaped
                    assert "&lt;" in written and "<b>" not in written and "<وهران>" not in written


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_a_card_s_title_is_the_bilingual_wrap_of_the_reader_s_version(app, language):
    from flask_babel import force_locale

    from safkat.bilingual import pick_version, wrap, wrapped_version

    titles = [("Fibre & <b>optique</b>", "ألياف <بصرية>"), ("  Voirie ", ""), ("", " طرقات "), (None, None), ("  ", "")]
    with app.test_request_context("/tenders"), force_locale(language):
        for french, arabic in titles:
            assert wrapped_version(french, arabic, language) == str(wrap(pick_version(french, arabic, language)))
