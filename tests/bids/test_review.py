"""The review step: sending the form seals nothing; the firm sees its bid in figures and in
words, with its files' sizes and digests, and seals exactly what it saw by confirming."""

import hashlib

import pytest
from sqlalchemy import func, select

from safkat.bids.models import Bid, Receipt
from tests.bids.helpers import bid_form, confirm_bid, document, review_fields


@pytest.fixture
def tender(make):
    return make.tender(state="open", lots=2)


@pytest.fixture
def firm(make):
    return make.bidder(enterprise=make.enterprise(status="verified", scheme="anade"))


def send_form(client, tender, **kwargs):
    return client.post(
        f"/tenders/{tender.url_reference}/bid", data=bid_form(tender, **kwargs), content_type="multipart/form-data"
    )


def submitted(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Bid).where(Bid.status == "submitted"))


def test_the_review_page_shows_the_bid_and_seals_nothing(login, firm, tender, db_session):
    client = login(firm)
    technical = document("tech", 5000)
    response = send_form(
        client, tender, amounts={1: ("4 500 000,00", "855 000"), 2: ("1.234,56", "0")}, technical=technical
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/bid/review")
    assert submitted(db_session) == 0 and db_session.scalar(select(func.count()).select_from(Receipt)) == 0

    review = client.get(response.headers["Location"] + "?lang=fr")
    assert review.status_code == 200 and "no-store" in review.headers["Cache-Control"]
    page = review.get_data(as_text=True)
    assert "Lot 1</h3>" in page and "Lot 2</h3>" in page  # the lots covered, "Lot 1" said once
    assert "4\u202f500\u202f000,00 DZD" in page and "quatre millions cinq cent mille dinars algériens" in page
    assert "855\u202f000,00 DZD" in page and "huit cent cinquante-cinq mille dinars algériens" in page
    assert "5\u202f355\u202f000,00 DZD" in page  # the lot's total including VAT
    assert "1\u202f234,56 DZD" in page and "mille deux cent trente-quatre dinars algériens et cinquante-six" in page
    assert "5\u202f356\u202f234,56 DZD" in page  # all lots together
    assert hashlib.sha256(technical).hexdigest() in page and "memoire-technique.pdf" in page
    assert "4,9\u202fko" in page  # 5,009 bytes, in French units

    arabic = client.get(response.headers["Location"] + "?lang=ar").get_data(as_text=True)
    assert "أربعة ملايين وخمسمائة ألف دينار جزائري" in arabic and "4,500,000.00 دج" in arabic
    assert submitted(db_session) == 0, "looking at the review page seals nothing"

    assert confirm_bid(client, tender).status_code == 302
    bid = db_session.scalar(select(Bid))
    assert bid.status == "submitted" and [lot.number for lot in bid.lots] == [1, 2]


def test_a_draft_changed_after_the_review_is_not_sealed(login, firm, tender, db_session):
    client = login(firm)
    send_form(client, tender)
    seen = review_fields(client, tender)
    send_form(client, tender, amounts={1: ("999,00", "0")}, application=False)  # another tab
    response = confirm_bid(client, tender, fields=seen)
    assert response.status_code == 422
    assert "Your bid changed after you reviewed it" in response.get_data(as_text=True)
    assert "999.00 DZD" in response.get_data(as_text=True)  # the review page again, of the new draft
    assert submitted(db_session) == 0


def test_confirming_without_the_review_is_refused(login, firm, tender, db_session):
    client = login(firm)
    send_form(client, tender)
    assert client.post(f"/tenders/{tender.url_reference}/bid/confirm", data={"reviewed": ""}).status_code == 400
    assert submitted(db_session) == 0


def test_without_a_draft_the_review_leads_back_to_the_form(login, firm, tender):
    response = login(firm).get(f"/tenders/{tender.url_reference}/bid/review")
    assert response.status_code == 302 and response.headers["Location"].endswith("/bid")


def test_a_firm_reviews_only_its_own_draft(login, firm, make, tender):
    send_form(login(firm), tender, amounts={1: ("7 777 777,00", "0")})
    other = login(make.bidder(enterprise=make.enterprise(status="verified")))
    response = other.get(f"/tenders/{tender.url_reference}/bid/review")
    assert response.status_code == 302 and "7\u202f777\u202f777" not in response.get_data(as_text=True)
    officer = login(tender.created_by)
    assert officer.get(f"/tenders/{tender.url_reference}/bid/review").status_code == 403


def test_the_amount_preview_reads_with_the_one_parser(login, firm, client):
    firm_client = login(firm)
    firm_client.environ_base["HTTP_X_CSRFTOKEN"] = firm_client.csrf_token()
    answer = firm_client.post(
        "/amounts/preview?lang=fr", json={"amounts": {"excl": "4 500 000,00", "vat": "855000"}}
    ).get_json()
    assert answer["amounts"]["excl"] == {
        "text": "4\u202f500\u202f000,00 DZD",
        "words": "quatre millions cinq cent mille dinars algériens",
    }
    assert answer["total"]["text"] == "5\u202f355\u202f000,00 DZD"
    refused = firm_client.post("/amounts/preview?lang=en", json={"amounts": {"excl": "4.500"}}).get_json()
    assert "can be read as two different amounts" in refused["amounts"]["excl"]["error"]
    assert refused["total"] is None
    arabic = firm_client.post("/amounts/preview?lang=ar", json={"amounts": {"x": "٤٥٠٠٠٠٠"}}).get_json()
    assert arabic["amounts"]["x"]["words"] == "أربعة ملايين وخمسمائة ألف دينار جزائري"
    assert firm_client.post("/amounts/preview", json={"amounts": "4500"}).status_code == 400
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.csrf_token()
    assert client.post("/amounts/preview", json={"amounts": {"x": "1"}}).status_code == 302  # to the login page
