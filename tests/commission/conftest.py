"""A tender of one authority with its commission, two firms' bids, and the people around it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.bids.helpers import document, open_by_commission, post_bid


@dataclass
class Cast:
    tender: object
    chair: object
    members: list  # every member, the chair first
    outsider: object  # an officer of the same authority, not on the commission
    other_authority: object  # an officer of another authority
    firm: object  # the user of firm A, which bid
    other_firm: object  # the user of firm B, which bid too


@pytest.fixture
def cast(make):
    authority = make.authority()
    members = [
        make.officer(authority=authority, full_name=name) for name in ("Karim Benali", "Nadia Saïdi", "Omar Haddad")
    ]
    tender = make.tender(state="open", authority=authority, created_by=members[0], commission=members, lots=1)
    firms = [make.bidder(enterprise=make.enterprise(name=f"Firme {n}")) for n in "AB"]
    return Cast(
        tender=tender,
        chair=members[0],
        members=members,
        outsider=make.officer(authority=authority, full_name="Yacine Outsider"),
        other_authority=make.officer(),
        firm=firms[0],
        other_firm=firms[1],
    )


TECHNICAL = document("plans-techniques")


@pytest.fixture
def bids(cast, login):
    assert post_bid(login(cast.firm), cast.tender, technical=TECHNICAL).status_code == 302
    assert post_bid(login(cast.other_firm), cast.tender).status_code == 302


@pytest.fixture
def after_deadline(cast, clock):
    clock.set(cast.tender.submission_deadline_at + timedelta(minutes=5))


@pytest.fixture
def opened(cast, bids, after_deadline, login, db_session):
    open_by_commission(login, cast.tender)
    db_session.expire_all()
    return cast
