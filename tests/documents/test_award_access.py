"""Who may download the evaluation and award documents, and what their public pages show."""

import pytest
from sqlalchemy import func, select

from safkat.documents import services
from safkat.documents.models import IssuedDocument
from tests.documents.award_fixtures import ARABIC_FIRM, assessment_of, letter_url


def count_documents(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(IssuedDocument))


def report_url(tender, lang="fr") -> str:
    return f"/officer/tenders/{tender.id}/evaluation/report/{lang}.pdf"


@pytest.mark.parametrize("viewer", ["bidder", "officer of another authority", "admin"])
def test_only_the_authoritys_officers_get_the_full_report(login, make, awarded, db_session, viewer):
    users = {
        "bidder": lambda: awarded.firms["A"],
        "officer of another authority": lambda: make.officer(),
        "admin": lambda: make.admin(),
    }
    before = count_documents(db_session)
    response = login(users[viewer]()).get(report_url(awarded.tender, "ar"))
    assert response.status_code == 403 and not response.data.startswith(b"%PDF")
    assert count_documents(db_session) == before
    colleague = make.officer(authority=awarded.officer.authority)
    assert login(colleague).get(report_url(awarded.tender, "ar")).status_code == 200


def test_the_public_is_sent_to_log_in_for_the_full_report(client, awarded):
    response = client.get(report_url(awarded.tender))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_firm_gets_its_own_letter_and_no_other(login, make, awarded, db_session, lang):
    firm_a, firm_c = awarded.firms["A"], awarded.firms["C"]
    own = letter_url(db_session, firm_a, 1, lang)
    colleague = make.bidder(enterprise=firm_a.enterprise)
    assert login(colleague).get(own).status_code == 200
    before = count_documents(db_session)
    # Another firm asking for A's letter through A's bid: refused.
    assert login(firm_c).get(own).status_code == 403
    # Through its own bid, with A's assessment id: not found.
    foreign = assessment_of(db_session, firm_a, 1)
    own_bid = assessment_of(db_session, firm_c, 1).bid_id
    response = login(firm_c).get(f"/bids/{own_bid}/letters/{foreign.id}/{lang}.pdf")
    assert response.status_code == 404
    # The authority's officers do not read a firm's mail either.
    assert login(awarded.officer).get(own).status_code == 403
    assert count_documents(db_session) == before, "nothing issued for them"


def test_the_public_is_sent_to_log_in_for_a_letter(client, awarded, db_session):
    response = client.get(letter_url(db_session, awarded.firms["A"], 1, "fr"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_nothing_before_the_award(client, login, evaluated, db_session):
    tender = evaluated.tender
    assert client.get(f"/tenders/{tender.url_reference}/award/notice/fr.pdf").status_code == 404
    assert client.get(f"/tenders/{tender.url_reference}/evaluation/summary/fr.pdf").status_code == 404
    assert login(evaluated.officer).get(report_url(tender)).status_code == 404
    firm = evaluated.firms["A"]
    assert login(firm).get(letter_url(db_session, firm, 1, "fr")).status_code == 404
    assert count_documents(db_session) == 0, "no award document yet (the receipts wait for the sender)"


def test_public_documents_are_public(client, awarded):
    tender = awarded.tender
    for url in (
        f"/tenders/{tender.url_reference}/award/notice/ar.pdf",
        f"/tenders/{tender.url_reference}/evaluation/summary/fr.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_the_verification_page_of_a_letter_shows_only_that_it_exists(client, awarded, db_session):
    firm = awarded.firms["B"]
    letter = db_session.scalar(
        select(IssuedDocument).where(
            IssuedDocument.kind == "unsuccessful_letter",
            IssuedDocument.recipient_enterprise_id == firm.enterprise_id,
        )
    )
    assert letter.language == "ar", "issued in the edition its reader reads"
    page = client.get(f"/verify/{services.format_code(letter.code)}?lang=fr").get_data(as_text=True)
    assert letter.sha256 in page and "adressé à un soumissionnaire" in page
    tender = awarded.tender
    secrets = (ARABIC_FIRM, firm.enterprise.nif, tender.reference, tender.title_fr, "CNAS", "950 000", "950,000")
    for secret in secrets:
        assert secret not in page
    assert client.get(f"/verify/{letter.code}/document.pdf").status_code == 404


def test_the_verification_page_of_the_full_report_shows_only_that_it_exists(client, awarded, db_session):
    report = db_session.scalar(select(IssuedDocument).where(IssuedDocument.kind == "evaluation_report"))
    assert not report.is_public and report.recipient_enterprise_id is None
    page = client.get(f"/verify/{report.code}?lang=en").get_data(as_text=True)
    assert report.sha256 in page and "internal document of a contracting authority" in page
    for secret in ("SARL Fibre Oranaise", "Firme C", awarded.tender.reference, "CNAS"):
        assert secret not in page
    assert client.get(f"/verify/{report.code}/document.pdf").status_code == 404


def test_the_pages_link_each_reader_to_its_documents(client, login, awarded, db_session):
    tender = awarded.tender
    public = client.get(f"/tenders/{tender.url_reference}/award?lang=en").get_data(as_text=True)
    assert f"/tenders/{tender.url_reference}/award/notice/fr.pdf" in public
    assert f"/tenders/{tender.url_reference}/evaluation/summary/ar.pdf" in public
    assert "/evaluation/report/" not in public and "/letters/" not in public
    tender_page = client.get(f"/tenders/{tender.url_reference}?lang=en").get_data(as_text=True)
    assert "/award/notice/ar.pdf" in tender_page
    officer = login(awarded.officer).get(f"/officer/tenders/{tender.id}/evaluation?lang=en").get_data(as_text=True)
    assert report_url(tender, "fr") in officer and "/award/notice/fr.pdf" in officer
    firm = awarded.firms["A"]
    own = assessment_of(db_session, firm, 1)
    bid_page = login(firm).get(f"/bids/{own.bid_id}?lang=en").get_data(as_text=True)
    assert letter_url(db_session, firm, 1, "fr") in bid_page and letter_url(db_session, firm, 2, "ar") in bid_page
    other = assessment_of(db_session, awarded.firms["C"], 1)
    assert f"/letters/{other.id}/" not in bid_page
