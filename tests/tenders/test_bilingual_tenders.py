"""Officers write each public text in French and, optionally, Arabic; readers get their language."""

import re

import pytest
from sqlalchemy import func, select

from safkat.tenders.models import Tender
from tests.documents.conftest import pdf_text
from tests.tenders.test_drafting import create_ready_draft, draft_form, officer, published  # noqa: F401

ARABIC = {
    "opening_place_ar": "مقر المديرية، وهران",
    "required_documents_ar": "مستخرج السجل التجاري\nشهادة الوكالة",
}
WEIGHTED = {
    "award_method": "weighted",
    "technical_weight": "40",
    "financial_weight": "60",
    "criteria": "Méthodologie ; 60\nRéférences ; 40",
}


def test_arabic_versions_round_trip_through_the_drafting_form(login, officer, make, clock, db_session):  # noqa: F811
    client = login(officer)
    tender_id = create_ready_draft(client, clock, make, **ARABIC, **WEIGHTED, criteria_ar="المنهجية\nالمراجع")
    tender = db_session.get(Tender, tender_id)
    assert tender.opening_place_ar == "مقر المديرية، وهران"
    assert tender.required_documents_ar == "مستخرج السجل التجاري\nشهادة الوكالة"
    assert [(c.label, c.label_ar) for c in tender.criteria] == [("Méthodologie", "المنهجية"), ("Références", "المراجع")]

    html = client.get(f"/officer/tenders/{tender_id}/edit?lang=en").get_data(as_text=True)
    assert re.search(r'<input[^>]*dir="rtl"[^>]*id="opening_place_ar"[^>]*value="مقر المديرية، وهران"', html)
    assert re.search(r'<textarea[^>]*id="criteria_ar"[^>]*>\s*المنهجية\nالمراجع</textarea>', html)
    assert "Arabic readers see the French text when it is empty" in html  # the plain hint

    assert client.post(f"/officer/tenders/{tender_id}/edit", data=draft_form(clock, make)).status_code == 302
    db_session.refresh(tender)
    assert tender.opening_place_ar is None and tender.required_documents_ar is None  # emptied, not ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({**WEIGHTED, "criteria_ar": "المنهجية"}, "Give one Arabic label per French criterion (2)"),
        ({"opening_place_ar": "م" * 301}, "Field cannot be longer than 300 characters."),
        ({"required_documents_ar": "و" * 5001}, "Field cannot be longer than 5000 characters."),
    ],
)
def test_arabic_fields_are_validated_like_the_french_ones(login, officer, make, clock, db_session, overrides, message):  # noqa: F811
    before = db_session.scalar(select(func.count()).select_from(Tender))
    response = login(officer).post("/officer/tenders/new?lang=en", data=draft_form(clock, make, **overrides))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Tender)) == before


def test_public_page_shows_the_readers_language_and_marks_the_fallback(client, make):
    tender = make.tender(
        state="open",
        opening_place="Salle des marchés",
        opening_place_ar="قاعة الصفقات",
        required_documents="Extrait du RC",  # no Arabic version
    )
    url = f"/tenders/{tender.url_reference}"
    arabic = client.get(f"{url}?lang=ar").get_data(as_text=True)
    assert '<span lang="ar" dir="auto">قاعة الصفقات</span>' in arabic and "Salle des marchés" not in arabic
    assert '<li dir="auto">Extrait du RC</li>' in arabic
    assert re.search(r'<ul lang="fr">', arabic) and "(بالفرنسية)" in arabic
    assert f'<h1><span lang="ar" dir="auto">{tender.title_ar}</span></h1>' in arabic

    french = client.get(f"{url}?lang=fr").get_data(as_text=True)
    assert '<span lang="fr" dir="auto">Salle des marchés</span>' in french and "قاعة الصفقات" not in french
    assert "(en arabe)" not in french and "(en français)" not in french
    assert f'<span lang="fr" dir="auto">{tender.title_fr}</span>' in french


def test_listing_card_titles_are_isolated(client, make):
    tender = make.tender(state="open", title_ar=None)
    html = client.get("/tenders?lang=ar").get_data(as_text=True)
    assert f'<span lang="fr" dir="auto">{tender.title_fr}</span> <small class="lang-note">(بالفرنسية)</small>' in html


def test_answers_amendments_and_cancellation_in_both_languages(login, officer, make, published, client, db_session):  # noqa: F811
    login(make.bidder()).post(f"/tenders/{published.url_reference}/questions", data={"text": "Une visite ?"})
    officer_client = login(officer)
    question = published.questions[0]
    answer = {"answer": "Oui, le 3 mai.", "answer_ar": "نعم، يوم 3 ماي."}
    assert (
        officer_client.post(f"/officer/tenders/{published.id}/questions/{question.id}/answer", data=answer).status_code
        == 302
    )
    amendment = {"reason": "Plans corrigés.", "reason_ar": "مخططات مصححة."}
    assert officer_client.post(f"/officer/tenders/{published.id}/amend", data=amendment).status_code == 302

    url = f"/tenders/{published.url_reference}"
    arabic = client.get(f"{url}?lang=ar").get_data(as_text=True)
    assert '<span dir="auto">Une visite ?</span>' in arabic  # the asker's words, isolated
    assert '<span lang="ar" dir="auto">نعم، يوم 3 ماي.</span>' in arabic
    assert '<p lang="ar" dir="auto">مخططات مصححة.</p>' in arabic
    french = client.get(f"{url}?lang=fr").get_data(as_text=True)
    assert "Oui, le 3 mai." in french and "Plans corrigés." in french and "مخططات" not in french

    cancel = {"reason": "Budget retiré", "reason_ar": ""}
    assert officer_client.post(f"/officer/tenders/{published.id}/cancel", data=cancel).status_code == 302
    db_session.refresh(published)
    assert published.cancel_reason_ar is None
    arabic = client.get(f"{url}?lang=ar").get_data(as_text=True)
    assert '<p lang="fr" dir="auto">Budget retiré</p> <small class="lang-note">(بالفرنسية)</small>' in arabic


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_tender_notice_pdf_is_in_its_language_with_marked_fallbacks(client, make, tmp_path, lang):
    tender = make.tender(
        state="open",
        opening_place="Salle des marchés",
        opening_place_ar="قاعة الصفقات",
        required_documents="Extrait du RC",  # no Arabic version
    )
    response = client.get(f"/tenders/{tender.url_reference}/notice/{lang}.pdf")
    text = re.sub(r"\s+", "", pdf_text(response.data, tmp_path))
    if lang == "ar":
        assert "قاعةالصفقات" in text and "Salledesmarchés" not in text
        assert re.search(r"ExtraitduRC\W{0,2}بالفرنسية", text)  # pdftotext moves the brackets around
    else:
        assert "Salledesmarchés" in text and "قاعة" not in text
        assert "ExtraitduRC" in text and "(enfrançais)" not in text


def test_amendment_email_gives_each_reader_their_version(login, officer, make, published, mailbox):  # noqa: F811
    readers = {lang: make.bidder(locale=lang) for lang in ("ar", "fr")}
    document = published.current_documents[0]
    for reader in readers.values():
        login(reader).get(f"/tenders/{published.url_reference}/documents/{document.id}")
    amendment = {"reason": "Plans corrigés.", "reason_ar": "مخططات مصححة."}
    assert login(officer).post(f"/officer/tenders/{published.id}/amend", data=amendment).status_code == 302
    bodies = {message["To"]: message.get_content() for message in mailbox.sent}
    assert "مخططات مصححة." in bodies[readers["ar"].email] and "Plans corrigés." not in bodies[readers["ar"].email]
    assert "Plans corrigés." in bodies[readers["fr"].email] and "مخططات" not in bodies[readers["fr"].email]
