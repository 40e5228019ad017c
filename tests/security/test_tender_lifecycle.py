"""The tender lifecycle as a hypothesis state machine, through the real services.

From a draft, any sequence of publish, delete, amend, extend or shorten the deadline,
cancel, bids and withdrawals, the clock passing the deadline and the standstill, opening,
evaluation (compliance, abnormally low offers, review by the same or a second officer),
provisional award, complaints (upheld or rejected), final award and contract signature.
After every step: the tender is in a known state reached by a transition of the domain's
lifecycle (``DOMAIN.md``), terminal states stay terminal, nothing was opened before the
deadline, awards and contracts agree with the complaints and the standstill, and a
refused action changed nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import select

from safkat.awards import services as awards
from safkat.awards.models import Complaint, Contract
from safkat.bids import services as bids
from safkat.bids.models import Opening
from safkat.evaluation import services as evaluation
from safkat.tenders import services as tenders
from tests.security.lifecycle_support import (
    MACHINE_SETTINGS,
    World,
    check_award_invariants,
    check_bid_invariants,
    spy_on_unwrap,
)
from tests.security.tender_machine import ROAD, RULES, STANDSTILL, S, TenderMachine

FIRMS = st.sampled_from([0, 1])
LOT = st.sampled_from([0, 1])
STEPS = st.sampled_from([timedelta(hours=2), timedelta(days=4), timedelta(days=11), "deadline"])
EXAMPLES_PER_STAGE = 5


class TenderLifecycle(TenderMachine):
    """Any action at any moment; the actors and the road are :class:`TenderMachine`'s."""

    # --- the authority's actions before the deadline -------------------------------------

    @precondition(lambda self: self.history[-1] == S.DRAFT)
    @rule()
    def publish(self):
        self.call(lambda: tenders.publish(self.session, self.tender, self.officer, self.now, 10, self.world.keys.kek))

    @precondition(lambda self: self.history[-1] in (S.DRAFT, S.PUBLISHED))
    @rule()
    def delete(self):
        done = self.call(lambda: tenders.delete_draft(self.session, self.tender, self.officer, self.now))
        assert done == (self.history[-1] == S.DRAFT)

    @rule(days=st.integers(-2, 6))
    def amend(self, days):
        """A clarification (0), a deadline extension (> 0) or an attempt to shorten it (< 0)."""
        old = self.tender.submission_deadline_at
        new = old + timedelta(days=days) if days else None
        done = self.call(
            lambda: tenders.amend(
                self.session, self.tender, self.officer, reason="Précision", now=self.now, new_deadline=new
            )
        )
        assert done == (days >= 0 and self.history[-1] == S.PUBLISHED and self.now < old)

    @rule(reason=st.sampled_from(["Besoin annulé", "  "]))
    def cancel(self, reason):
        done = self.call(lambda: tenders.cancel(self.session, self.tender, self.officer, reason, self.now))
        cancellable = {S.PUBLISHED, S.OPENED, S.EVALUATION, S.PROVISIONAL_AWARD}
        assert done == (reason.strip() != "" and self.history[-1] in cancellable)

    @rule(step=STEPS)
    def time_passes(self, step):
        deadline = self.tender.submission_deadline_at
        if step == "deadline":
            self.world.clock.set(max(self.now, deadline))
        else:
            self.world.clock.advance(seconds=step.total_seconds())

    # --- the firms ---------------------------------------------------------------------------

    @precondition(lambda self: self.history[-1] == S.PUBLISHED)
    @rule(firm=FIRMS, lots=st.sampled_from([(0,), (1,), (0, 1)]), amount=st.integers(300_000, 600_000))
    def submit(self, firm, lots, amount):
        open_for_bids = self.history[-1] == S.PUBLISHED and self.now < self.tender.submission_deadline_at
        done = self.call(lambda: self._bid(firm, lots, amount, f"{firm}-{lots}-{amount}-{self.now.isoformat()}"))
        assert done == open_for_bids

    @precondition(lambda self: self.history[-1] == S.PUBLISHED)
    @rule(firm=FIRMS)
    def withdraw(self, firm):
        bid = bids.active_bid(self.session, self.tender, self.firms[firm].enterprise_id)
        if bid is not None:
            self.call(lambda: bids.withdraw(self.session, bid, self.firms[firm], self.world.keys, self.now))

    @precondition(lambda self: self.has_awards())
    @rule(firm=FIRMS, lot=LOT, grounds=st.sampled_from(["Mon offre était conforme.", ""]))
    def lodge_complaint(self, firm, lot, grounds):
        lot_id = self.lot(lot).id
        self.call(
            lambda: awards.lodge_complaint(self.session, self.tender, lot_id, self.firms[firm], grounds, self.now)
        )

    # --- opening, evaluation, award -------------------------------------------------------------

    @rule()
    def open_bids(self):
        done = self.call(self._open)
        if self.history[-1] == S.PUBLISHED:
            assert done == (self.now >= self.tender.submission_deadline_at)

    @precondition(lambda self: self.history[-1] != S.DRAFT)
    @rule(lot=LOT)
    def start_evaluation(self, lot):
        self.call(lambda: evaluation.start(self.session, self.tender, self.lot(lot), self.officer, RULES, self.now))

    @precondition(lambda self: self.has_evaluations())
    @rule(lot=LOT, firm=FIRMS, eligible=st.booleans(), reason=st.sampled_from(["Pièce manquante", ""]))
    def record_compliance(self, lot, firm, eligible, reason):
        assessment = self._assessment(lot, firm)
        if assessment is not None:
            self.call(lambda: self._comply(assessment, eligible, reason))

    @precondition(lambda self: self.has_evaluations())
    @rule(lot=LOT, firm=FIRMS, keep=st.booleans())
    def decide_abnormally_low(self, lot, firm, keep):
        assessment = self._assessment(lot, firm)
        if assessment is not None:
            self.call(
                lambda: evaluation.decide_abnormally_low(
                    self.session,
                    self.tender,
                    assessment,
                    self.officer,
                    keep=keep,
                    justification="Prix expliqué",
                    rules=RULES,
                    now=self.now,
                )  # fmt: skip
            )

    @precondition(lambda self: self.has_evaluations())
    @rule(lot=LOT, firm=FIRMS)
    def ask_and_get_an_explanation(self, lot, firm):
        """The commission asks about a low price; the firm answers through the platform."""
        assessment = self._assessment(lot, firm)
        if assessment is not None and self.call(
            lambda: evaluation.request_explanation(
                self.session, self.tender, assessment, self.officer, "Pourquoi ?", self.now
            )
        ):
            self.call(
                lambda: evaluation.answer_explanation(self.session, assessment, self.firms[firm], "Stock.", self.now)
            )

    @precondition(lambda self: self.has_evaluations())
    @rule(lot=LOT, second_officer=st.booleans())
    def review(self, lot, second_officer):
        lot_evaluation = self.lot_evaluation(lot)
        reviewer = self.reviewer if second_officer else self.officer
        if lot_evaluation is not None:
            self.call(lambda: evaluation.review(self.session, lot_evaluation, reviewer, self.now))

    @precondition(lambda self: self.has_evaluations())
    @rule()
    def publish_provisional_award(self):
        self.call(
            lambda: awards.publish_provisional_award(self.session, self.tender, self.officer, self.now, STANDSTILL)
        )

    @precondition(lambda self: self.has_awards())
    @rule(upheld=st.booleans())
    def answer_complaint(self, upheld):
        complaint = self.session.scalar(
            select(Complaint).where(Complaint.tender_id == self.tender.id).order_by(Complaint.id.desc())
        )
        if complaint is not None:
            was_pending = complaint.status == "pending"
            done = self.call(
                lambda: awards.answer_complaint(
                    self.session, complaint, self.officer, upheld=upheld, answer="Vu.", now=self.now
                )
            )
            assert done == was_pending, "a complaint is answered once"

    @precondition(lambda self: self.has_awards())
    @rule(lot=LOT)
    def finalize(self, lot):
        award = awards.current_award(self.session, self.lot(lot).id)
        if award is not None:
            self.call(lambda: awards.finalize(self.session, award, self.officer, self.now))

    @precondition(lambda self: self.has_awards())
    @rule(lot=LOT)
    def sign_contract(self, lot):
        contract = self.session.scalar(select(Contract).where(Contract.lot_id == self.lot(lot).id))
        if contract is not None:
            self.call(lambda: awards.sign_contract(self.session, contract, self.officer, self.now))

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def sealed_until_the_deadline(self):
        check_bid_invariants(self.session, self.tender, self.world.unwraps)
        found = self.session.get(Opening, self.tender.id)
        if found is not None:
            assert found.opened_at >= self.tender.submission_deadline_at
        reached_opening = {S.OPENED, S.EVALUATION, S.PROVISIONAL_AWARD, S.AWARDED} & set(self.history)
        assert (found is not None) == (bool(reached_opening) or S.UNSUCCESSFUL in self.history)
        if found is None:
            assert self.lot_evaluation(0) is None and self.lot_evaluation(1) is None, "evaluated but never opened"

    @invariant()
    def awards_follow_the_rules(self):
        if self.tender.status == S.CANCELLED:
            assert self.tender.cancel_reason and self.tender.cancelled_at
        check_award_invariants(self.session, self.tender)


@pytest.mark.parametrize("stage", ROAD)
def test_no_sequence_of_tender_actions_breaks_the_lifecycle(stage, db_session, make, clock, app, monkeypatch):
    world = World(db_session, make, clock, app.extensions["safkat.keys"], app.extensions["safkat.files"])
    spy_on_unwrap(monkeypatch, world)
    machine = type(f"TenderLifecycleFrom_{stage}", (TenderLifecycle,), {"world": world, "stage": stage})
    run_state_machine_as_test(machine, settings=settings(MACHINE_SETTINGS, max_examples=EXAMPLES_PER_STAGE))
