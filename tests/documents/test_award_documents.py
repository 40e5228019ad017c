"""The evaluation and award documents, in French and Arabic, read back as their readers would."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from safkat.awards.models import LotAward
from safkat.documents.models import IssuedDocument
from safkat.documents.render import translations
from tests.documents.award_fixtures import ARABIC_FIRM, REJECTION, letter_url
from tests.documents.conftest import pdf_text
from tests.documents.test_issuing import check_layout, squashed


def translated(msgid: str, lang: str) -> str:
    """The message as the document prints it (the catalogue's translation, or the msgid)."""
    return translations(lang).ugettext(msgid)


def has_title(text: str, msgid: str, lang: str) -> bool:
    """Whether the message is there, its letters in logical order (punctuation aside: at
    the ends of an untranslated message in an Arabic document, it moves)."""
    return re.sub(r"[\W_]+", "", translated(msgid, lang)) in re.sub(r"[\W_]+", "", text)


def arabic(text: str) -> str:
    """The Arabic letters only, in the order read: the logical order of the words, whatever
    the digits and Latin words around them do."""
    return re.sub(r"[^\u0621-\u064a]", "", text)


def has_words(text: str, phrase: str) -> bool:
    """Each word of a Latin phrase (in an Arabic document, a phrase that wraps may be read
    back line by line in another order)."""
    return all(word in text for word in phrase.split())


def read(client, url, tmp_path, lang):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.status_code
    text = pdf_text(response.data, tmp_path)
    check_layout(response.data, text, tmp_path, lang)
    return response, " ".join(text.split())  # a cell's text may wrap


def amounts(lang: str, *values: str) -> list[str]:
    """``1000000`` → ``1 000 000,00`` (French) or ``1,000,000.00`` (Arabic, Western digits)."""
    separator, decimal = (" ", ",") if lang == "fr" else (",", ".")
    return [f"{int(value):,}".replace(",", separator) + f"{decimal}00" for value in values]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_award_notice(client, awarded, tmp_path, lang):
    tender = awarded.tender
    response, text = read(client, f"/tenders/{tender.url_reference}/award/notice/{lang}.pdf", tmp_path, lang)
    assert response.headers.get("Cache-Control", "").find("no-store") == -1, "a public document"
    assert has_title(text, "Provisional award notice", lang)
    assert tender.reference in text and "SARL Fibre Oranaise" in text and "Firme C" in text
    assert arabic(ARABIC_FIRM) not in arabic(text) and "CNAS" not in text, "the rejected offer is not named"
    for amount in amounts(lang, "1000000", "1190000", "1900000"):
        assert amount in text
    if lang == "ar":
        for words in (tender.title_ar, tender.authority.name_ar, "الهندسة المدنية", "المستفيد من المنح"):
            assert arabic(words) in arabic(text)
    else:
        assert tender.title_fr in text and tender.authority.name_fr in text and "Génie civil" in text


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_evaluation_summary_names_only_the_compliant_offers(client, awarded, tmp_path, lang):
    tender = awarded.tender
    _response, text = read(client, f"/tenders/{tender.url_reference}/evaluation/summary/{lang}.pdf", tmp_path, lang)
    assert has_title(text, "Evaluation report (summary)", lang)
    assert "SARL Fibre Oranaise" in text and "Firme C" in text
    assert arabic(ARABIC_FIRM) not in arabic(text) and "CNAS" not in text, "the rejected offer is not named"
    for amount in amounts(lang, "1000000", "1050000", "1900000", "2000000"):
        assert amount in text
    if lang == "ar":
        assert arabic(tender.title_ar) in arabic(text) and arabic("الهندسة المدنية") in arabic(text)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_full_evaluation_report_for_the_officers(login, awarded, tmp_path, lang):
    tender = awarded.tender
    url = f"/officer/tenders/{tender.id}/evaluation/report/{lang}.pdf"
    response, text = read(login(awarded.officer), url, tmp_path, lang)
    assert "no-store" in response.headers["Cache-Control"]
    assert has_title(text, "Evaluation report", lang)
    assert "SARL Fibre Oranaise" in text and "Firme C" in text and has_words(text, REJECTION)
    assert awarded.firms["B"].enterprise.nif in text
    for amount in amounts(lang, "950000", "1000000", "1050000", "1900000", "2000000"):
        assert amount in text
    if lang == "ar":
        assert arabic(ARABIC_FIRM) in arabic(text), "the Arabic name in its logical order"
        assert arabic("المصلحة المتعاقدة") in arabic(text)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_winner_letter(login, awarded, db_session, tmp_path, lang):
    firm = awarded.firms["A"]
    response, text = read(login(firm), letter_url(db_session, firm, 1, lang), tmp_path, lang)
    assert "no-store" in response.headers["Cache-Control"]
    assert has_title(text, "Notification of provisional award", lang)
    assert "SARL Fibre Oranaise" in text and firm.enterprise.nif in text
    assert all(amount in text for amount in amounts(lang, "1000000", "1190000"))
    assert "Firme C" not in text and arabic(ARABIC_FIRM) not in arabic(text), "nothing of the other offers"
    assert not any(amount in text for amount in amounts(lang, "1050000", "950000"))
    if lang == "ar":
        assert arabic("الهندسة المدنية") in arabic(text) and arabic(awarded.tender.title_ar) in arabic(text)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_unsuccessful_letter_gives_its_own_reasons_only(login, awarded, db_session, tmp_path, lang):
    firm = awarded.firms["B"]
    _response, text = read(login(firm), letter_url(db_session, firm, 1, lang), tmp_path, lang)
    assert has_title(text, "Notification of the result of the evaluation", lang)
    assert has_words(text, REJECTION) and all(amount in text for amount in amounts(lang, "950000"))
    assert has_title(text, "Not ranked: the offer is not compliant.", lang)
    assert "SARL Fibre Oranaise" not in text and "Firme C" not in text
    assert not any(amount in text for amount in amounts(lang, "1000000", "1050000", "1190000"))
    assert arabic(ARABIC_FIRM) in arabic(text) and awarded.firms["B"].enterprise.nif in text
    if lang == "ar":
        assert arabic("الهندسة المدنية") in arabic(text)


def test_a_ranked_loser_reads_its_rank_and_why(login, awarded, db_session, tmp_path):
    firm = awarded.firms["C"]
    _response, text = read(login(firm), letter_url(db_session, firm, 1, "fr"), tmp_path, "fr")
    assert translated("Another offer ranked better.", "fr") in text
    assert squashed(translated("%(rank)s of %(count)s offers", "fr") % {"rank": 2, "count": 3}) in squashed(text)
    assert "SARL Fibre Oranaise" not in text and "1 000 000,00" not in text


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_award_decision(client, login, awarded, db_session, clock, tmp_path, lang):
    tender = awarded.tender
    award = db_session.scalar(select(LotAward).where(LotAward.tender_id == tender.id, LotAward.status == "provisional"))
    assert client.get(f"/tenders/{tender.url_reference}/award/decisions/{award.id}/{lang}.pdf").status_code == 404
    clock.set(award.standstill_ends_at + timedelta(minutes=1))
    officer = login(awarded.officer)
    assert officer.post(f"/officer/tenders/{tender.id}/awards/{award.id}/finalize", data={}).status_code == 302
    db_session.expire_all()
    url = f"/tenders/{tender.url_reference}/award/decisions/{award.id}/{lang}.pdf"
    response, text = read(client, url, tmp_path, lang)
    assert has_title(text, "Award decision", lang)
    assert award.enterprise.name in text and award.enterprise.nif in text and tender.reference in text
    expected = amounts(lang, str(award.amount // 100), str(award.amount_incl_vat // 100))
    assert all(amount in text for amount in expected)
    if lang == "ar":
        assert arabic(tender.authority.name_ar) in arabic(text)
    decisions = db_session.scalars(select(IssuedDocument).where(IssuedDocument.kind == "award_decision")).all()
    assert {d.language for d in decisions} == {"fr", "ar"}, "both editions issued when the award became final"
    assert all(d.is_public and d.tender_id == tender.id for d in decisions)
