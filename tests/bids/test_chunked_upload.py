"""Large documents arrive in chunks that survive a dropped connection."""

import hashlib
import os

import pytest
from sqlalchemy import select

from safkat.bids import opening as bid_opening
from safkat.bids.models import Bid, BidUpload
from safkat.bids.uploads import MAX_CHUNK
from tests.bids.helpers import post_bid


@pytest.fixture
def tender(make):
    return make.tender(state="open", lots=1)


@pytest.fixture
def firm(make):
    return make.bidder(enterprise=make.enterprise(status="verified"))


def start(client, tender, content: bytes, kind="technical", sha256=None):
    return client.post(
        f"/tenders/{tender.url_reference}/bid/uploads?lang=en",
        json={
            "kind": kind,
            "filename": "plans-detailles.pdf",
            "size": len(content),
            "sha256": sha256 or hashlib.sha256(content).hexdigest(),
        },
        headers={"X-CSRFToken": client.csrf_token()},
    )


def put(client, state, offset, chunk, digest=None):
    return client.put(
        f"{state['chunk_url']}?offset={offset}&lang=en",
        data=chunk,
        headers={"X-CSRFToken": client.csrf_token(), "X-Chunk-SHA256": digest or hashlib.sha256(chunk).hexdigest()},
    )


def send_all(client, state, content, start_at=0):
    offset = start_at
    while offset < len(content):
        chunk = content[offset : offset + MAX_CHUNK]
        response = put(client, state, offset, chunk)
        assert response.status_code == 200, response.get_json()
        offset = response.get_json()["received"]


def complete(client, state):
    return client.post(f"{state['complete_url']}?lang=en", headers={"X-CSRFToken": client.csrf_token()})


def test_upload_resumes_after_a_drop_and_the_document_opens_intact(login, firm, tender, db_session, app, clock, make):
    client = login(firm)
    content = b"%PDF-1.7\n" + os.urandom(2 * MAX_CHUNK + 12345)
    state = start(client, tender, content).get_json()
    assert put(client, state, 0, content[:MAX_CHUNK]).status_code == 200
    # The connection drops; the page asks where to resume, and a retried chunk is not stored twice.
    resumed = client.get(state["chunk_url"].rsplit("/", 1)[0]).get_json()
    assert resumed["received"] == MAX_CHUNK
    assert put(client, state, 0, content[:MAX_CHUNK]).get_json()["received"] == MAX_CHUNK
    send_all(client, state, content, start_at=MAX_CHUNK)
    assert complete(client, state).status_code == 200
    draft = db_session.scalar(select(Bid))
    assert draft.status == "draft" and [e.kind for e in draft.envelopes] == ["technical"]
    # Submit the bid with the uploaded document, then open it after the deadline.
    assert post_bid(client, tender, application=None).status_code == 302
    make.hand_in_shares(tender, now=tender.submission_deadline_at)
    opening = bid_opening.open_bids(
        db_session,
        tender,
        None,
        app.extensions["safkat.keys"],
        app.extensions["safkat.files"],
        tender.submission_deadline_at,
    )
    [row] = opening.rows
    technical = next(d for d in row.documents if d.kind == "technical")
    assert technical.original_name == "plans-detailles.pdf"
    assert app.extensions["safkat.files"].path_for(technical.storage_key).read_bytes() == content


def test_damaged_chunk_is_refused_and_not_stored(login, firm, tender, db_session):
    client = login(firm)
    content = b"%PDF-1.7\n" + os.urandom(1000)
    state = start(client, tender, content).get_json()
    response = put(client, state, 0, content, digest="0" * 64)
    assert response.status_code == 409 and "arrived damaged" in response.get_json()["error"]
    assert db_session.scalar(select(BidUpload)).received_size == 0


def test_chunks_out_of_order_are_refused(login, firm, tender):
    client = login(firm)
    content = b"%PDF-1.7\n" + os.urandom(3000)
    state = start(client, tender, content).get_json()
    response = put(client, state, 100, content[100:200])
    assert response.status_code == 409 and response.get_json()["received"] == 0


def test_a_torn_write_is_cut_off_before_the_next_chunk(login, firm, tender, db_session, app):
    client = login(firm)
    content = b"%PDF-1.7\n" + os.urandom(MAX_CHUNK + 500)
    state = start(client, tender, content).get_json()
    put(client, state, 0, content[:MAX_CHUNK])
    upload = db_session.scalar(select(BidUpload))
    with open(app.extensions["safkat.files"].path_for(upload.storage_key), "ab") as handle:
        handle.write(b"half a record from a killed worker")
    send_all(client, state, content, start_at=MAX_CHUNK)
    assert complete(client, state).status_code == 200


@pytest.mark.parametrize(
    ("content", "announced", "message"),
    [
        (b"MZ\x90\x00" + os.urandom(500), None, "This type of file is not accepted"),
        (b"%PDF-1.7\n" + os.urandom(500), "ab" * 32, "differs from the file announced"),
    ],
)
def test_complete_checks_type_and_digest(login, firm, tender, db_session, content, announced, message):
    client = login(firm)
    state = start(client, tender, content, sha256=announced).get_json()
    send_all(client, state, content)
    response = complete(client, state)
    assert response.status_code == 422 and message in response.get_json()["error"]
    assert db_session.scalar(select(Bid)) is None


def test_incomplete_upload_cannot_complete(login, firm, tender):
    client = login(firm)
    content = b"%PDF-1.7\n" + os.urandom(5000)
    state = start(client, tender, content).get_json()
    put(client, state, 0, content[:1000])
    response = complete(client, state)
    assert response.status_code == 422 and "resume from byte 1000" in response.get_json()["error"]


def test_announcing_too_large_a_file_is_refused(login, firm, tender, app):
    client = login(firm)
    response = client.post(
        f"/tenders/{tender.url_reference}/bid/uploads?lang=en",
        json={
            "kind": "technical",
            "filename": "x.pdf",
            "size": app.config["TENDER_UPLOAD_MAX_BYTES"] + 1,
            "sha256": "ab" * 32,
        },
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 422 and "too large" in response.get_json()["error"]


def test_another_firm_cannot_touch_my_upload(login, firm, make, tender):
    content = b"%PDF-1.7\n" + os.urandom(500)
    state = start(login(firm), tender, content).get_json()
    other = login(make.bidder(enterprise=make.enterprise(status="verified")))
    assert put(other, state, 0, content).status_code == 404
    assert complete(other, state).status_code == 404


def test_upload_without_csrf_token_is_refused(login, firm, tender):
    client = login(firm)
    response = client.post(f"/tenders/{tender.url_reference}/bid/uploads", json={"kind": "technical"})
    assert response.status_code == 400


def test_uploaded_chunks_hold_no_plaintext(login, firm, tender, db_session, app):
    client = login(firm)
    content = b"%PDF-1.7\n" + os.urandom(MAX_CHUNK + 100)
    state = start(client, tender, content).get_json()
    send_all(client, state, content)
    upload = db_session.scalar(select(BidUpload))
    stored = app.extensions["safkat.files"].path_for(upload.storage_key).read_bytes()
    assert content[100:132] not in stored and b"plans-detailles" not in stored
    assert b"plans-detailles" not in upload.sealed_meta
