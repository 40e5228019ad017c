"""Races that only a real multi-connection database shows: PostgreSQL only."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from safkat.audit import AuditEvent
from safkat.bids import opening as bid_opening
from safkat.bids.models import Bid, Opening, Receipt
from tests.bids.helpers import bid_form, confirm_bid, review_fields
from tests.conftest import requires_postgresql

pytestmark = requires_postgresql


def run_together(*targets):
    barrier = threading.Barrier(len(targets))
    errors, results = [], [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_two_openers_never_both_open(committed, committed_make):
    tender = committed_make.tender(state="closed")
    committed_make.session.commit()
    keys, store = committed.app.extensions["safkat.keys"], committed.app.extensions["safkat.files"]

    def open_once():
        with committed.session() as session, session.begin():
            fresh = session.get(type(tender), tender.id)
            return bid_opening.open_bids(session, fresh, None, keys, store, tender.submission_deadline_at).opened_at

    results, errors = run_together(open_once, open_once, open_once)
    assert errors == []
    with committed.session() as session:
        assert session.scalar(select(func.count()).select_from(Opening)) == 1
        assert session.scalar(select(func.count()).where(AuditEvent.action == "tender.opened")) == 1


def reviewed(committed, firm, tender) -> tuple:
    """The firm's client and its review page's confirmation fields, its bid saved as a draft."""
    client = committed.client(firm)
    saved = client.post(
        f"/tenders/{tender.url_reference}/bid", data=bid_form(tender), content_type="multipart/form-data"
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)[:500]
    return client, review_fields(client, tender)


def test_double_click_makes_one_bid(committed, committed_make):
    tender = committed_make.tender(state="open")
    firm = committed_make.bidder(enterprise=committed_make.enterprise(status="verified"))
    committed_make.session.commit()
    client, fields = reviewed(committed, firm, tender)

    def confirm():
        return confirm_bid(client, tender, fields=fields).status_code

    results, errors = run_together(confirm, confirm)
    assert errors == []
    assert sorted(results) == [302, 302]
    with committed.session() as session:
        assert session.scalar(select(func.count()).select_from(Bid)) == 1
        assert session.scalar(select(func.count()).select_from(Receipt)) == 1


def test_no_bid_is_accepted_after_the_opening(committed, committed_make):
    tender = committed_make.tender(state="open")
    firms = [committed_make.bidder(enterprise=committed_make.enterprise(status="verified")) for _ in range(6)]
    committed_make.hand_in_shares(tender, now=tender.submission_deadline_at)  # the members are ready
    committed_make.session.commit()
    committed.clock.set(tender.submission_deadline_at - timedelta(milliseconds=1))
    keys, store = committed.app.extensions["safkat.keys"], committed.app.extensions["safkat.files"]

    def submitter(firm):
        client, fields = reviewed(committed, firm, tender)  # before the race: only the sealing races

        def submit():
            return confirm_bid(client, tender, fields=fields).status_code

        return submit

    def opener():
        with committed.session() as session, session.begin():
            fresh = session.get(type(tender), tender.id)
            return bid_opening.open_bids(session, fresh, None, keys, store, tender.submission_deadline_at)

    results, errors = run_together(opener, *[submitter(firm) for firm in firms])
    assert errors == []
    with committed.session() as session:
        accepted = set(session.scalars(select(Bid.id).where(Bid.status == "submitted")))
        opening = session.get(Opening, tender.id)
        opened = {row.bid_id for row in opening.rows}
    assert accepted == opened  # every accepted bid was opened; none slipped in after
    assert results[1:].count(302) == len(accepted)
    assert set(results[1:]) <= {302, 409, 422}  # sealed, or refused (at the commit, or before it)
