"""Sealed submission, drafts, replacement, withdrawal, receipts, and every refusal."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from safkat.bids.models import Bid, Envelope, Receipt
from safkat.bids.receipts import verify_receipt
from tests.bids.helpers import bid_form, confirm_bid, confirm_presence, document, post_bid, review_fields


@pytest.fixture
def tender(make):
    return make.tender(state="open", lots=2)


@pytest.fixture
def firm(make):
    return make.bidder(enterprise=make.enterprise(status="verified", scheme="anade"))


def bids(db_session):
    return db_session.scalar(select(func.count()).select_from(Bid).where(Bid.status != "discarded"))


def sealed_bids(db_session):
    return db_session.scalar(select(func.count()).select_from(Bid).where(Bid.status.not_in(("discarded", "draft"))))


def test_submission_is_sealed_and_acknowledged(login, firm, tender, db_session, app, clock):
    client = login(firm)
    response = post_bid(client, tender, technical=document("tech"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    bid = db_session.scalar(select(Bid))
    assert bid.status == "submitted" and bid.submitted_at == clock.now()
    assert [lot.number for lot in bid.lots] == [1, 2]
    assert all(e.sealed_key and e.draft_key is None for e in bid.envelopes)
    assert {e.kind for e in bid.envelopes} == {"financial", "application", "technical"}
    receipt = db_session.scalar(select(Receipt))
    body = client.get(f"/bids/{bid.id}/receipts/{receipt.id}.json")
    document_ = json.loads(body.data)
    assert document_["payload"]["digest"] == bid.digest and document_["payload"]["lots"] == [1, 2]
    assert verify_receipt(document_, app.extensions["safkat.keys"].verify_key)
    document_["payload"]["at"] = "2020-01-01T00:00:00+00:00"
    assert not verify_receipt(document_, app.extensions["safkat.keys"].verify_key)
    page = client.get(f"/bids/{bid.id}?lang=en").get_data(as_text=True)
    assert bid.digest in page and "Submitted, sealed" in page


def test_receipt_is_mailed_to_the_firm(login, firm, tender, db_session, app, mailbox, send_outbox):
    post_bid(login(firm), tender)
    bid = db_session.scalar(select(Bid))
    assert mailbox.sent == [], "the e-mail waits for the sender, which issues its PDF"
    assert "Sent 1, failed 0" in send_outbox()
    [message] = mailbox.sent
    body = message.get_body(("plain",)).get_content()  # the receipt PDF is attached
    assert message["To"] == firm.email and bid.digest in body
    assert "{" not in body and '"payload"' not in body, "a readable summary, not raw JSON"
    assert "Lot 1" in body and "Lot 2" in body, "the lots the bid covers"
    [pdf] = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    json_url = next(line.strip() for line in body.splitlines() if line.strip().endswith(".json"))
    signed = json.loads(login(firm).get(urlsplit(json_url).path).data)
    assert verify_receipt(signed, app.extensions["safkat.keys"].verify_key)


def test_receipt_can_be_checked_publicly_and_by_command(login, firm, tender, db_session, client, app, tmp_path):
    firm_client = login(firm)
    post_bid(firm_client, tender)
    bid = db_session.scalar(select(Bid))
    receipt = bid.receipts[0]
    text = firm_client.get(f"/bids/{bid.id}/receipts/{receipt.id}.json").get_data(as_text=True)
    good = client.post("/receipts/verify?lang=en", data={"receipt": text}).get_data(as_text=True)
    assert "Valid receipt." in good and bid.digest in good
    forged = text.replace(bid.digest, "0" * 64)
    assert "not valid" in client.post("/receipts/verify?lang=en", data={"receipt": forged}).get_data(as_text=True)
    path = tmp_path / "receipt.json"
    path.write_text(text)
    result = app.test_cli_runner().invoke(args=["receipt", "verify", str(path)])
    assert result.exit_code == 0 and "VALID" in result.output
    path.write_text(forged)
    result = app.test_cli_runner().invoke(args=["receipt", "verify", str(path)])
    assert result.exit_code != 0 and "INVALID" in result.output
    key = client.get("/.well-known/safkat-signing-key").get_json()
    assert key["public_key"] == app.extensions["safkat.keys"].verify_key.encode().hex()


def test_a_bid_one_second_late_is_refused_and_nothing_is_stored(login, firm, tender, db_session, clock, app):
    files_before = sum(1 for p in app.extensions["safkat.files"].root.rglob("*") if p.is_file())
    clock.set(tender.submission_deadline_at + timedelta(seconds=1))
    response = post_bid(login(firm), tender)
    assert response.status_code == 422
    assert "The submission deadline has passed" in response.get_data(as_text=True)
    assert bids(db_session) == 0
    assert sum(1 for p in app.extensions["safkat.files"].root.rglob("*") if p.is_file()) == files_before


def test_deadline_passing_during_the_request_refuses_the_commit(login, firm, tender, db_session, clock, monkeypatch):
    """The service accepted the bid a moment before the deadline; the commit comes after it."""
    from safkat.bids import services

    accept = services.submit

    def accept_then_time_passes(*args, **kwargs):
        result = accept(*args, **kwargs)
        clock.set(tender.submission_deadline_at + timedelta(milliseconds=1))
        return result

    clock.set(tender.submission_deadline_at - timedelta(seconds=1))
    monkeypatch.setattr(services, "submit", accept_then_time_passes)
    client = login(firm)
    response = post_bid(client, tender)
    assert response.status_code == 409
    assert "The submission deadline has passed" in response.get_data(as_text=True)
    assert sealed_bids(db_session) == 0, "the reviewed draft stays a draft"
    assert db_session.scalar(select(func.count()).select_from(Receipt)) == 0
    clock.set(tender.submission_deadline_at - timedelta(seconds=1))
    assert client.get(f"/tenders/{tender.url_reference}/bid/review").status_code == 200, "the draft is whole"


def test_double_confirmation_makes_one_bid(login, firm, tender, db_session):
    client = login(firm)
    assert (
        client.post(
            f"/tenders/{tender.url_reference}/bid", data=bid_form(tender), content_type="multipart/form-data"
        ).status_code
        == 303
    )
    fields = review_fields(client, tender)
    first, second = confirm_bid(client, tender, fields=fields), confirm_bid(client, tender, fields=fields)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert bids(db_session) == 1
    assert db_session.scalar(select(func.count()).select_from(Receipt)) == 1


def test_replacement_supersedes_and_keeps_the_old_bid_sealed(login, firm, tender, db_session):
    client = login(firm)
    post_bid(client, tender)
    post_bid(client, tender, amounts={1: ("999000.00", "0")})
    old, new = db_session.scalars(select(Bid).order_by(Bid.id)).all()
    assert (old.status, new.status, new.replaces_id) == ("superseded", "submitted", old.id)
    assert all(e.sealed_key for e in old.envelopes)
    assert new.receipts[0].kind == "replacement"


def test_withdrawal_with_receipt(login, firm, tender, db_session):
    client = login(firm)
    post_bid(client, tender)
    bid = db_session.scalar(select(Bid))
    assert client.post(f"/bids/{bid.id}", data={"confirm": "y"}).status_code == 302
    db_session.refresh(bid)
    assert bid.status == "withdrawn" and [r.kind for r in bid.receipts] == ["submission", "withdrawal"]


def test_draft_is_encrypted_and_comes_back(login, firm, tender, db_session):
    client = login(firm)
    response = post_bid(
        client, tender, action="save", amounts={2: ("5000.00", "950.00")}, statement="Brouillon en cours"
    )
    assert response.status_code == 303
    draft = db_session.scalar(select(Bid))
    assert draft.status == "draft" and all(e.draft_key and e.sealed_key is None for e in draft.envelopes)
    page = client.get(f"/tenders/{tender.url_reference}/bid?lang=en").get_data(as_text=True)
    assert "Brouillon en cours" in page and 'value="5,000.00"' in page and "registre.pdf" in page
    # Submitting from the draft keeps its document and seals it for the tender.
    response = post_bid(client, tender, application=False, amounts={2: ("5 000,00", "950")})
    assert response.status_code == 302
    db_session.expire_all()
    bid = db_session.scalar(select(Bid))
    assert bid.status == "submitted" and {e.kind for e in bid.envelopes} == {"financial", "application"}
    assert all(e.sealed_key and e.draft_key is None for e in bid.envelopes)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amounts": {1: ("-5", "0")}}, "An amount cannot be negative."),
        ({"amounts": {1: ("100.00", "500.00")}}, "the VAT cannot exceed"),
        ({"amounts": {1: ("1e30", "0")}}, "Type the amount in digits"),
        ({"amounts": {1: ("4.500", "0")}}, "can be read as two different amounts"),
        ({"amounts": {1: ("0", "0")}}, "The amount must be between 0.01 DZD and"),
        ({"amounts": {1: ("200 000 000 000", "0")}}, "The amount must be between"),
    ],
)
def test_invalid_amounts_are_refused_and_nothing_is_stored(login, firm, tender, db_session, overrides, message):
    response = post_bid(login(firm), tender, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert bids(db_session) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"application": False, "technical": document("tech")}, "The application file is missing"),
        ({"statement": "", "technical": None}, "The technical offer is missing"),
        ({"amounts": {}}, "Choose at least one lot"),
    ],
)
def test_an_incomplete_bid_is_kept_as_a_draft_and_not_sealed(login, firm, tender, db_session, overrides, message):
    client = login(firm)
    response = post_bid(client, tender, **overrides)
    assert response.status_code == 303 and response.headers["Location"].endswith("/bid")
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert message in page
    draft = db_session.scalar(select(Bid))
    assert draft.status == "draft" and sealed_bids(db_session) == 0
    assert client.get(f"/tenders/{tender.url_reference}/bid/review").status_code == 200  # shown, not sealed


def test_a_refused_file_is_named_and_the_others_are_kept(login, firm, tender, db_session):
    client = login(firm)
    response = post_bid(client, tender, application=b"MZ\x90\x00 not a pdf", technical=document("tech"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/bid")
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "“registre.pdf” was not accepted: This type of file is not accepted." in page
    assert "memoire-technique.pdf" in page  # kept in the draft: not to be chosen again
    draft = db_session.scalar(select(Bid))
    assert draft.status == "draft" and sealed_bids(db_session) == 0
    assert [e.kind for e in draft.envelopes if not e.is_offer_data] == ["technical"]
    # Every file field says what is accepted, and up to what size.
    assert page.count("PDF, JPEG, PNG, ZIP, or Word or Excel 97–2003 (.doc, .xls); at most 50 MB per file.") == 3
    # Only the refused file is sent again: the draft's file stays, and the bid can be sealed.
    assert post_bid(client, tender, technical=None).status_code == 302
    db_session.expire_all()
    bid = db_session.scalar(select(Bid))
    assert bid.status == "submitted" and sorted(e.kind for e in bid.envelopes) == [
        "application",
        "financial",
        "technical",
    ]


@pytest.mark.parametrize("status", ["pending", "registered", "rejected", "suspended"])
def test_unverified_enterprises_cannot_bid(login, make, tender, db_session, status):
    user = make.bidder(enterprise=make.enterprise(status=status))
    response = post_bid(login(user), tender)
    assert response.status_code == 422 and "must be verified" in response.get_data(as_text=True)
    assert bids(db_session) == 0


def test_reserved_lot_refuses_a_firm_that_is_not_a_micro_enterprise(login, make, db_session):
    reserved = make.tender(state="open", lots=1, reserved=True)
    user = make.bidder(enterprise=make.enterprise(status="verified", scheme="none"))
    response = post_bid(login(user), reserved)
    assert response.status_code == 422 and "reserved to micro-enterprises" in response.get_data(as_text=True)


@pytest.mark.parametrize("state", ["cancelled", "closed"])
def test_no_bid_on_cancelled_or_closed_tenders(login, firm, make, db_session, state):
    tender = make.tender(state=state)
    response = post_bid(login(firm), tender)
    assert response.status_code == 422
    assert bids(db_session) == 0


def test_another_firms_bid_is_out_of_reach(login, firm, make, tender, db_session):
    post_bid(login(firm), tender)
    bid = db_session.scalar(select(Bid))
    other = login(make.bidder())
    assert other.get(f"/bids/{bid.id}").status_code == 403
    assert other.post(f"/bids/{bid.id}", data={"confirm": "y"}).status_code == 403
    assert other.get(f"/bids/{bid.id}/receipts/{bid.receipts[0].id}.json").status_code == 403
    for user in (make.officer(authority=tender.authority), make.admin()):
        assert login(user).get(f"/bids/{bid.id}").status_code == 403
    db_session.refresh(bid)
    assert bid.status == "submitted"


def test_officers_see_only_the_count_before_the_deadline(login, firm, tender, db_session, make):
    post_bid(login(firm), tender, amounts={1: ("7654321.00", "0")}, statement="Secret technique")
    officer = login(tender.created_by)
    page = officer.get(f"/officer/tenders/{tender.id}?lang=en").get_data(as_text=True)
    assert "1 sealed bid received" in page
    assert "7654321" not in page and "7 654 321" not in page and "Secret technique" not in page
    opening = officer.get(f"/officer/tenders/{tender.id}/opening?lang=en").get_data(as_text=True)
    assert "stay sealed until the submission deadline" in opening and "Confirm my presence" not in opening
    assert confirm_presence(officer, tender).status_code == 303  # refused: still sealed
    assert "7654321" not in officer.get(f"/tenders/{tender.url_reference}/opening").get_data(as_text=True)


def test_envelope_files_hold_only_ciphertext(login, firm, tender, db_session, app):
    secret = document("secret-plan", 50_000)
    post_bid(login(firm), tender, technical=secret)
    store = app.extensions["safkat.files"]
    for envelope in db_session.scalars(select(Envelope)):
        data = store.path_for(envelope.storage_key).read_bytes()
        assert secret[:32] not in data and b"registre.pdf" not in data and b"1234567" not in data
