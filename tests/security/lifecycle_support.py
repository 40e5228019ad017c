"""What the stateful (hypothesis) tests of the lifecycles share.

Each generated run of a state machine works inside a SAVEPOINT of the test's transaction,
rolled back at its end, so the runs do not see each other's data. Every action goes
through :func:`attempt`: when the service refuses it (a :class:`DomainError`), the rows of
the tables below must be exactly what they were before. That is stronger than the request
rollback: views that flash a refusal and redirect (status 302) COMMIT the request's
transaction, so a service that wrote something before refusing would keep it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine
from sqlalchemy import func, select

from safkat.awards.models import Complaint, Contract, LotAward
from safkat.bids import crypto
from safkat.bids.models import Bid, BidStatus, EnvelopeKind
from safkat.bids.services import BidInput, NewBidDocument
from safkat.db import Base
from safkat.errors import DomainError
from safkat.evaluation.models import Assessment
from tests.conftest import START

WATCHED_TABLES = (
    "tenders",
    "lots",
    "tender_documents",
    "tender_keys",
    "amendments",
    "questions",
    "bids",
    "bid_lots",
    "envelopes",
    "receipts",
    "openings",
    "opened_bids",
    "opened_documents",
    "lot_evaluations",
    "assessments",
    "technical_scores",
    "lot_awards",
    "complaints",
    "contracts",
    "ocds_releases",
    "audit_events",
)

MACHINE_SETTINGS = settings(
    max_examples=20,
    stateful_step_count=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def snapshot(session) -> dict[str, list[tuple]]:
    """Every row of the watched tables, as the database holds them after a flush."""
    session.flush()
    rows = {}
    for name in WATCHED_TABLES:
        table = Base.metadata.tables[name]
        rows[name] = [tuple(row) for row in session.execute(select(table).order_by(*table.primary_key.columns))]
    return rows


def differences(before: dict, after: dict) -> dict:
    return {
        name: {
            "before": sorted(set(before[name]) - set(after[name]), key=repr)[:5],
            "after": sorted(set(after[name]) - set(before[name]), key=repr)[:5],
        }
        for name in before
        if before[name] != after[name]
    }


@dataclass
class World:
    """The test's session, factories, clock and platform keys, handed to the machines."""

    session: object
    make: object
    clock: object
    keys: object
    store: object
    unwraps: list[tuple[datetime, bytes]] = field(default_factory=list)

    def attempt(self, action) -> bool:
        """Run ``action``; True if done, False if refused, and then nothing may have changed."""
        before = snapshot(self.session)
        try:
            action()
        except DomainError:
            after = snapshot(self.session)
            assert before == after, f"a refused action changed the database: {differences(before, after)}"
            return False
        self.session.flush()
        return True


def spy_on_unwrap(monkeypatch, world: World) -> None:
    """Record when a tender's private key is unwrapped (the only way to read a sealed bid)."""
    real = crypto.unwrap_tender_private_key

    def spying(kek: bytes, wrapped: bytes):
        world.unwraps.append((world.clock.now(), wrapped))
        return real(kek, wrapped)

    monkeypatch.setattr(crypto, "unwrap_tender_private_key", spying)


class IsolatedMachine(RuleBasedStateMachine):
    """A state machine whose every run is rolled back; ``world`` is set by the test."""

    world: ClassVar[World]

    def __init__(self):
        super().__init__()
        self.session = self.world.session
        self.savepoint = self.session.begin_nested()
        self.world.clock.set(START)
        self.world.unwraps.clear()

    def teardown(self):
        self.savepoint.rollback()
        self.session.expire_all()

    @property
    def now(self) -> datetime:
        return self.world.clock.now()


def bid_input(tender, lot_indexes, amount_dzd: int, vat_dzd: int = 0) -> BidInput:
    """A complete bid on the chosen lots: amounts, a statement and the application file."""
    lots = [tender.lots[i] for i in lot_indexes]
    return BidInput(
        lot_ids=[lot.id for lot in lots],
        amounts={lot.id: (amount_dzd * 100, vat_dzd * 100) for lot in lots},
        statement="Méthode et planning.",
        documents=[NewBidDocument(EnvelopeKind.APPLICATION, "rc.pdf", io.BytesIO(b"%PDF-1.7\nregistre"))],
    )


def bids_by_status(session, tender_id: int, status: str) -> dict[int, list[int]]:
    """Enterprise id → ids of its bids on the tender in ``status``."""
    found: dict[int, list[int]] = {}
    for bid in session.scalars(select(Bid).where(Bid.tender_id == tender_id, Bid.status == status)):
        found.setdefault(bid.enterprise_id, []).append(bid.id)
    return found


def check_bid_invariants(session, tender, unwraps) -> None:
    """At most one active bid and one draft per firm; sealed means sealed; opened late only."""
    for status in (BidStatus.SUBMITTED, BidStatus.DRAFT):
        many = {firm: ids for firm, ids in bids_by_status(session, tender.id, status).items() if len(ids) > 1}
        assert not many, f"more than one {status} bid for a firm: {many}"
    for bid in session.scalars(select(Bid).where(Bid.tender_id == tender.id)):
        if bid.status == BidStatus.DRAFT:
            assert all(e.draft_key and not e.sealed_key for e in bid.envelopes)
        elif bid.status != BidStatus.DISCARDED:
            assert bid.submitted_at < tender.submission_deadline_at, "a bid was accepted after the deadline"
            assert bid.receipts, "a submitted bid without its receipt"
            assert all(e.sealed_key and not e.draft_key for e in bid.envelopes), "a sealed bid readable as a draft"
    for moment, _wrapped in unwraps:
        assert moment >= tender.submission_deadline_at, "the tender's private key was unwrapped before the deadline"


def check_award_invariants(session, tender) -> None:
    """One live award per lot; a contract exactly for each final award, which came after the
    standstill, with no complaint pending, to an eligible offer still standing."""
    for lot in tender.lots:
        rows = session.scalars(select(LotAward).where(LotAward.lot_id == lot.id)).all()
        assert sum(row.status != "withdrawn" for row in rows) <= 1, "two live awards for one lot"
        pending = session.scalar(select(func.count()).where(Complaint.lot_id == lot.id, Complaint.status == "pending"))
        contract = session.scalar(select(Contract).where(Contract.lot_id == lot.id))
        final = [row for row in rows if row.status == "final"]
        assert len(final) == (1 if contract else 0), "a contract without a final award, or the reverse"
        for row in final:
            assert row.finalized_at >= row.standstill_ends_at, "final before the end of the standstill"
            assert not pending, "a complaint pending on a final award"
            won = session.get(Assessment, row.assessment_id)
            assert won.is_eligible and session.get(Bid, won.bid_id).status == BidStatus.SUBMITTED
