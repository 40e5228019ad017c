"""An opened tender with bids, ready for evaluation."""

from datetime import timedelta

import pytest

from safkat.bids import opening as bid_opening
from tests.bids.helpers import post_bid


@pytest.fixture
def opened(make, login, db_session, app, clock):
    """Two lots; four firms; amounts chosen so that firm D's lot-1 offer is abnormally low.

    Lot 1: A 1,000,000 · B 950,000 · C 1,050,000 · D 500,000 (below 80 % of the mean)
    Lot 2: A 2,000,000 · B 2,100,000
    """
    officer = make.officer()
    tender = make.tender(state="open", lots=2, authority=officer.authority, created_by=officer)
    tender.lots[0].estimated_amount = tender.lots[1].estimated_amount = None
    firms = {name: make.bidder(enterprise=make.enterprise(status="verified", name=f"Firme {name}")) for name in "ABCD"}
    amounts = {
        "A": {1: ("1000000", "190000"), 2: ("2000000", "380000")},
        "B": {1: ("950000", "0"), 2: ("2100000", "0")},
        "C": {1: ("1050000", "0")},
        "D": {1: ("500000", "0")},
    }
    for name, firm in firms.items():
        assert post_bid(login(firm), tender, amounts=amounts[name]).status_code == 302
    clock.set(tender.submission_deadline_at + timedelta(hours=1))
    make.hand_in_shares(tender)
    bid_opening.open_bids(
        db_session, tender, officer, app.extensions["safkat.keys"], app.extensions["safkat.files"], clock.now()
    )
    return tender, officer, firms
