"""The tender state machine's ground: its actors, the straight road to each stage of the
lifecycle, the services as it calls them, and the transitions the domain allows.

``test_tender_lifecycle.py`` adds the rules (the actions) and the other invariants.
"""

from __future__ import annotations

from hypothesis.stateful import initialize, invariant
from sqlalchemy import func, select

from safkat.awards import services as awards
from safkat.awards.models import Contract, LotAward
from safkat.bids import opening
from safkat.bids import services as bids
from safkat.evaluation import services as evaluation
from safkat.evaluation.models import Assessment, LotEvaluation
from safkat.tenders import services as tenders
from safkat.tenders.models import TenderStatus
from tests.security.lifecycle_support import IsolatedMachine, bid_input

S = TenderStatus
# The transitions of the domain's lifecycle (DOMAIN.md, "A tender's life"); an upheld
# complaint sends the tender back to evaluation, also when no offer had been compliant.
ALLOWED = {
    S.DRAFT: {S.PUBLISHED, S.DELETED},
    S.PUBLISHED: {S.CANCELLED, S.OPENED, S.UNSUCCESSFUL},
    S.OPENED: {S.EVALUATION, S.CANCELLED},
    S.EVALUATION: {S.PROVISIONAL_AWARD, S.UNSUCCESSFUL, S.AWARDED, S.CANCELLED},
    S.PROVISIONAL_AWARD: {S.EVALUATION, S.AWARDED, S.CANCELLED},
    S.UNSUCCESSFUL: {S.EVALUATION},
    S.AWARDED: set(),
    S.CANCELLED: set(),
    S.DELETED: set(),
}
RULES = evaluation.Rules()
STANDSTILL = {"open": 10}
MAX_BYTES = 1024 * 1024
ROAD = ["draft", "published", "closed", "opened", "evaluated", "provisional_award"]


class TenderMachine(IsolatedMachine):
    stage = "draft"  # where each run starts, set by the test

    def __init__(self):
        super().__init__()
        make = self.world.make
        self.officer = make.officer()
        self.reviewer = make.officer(authority=self.officer.authority)
        self.tender = make.tender(state="draft", authority=self.officer.authority, created_by=self.officer, lots=2)
        self.firms = [make.bidder(enterprise=make.enterprise(status="verified")) for _ in range(2)]
        self.history = [self.tender.status]

    def call(self, action) -> bool:
        return self.world.attempt(action)

    @initialize()
    def start_from_the_stage(self):
        """Reach the test's stage by the straight road first, so that every stage gets explored."""
        for stage in ROAD[: ROAD.index(self.stage) + 1]:
            if stage != "draft":
                getattr(self, f"_reach_{stage}")()
                self.only_lifecycle_transitions()

    def _reach_published(self):
        tenders.publish(self.session, self.tender, self.officer, self.now, 10, self.world.keys.kek)

    def _reach_closed(self):
        self._bid(0, (0, 1), 480_000, "start-0")
        self._bid(1, (0,), 490_000, "start-1")
        self.world.clock.set(self.tender.submission_deadline_at)

    def _reach_opened(self):
        self._open()

    def _reach_evaluated(self):
        for index in (0, 1):
            lot_evaluation = evaluation.start(self.session, self.tender, self.lot(index), self.officer, RULES, self.now)
            for assessment in lot_evaluation.assessments:
                self._comply(assessment, eligible=True, reason=None)
            evaluation.review(self.session, lot_evaluation, self.reviewer, self.now)

    def _reach_provisional_award(self):
        awards.publish_provisional_award(self.session, self.tender, self.officer, self.now, STANDSTILL)

    # --- the services, as the machine calls them ------------------------------------------

    def _bid(self, firm, lots, amount, key):
        data = bid_input(self.tender, lots, amount)
        store, keys = self.world.store, self.world.keys
        return bids.submit(self.session, self.tender, self.firms[firm], data, store, keys, MAX_BYTES, self.now, key)

    def _open(self):
        self.world.make.hand_in_shares(self.tender, now=self.now)  # the members present, once due
        return opening.open_bids(self.session, self.tender, self.officer, self.world.keys, self.world.store, self.now)

    def _comply(self, assessment, eligible, reason):
        evaluation.record_compliance(
            self.session, self.tender, assessment, self.officer, eligible=eligible, reason=reason,
            technical_pass=True, rules=RULES, now=self.now,
        )  # fmt: skip

    def has_evaluations(self) -> bool:
        return S.EVALUATION in self.history

    def has_awards(self) -> bool:
        return bool(self.session.scalar(select(func.count()).where(LotAward.tender_id == self.tender.id)))

    def has_contracts(self) -> bool:
        return bool(self.session.scalar(select(func.count()).where(Contract.tender_id == self.tender.id)))

    def lot(self, index):
        return self.tender.lots[index]

    def lot_evaluation(self, index) -> LotEvaluation | None:
        return self.session.scalar(select(LotEvaluation).where(LotEvaluation.lot_id == self.lot(index).id))

    def _assessment(self, lot, firm) -> Assessment | None:
        lot_evaluation = self.lot_evaluation(lot)
        if lot_evaluation is None:
            return None
        mine = [a for a in lot_evaluation.assessments if a.enterprise_id == self.firms[firm].enterprise_id]
        return mine[0] if mine else None

    @invariant()
    def only_lifecycle_transitions(self):
        status = self.tender.status
        assert status in set(S), status
        if status != self.history[-1]:
            assert status in ALLOWED[self.history[-1]], f"{' → '.join(self.history)} → {status}"
            self.history.append(status)
