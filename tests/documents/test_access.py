"""A firm's receipts are its own: nobody else downloads them, whatever the id in the URL."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safkat.documents.models import IssuedDocument
from tests.bids.helpers import post_bid


@pytest.fixture
def receipt_url(bid):
    return f"/bids/{bid.id}/receipts/{bid.receipts[0].id}"


@pytest.mark.parametrize("viewer", ["other firm", "member of another firm", "officer", "admin"])
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_others_cannot_download_a_receipt(login, make, tender, receipt_url, db_session, viewer, lang):
    users = {
        "other firm": lambda: make.bidder(enterprise=make.enterprise(status="verified")),
        "member of another firm": lambda: make.bidder(enterprise=make.enterprise(status="registered")),
        "officer": lambda: tender.created_by,  # the tender's own officer
        "admin": lambda: make.admin(),
    }
    issued_before = db_session.scalar(select(func.count()).select_from(IssuedDocument))  # the firm's own receipt
    response = login(users[viewer]()).get(f"{receipt_url}/{lang}.pdf")
    assert response.status_code == 403 and not response.data.startswith(b"%PDF")
    issued_after = db_session.scalar(select(func.count()).select_from(IssuedDocument))
    assert issued_after == issued_before, "nothing issued for them"


def test_the_public_is_sent_to_log_in(client, receipt_url):
    response = client.get(f"{receipt_url}/fr.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not response.data.startswith(b"%PDF")


def test_another_bids_receipt_through_ones_own_bid_is_not_found(login, make, tender, firm, bid, db_session):
    other = make.bidder(enterprise=make.enterprise(status="verified"))
    post_bid(login(other), tender)
    from safkat.bids.models import Receipt

    foreign = db_session.scalar(select(Receipt).where(Receipt.bid_id != bid.id))
    response = login(firm).get(f"/bids/{bid.id}/receipts/{foreign.id}/fr.pdf")
    assert response.status_code == 404


def test_every_member_of_the_firm_can_download_it(login, make, firm, receipt_url):
    colleague = make.bidder(enterprise=firm.enterprise)
    assert login(colleague).get(f"{receipt_url}/ar.pdf").status_code == 200


def test_unknown_editions_and_objects_are_not_found(login, firm, bid, client, tender):
    assert login(firm).get(f"/bids/{bid.id}/receipts/{bid.receipts[0].id}/en.pdf").status_code == 404
    assert login(firm).get(f"/bids/{bid.id}/receipts/999999/fr.pdf").status_code == 404
    assert client.get(f"/tenders/{tender.url_reference}/notice/de.pdf").status_code == 404
    assert client.get("/tenders/XX-2026-9999/notice/fr.pdf").status_code == 404


def test_minutes_exist_only_after_the_opening(client, tender, bid, clock, app, db_session, make):
    url = f"/tenders/{tender.url_reference}/opening/minutes/fr.pdf"
    assert client.get(url).status_code == 404
    from safkat.bids.opening import open_bids

    clock.set(tender.submission_deadline_at + timedelta(minutes=1))
    make.hand_in_shares(tender)
    open_bids(db_session, tender, None, app.extensions["safkat.keys"], app.extensions["safkat.files"], clock.now())
    db_session.flush()
    assert client.get(url).status_code == 200


def test_a_draft_has_no_notice(client, make):
    draft = make.tender(state="draft")
    assert client.get(f"/tenders/{draft.id}/notice/fr.pdf").status_code == 404
