"""The bid lifecycle as a hypothesis state machine, through the real services.

Three firms (two verified, one whose verification is pending) save drafts, discard them,
submit, replay a submission, replace, withdraw, while the clock moves, the authority
extends the deadline and the opening is tried at any moment. A small model predicts which
actions the services must accept; after every step the database must agree with it:
at most one active bid and one draft per firm, nothing accepted after the deadline,
nothing opened (no private key unwrapped) before it, and a refused action changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import select

from safkat.bids import opening, services
from safkat.bids.models import Bid, BidStatus, Opening
from safkat.tenders import services as tenders
from tests.security.lifecycle_support import (
    MACHINE_SETTINGS,
    IsolatedMachine,
    World,
    bid_input,
    bids_by_status,
    check_bid_invariants,
    spy_on_unwrap,
)

FIRMS = range(3)  # 0 and 1 verified, 2 pending verification
LOTS = st.sampled_from([(0,), (1,), (0, 1)])
STEPS = st.sampled_from(["just before", "at", "after", timedelta(minutes=1), timedelta(hours=6), timedelta(days=3)])
MAX_BYTES = 1024 * 1024


class BidLifecycle(IsolatedMachine):
    def __init__(self):
        super().__init__()
        make = self.world.make
        self.officer = make.officer()
        self.tender = make.tender(state="open", authority=self.officer.authority, created_by=self.officer, lots=2)
        statuses = ["verified", "verified", "pending"]
        self.firms = [make.bidder(enterprise=make.enterprise(status=status)) for status in statuses]
        self.active: dict[int, int] = {}  # firm index → id of its submitted bid (the model)
        self.has_draft: set[int] = set()
        self.keys_used: dict[int, str] = {}
        self.opened = False
        self.serial = 0

    # --- the model's expectations ---------------------------------------------------------

    def may_bid(self, firm: int) -> bool:
        return firm != 2 and not self.opened and self.now < self.tender.submission_deadline_at

    def call(self, action) -> bool:
        return self.world.attempt(action)

    # --- rules -----------------------------------------------------------------------------

    @initialize(firms=st.sets(st.sampled_from(FIRMS), min_size=1))
    def some_firms_bid_early(self, firms):
        for firm in sorted(firms):
            self.submit(firm, (0, 1), 1000, 190)

    @rule(firm=st.sampled_from(FIRMS), lots=LOTS, amount=st.integers(1, 10**7))
    def save_draft(self, firm, lots, amount):
        data = bid_input(self.tender, lots, amount)
        done = self.call(
            lambda: services.save_draft(
                self.session,
                self.tender,
                self.firms[firm],
                data,
                self.world.store,
                self.world.keys,
                MAX_BYTES,
                self.now,
            )
        )
        assert done == self.may_bid(firm)
        if done:
            self.has_draft.add(firm)

    @rule(firm=st.sampled_from(FIRMS))
    def discard_latest_bid(self, firm):
        bid = self.session.scalar(
            select(Bid)
            .where(Bid.tender_id == self.tender.id, Bid.enterprise_id == self.firms[firm].enterprise_id)
            .order_by(Bid.id.desc())
        )
        if bid is None:
            return
        was_draft = bid.status == BidStatus.DRAFT
        done = self.call(
            lambda: services.discard_draft(self.session, bid, self.firms[firm], self.world.store, self.now)
        )
        assert done == was_draft, "only a draft can be discarded"
        self.has_draft.discard(firm)

    @rule(firm=st.sampled_from(FIRMS), lots=LOTS, amount=st.integers(-5, 10**7), vat=st.integers(0, 10**6))
    def submit(self, firm, lots, amount, vat):
        self.serial += 1
        key = f"key-{firm}-{self.serial}"
        data = bid_input(self.tender, lots, amount, vat)
        bid_holder = []
        done = self.call(lambda: bid_holder.append(self._submit(firm, data, key)))
        valid = amount > 0 and vat <= amount
        assert done == (self.may_bid(firm) and valid)
        if done:
            self.active[firm] = bid_holder[0].id
            self.keys_used[firm] = key
            self.has_draft.discard(firm)

    @precondition(lambda self: self.keys_used)
    @rule(data=st.data())
    def replay_a_submission(self, data):
        """The same form sent twice (a double click, a retried request): one bid, whenever."""
        firm = data.draw(st.sampled_from(sorted(self.keys_used)))
        before = self.session.scalar(select(Bid.id).where(Bid.idempotency_key == self.keys_used[firm]))
        bid_holder = []
        done = self.call(
            lambda: bid_holder.append(self._submit(firm, bid_input(self.tender, (0,), 5), self.keys_used[firm]))
        )
        assert done and bid_holder[0].id == before

    def _submit(self, firm, data, key):
        bid, _receipt = services.submit(
            self.session,
            self.tender,
            self.firms[firm],
            data,
            self.world.store,
            self.world.keys,
            MAX_BYTES,
            self.now,
            key,
        )
        return bid

    @rule(firm=st.sampled_from(FIRMS), pick_active=st.booleans())
    def withdraw(self, firm, pick_active):
        order = Bid.id.desc() if pick_active else Bid.id
        bid = self.session.scalar(
            select(Bid)
            .where(Bid.tender_id == self.tender.id, Bid.enterprise_id == self.firms[firm].enterprise_id)
            .where(Bid.status != BidStatus.DRAFT)
            .order_by(order)
        )
        if bid is None:
            return
        is_active = bid.id == self.active.get(firm)
        done = self.call(lambda: services.withdraw(self.session, bid, self.firms[firm], self.world.keys, self.now))
        assert done == (is_active and self.may_bid(firm))
        if done:
            del self.active[firm]

    @rule(step=STEPS)
    def time_passes(self, step):
        deadline = self.tender.submission_deadline_at
        targets = {
            "just before": deadline - timedelta(seconds=1),
            "at": deadline,
            "after": deadline + timedelta(seconds=1),
        }
        target = targets.get(step) if isinstance(step, str) else self.now + step
        self.world.clock.set(max(self.now, target))

    @rule(days=st.integers(-3, 5))
    def change_deadline(self, days):
        old = self.tender.submission_deadline_at
        new = old + timedelta(days=days, hours=1 if days == 0 else 0)
        done = self.call(
            lambda: tenders.amend(
                self.session, self.tender, self.officer, reason="Report", now=self.now, new_deadline=new
            )
        )
        assert done == (days >= 0 and not self.opened and self.now < old), "deadlines only move later, before they pass"
        assert self.tender.submission_deadline_at == (new if done else old)

    @precondition(lambda self: not self.opened)  # once opened, trying again is idempotent (checked below)
    @rule(when_due=st.booleans())
    def open_bids(self, when_due):
        """The officer tries to open now, or waits for the deadline (the cron job's way)."""
        if when_due:
            self.world.clock.set(max(self.now, self.tender.submission_deadline_at))

        def do():
            self.world.make.hand_in_shares(self.tender, now=self.now)  # the members present, once due
            opening.open_bids(self.session, self.tender, self.officer, self.world.keys, self.world.store, self.now)

        done = self.call(do)
        assert done == (self.now >= self.tender.submission_deadline_at), "opened before the deadline, or refused after"
        if done:
            self.opened = True
            again = opening.open_bids(
                self.session, self.tender, self.officer, self.world.keys, self.world.store, self.now
            )
            assert again is self.session.get(Opening, self.tender.id), "a second opening"
            rows = self.session.get(Opening, self.tender.id).rows
            assert sorted(row.bid_id for row in rows) == sorted(self.active.values()), "the minutes miss a bid"
            assert all(row.is_intact for row in rows)

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def database_agrees_with_the_model(self):
        check_bid_invariants(self.session, self.tender, self.world.unwraps)
        submitted = bids_by_status(self.session, self.tender.id, BidStatus.SUBMITTED)
        expected = {self.firms[firm].enterprise_id: [bid_id] for firm, bid_id in self.active.items()}
        assert submitted == expected
        drafts = bids_by_status(self.session, self.tender.id, BidStatus.DRAFT)
        assert set(drafts) == {self.firms[firm].enterprise_id for firm in self.has_draft}
        opened = self.session.get(Opening, self.tender.id)
        assert (opened is not None) == self.opened
        if opened is not None:
            assert opened.opened_at >= self.tender.submission_deadline_at
            assert self.tender.status == ("opened" if self.active else "unsuccessful")


def test_no_sequence_of_bid_actions_breaks_the_rules(db_session, make, clock, app, monkeypatch):
    world = World(db_session, make, clock, app.extensions["safkat.keys"], app.extensions["safkat.files"])
    spy_on_unwrap(monkeypatch, world)
    BidLifecycle.world = world
    run_state_machine_as_test(BidLifecycle, settings=settings(MACHINE_SETTINGS, max_examples=30))
