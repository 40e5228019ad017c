"""The opening: only after the deadline, once, checking every bid against its receipt."""

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from safkat.bids import opening as bid_opening
from safkat.bids import unsealing
from safkat.bids.models import Bid, Envelope, Opening
from safkat.notifications.models import Notification
from tests.bids.helpers import document, open_by_commission, post_bid


@pytest.fixture
def tender(make):
    return make.tender(state="open", lots=2)


@pytest.fixture
def two_bids(login, make, tender, db_session):
    firms = [make.bidder(enterprise=make.enterprise(status="verified", name=f"Firme {n}")) for n in ("A", "B")]
    post_bid(
        login(firms[0]),
        tender,
        amounts={1: ("1000000.00", "190000.00"), 2: ("2000000.00", "0")},
        technical=document("tech-a"),
    )
    post_bid(login(firms[1]), tender, amounts={2: ("1850000.50", "351500.10")})
    post_bid(login(firms[1]), tender, amounts={2: ("1800000.00", "342000.00")})  # replaces the first
    return db_session.scalars(select(Bid).where(Bid.status == "submitted").order_by(Bid.id)).all()


def test_opening_publishes_the_minutes(login, tender, two_bids, clock, db_session, client, make):
    clock.set(tender.submission_deadline_at + timedelta(minutes=5))
    open_by_commission(login, tender)
    db_session.expire_all()
    assert db_session.get(type(tender), tender.id).status == "opened"
    opening = db_session.get(Opening, tender.id)
    assert (len(opening.rows), opening.superseded_count, opening.withdrawn_count) == (2, 1, 0)
    assert all(row.is_intact for row in opening.rows)
    minutes = client.get(f"/tenders/{tender.url_reference}/opening?lang=en").get_data(as_text=True)
    for bid in two_bids:
        assert bid.digest in minutes
    assert "Firme A" in minutes and "1,000,000.00 DZD" in minutes and "2,142,000.00 DZD" in minutes
    assert "1,850,000.50" not in minutes  # the replaced bid is counted, never opened
    row_a = next(row for row in opening.rows if row.bid.enterprise.name == "Firme A")
    assert json.loads(row_a.envelopes) == {"application": 1, "technical": 1}
    assert [d.original_name for d in row_a.documents] == ["registre.pdf", "memoire-technique.pdf"]


def test_each_bidder_finds_its_digest(login, tender, two_bids, clock, db_session):
    clock.set(tender.submission_deadline_at + timedelta(minutes=5))
    open_by_commission(login, tender)
    owner = two_bids[0].enterprise.members[0]
    page = login(owner).get(f"/bids/{two_bids[0].id}?lang=en").get_data(as_text=True)
    assert "Your digest appears in the opening minutes" in page


def test_opening_refuses_before_the_deadline(db_session, tender, two_bids, clock, app):
    clock.set(tender.submission_deadline_at - timedelta(seconds=1))
    keys, store = app.extensions["safkat.keys"], app.extensions["safkat.files"]
    with pytest.raises(Exception, match="stay sealed"):
        bid_opening.open_bids(db_session, tender, tender.created_by, keys, store, clock.now())
    assert db_session.get(Opening, tender.id) is None


def test_opening_is_idempotent(db_session, tender, two_bids, clock, app, make):
    keys, store = app.extensions["safkat.keys"], app.extensions["safkat.files"]
    at = tender.submission_deadline_at
    make.hand_in_shares(tender, now=at)
    first = bid_opening.open_bids(db_session, tender, None, keys, store, at)
    second = bid_opening.open_bids(db_session, tender, None, keys, store, at + timedelta(hours=1))
    assert first is second and first.opened_at == at and len(first.rows) == 2


@pytest.fixture(params=["in this process", "in worker processes"])
def unsealed_in(request, monkeypatch):
    """Open in this process, or force the worker processes a large opening uses; returns
    the bids this process decrypted itself, and how many it should have."""
    calls = []
    real = unsealing.unseal
    monkeypatch.setattr(unsealing, "unseal", lambda *args: calls.append(1) or real(*args))
    if request.param == "in worker processes":
        monkeypatch.setattr(unsealing, "PARALLEL_FROM_BYTES", 0)
        monkeypatch.setattr(unsealing.os, "cpu_count", lambda: 2)
        return calls, 0
    return calls, 2


def test_a_tampered_envelope_is_flagged_and_the_rest_opened(
    db_session, tender, two_bids, clock, app, unsealed_in, make
):
    store = app.extensions["safkat.files"]
    make.hand_in_shares(tender, now=tender.submission_deadline_at)
    victim = db_session.scalar(select(Envelope).where(Envelope.bid_id == two_bids[0].id, Envelope.is_offer_data))
    path = store.path_for(victim.storage_key)
    data = bytearray(path.read_bytes())
    data[60] ^= 0xFF
    path.write_bytes(bytes(data))
    opening = bid_opening.open_bids(
        db_session, tender, None, app.extensions["safkat.keys"], store, tender.submission_deadline_at
    )
    flagged = {row.bid_id: row for row in opening.rows}
    assert not flagged[two_bids[0].id].is_intact and "altered" in flagged[two_bids[0].id].problem
    assert flagged[two_bids[0].id].amounts == "{}"
    assert flagged[two_bids[1].id].is_intact and "180000000" in flagged[two_bids[1].id].amounts
    [application] = flagged[two_bids[1].id].documents
    assert hashlib.sha256(store.path_for(application.storage_key).read_bytes()).hexdigest() == application.sha256
    calls, expected = unsealed_in
    assert len(calls) == expected, "decrypted where it was meant to be"


def test_a_tender_without_bids_becomes_unsuccessful(db_session, make, app, client, login):
    tender = make.tender(state="open")
    opening = bid_opening.open_bids(
        db_session,
        tender,
        None,
        app.extensions["safkat.keys"],
        app.extensions["safkat.files"],
        tender.submission_deadline_at,
    )
    assert opening.rows == [] and tender.status == "unsuccessful"
    page = client.get(f"/tenders/{tender.url_reference}?lang=en").get_data(as_text=True)
    assert "declared unsuccessful" in page


def test_open_due_tells_the_commission_once_and_opens_nothing(app, db_session, make, clock, mailbox, send_outbox):
    due = make.tender(state="closed")
    later = make.tender(state="open")
    result = app.test_cli_runner().invoke(args=["open-due"])
    assert result.exit_code == 0 and "1 commission(s) told" in result.output
    db_session.expire_all()
    assert db_session.get(type(due), due.id).status == "published"  # nobody but the commission opens
    assert db_session.get(Opening, due.id) is None
    assert db_session.get(type(later), later.id).status == "published"
    members = {member.user.email for member in due.commission.members}
    send_outbox()
    assert {message["To"] for message in mailbox.sent} == members
    centre = db_session.scalars(select(Notification).where(Notification.kind == "commission_ready")).all()
    assert {n.user_id for n in centre} == {member.user_id for member in due.commission.members}
    assert all(f"/officer/tenders/{due.id}/opening" in n.link for n in centre)
    again = app.test_cli_runner().invoke(args=["open-due"])
    send_outbox()
    assert "0 commission(s) told" in again.output and len(mailbox.sent) == len(members)


def test_wrong_platform_key_stops_the_start(tmp_path, monkeypatch, engine, app):
    from safkat import create_app
    from safkat.config import ConfigError
    from safkat.db import Database

    monkeypatch.setenv("SAFKAT_INSTANCE_PATH", str(tmp_path))  # a folder whose seal.key would be new
    good = app.extensions["safkat.keys"].kek.hex()  # the key the test database was sealed with
    with pytest.raises(ConfigError, match="not the one this database"):
        create_app({"DATABASE": Database(engine=engine)})
    monkeypatch.setenv("SAFKAT_SEAL_KEY", "ab" * 32)
    with pytest.raises(ConfigError, match="not the one this database"):
        create_app({"DATABASE": Database(engine=engine)})
    monkeypatch.setenv("SAFKAT_SEAL_KEY", good)
    assert create_app({"DATABASE": Database(engine=engine)}).extensions["safkat.keys"].kek.hex() == good
