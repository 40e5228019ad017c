"""The failures the lifecycle state machines found, replayed step by step (as hypothesis
printed them) so that they stay fixed whatever the machines explore next."""

from __future__ import annotations

import pytest

from safkat.evaluation.models import LotEvaluation
from safkat.tenders.models import TenderStatus
from tests.security.lifecycle_support import World
from tests.security.test_tender_lifecycle import TenderLifecycle


@pytest.fixture
def machine_at(db_session, make, clock, app):
    """``machine_at(stage)``: a tender lifecycle machine brought to ``stage`` by the straight road."""
    started = []

    def start(stage: str) -> TenderLifecycle:
        world = World(db_session, make, clock, app.extensions["safkat.keys"], app.extensions["safkat.files"])
        machine = type("Replay", (TenderLifecycle,), {"world": world, "stage": stage})()
        machine.start_from_the_stage()
        started.append(machine)
        return machine

    yield start
    for machine in started:
        machine.teardown()


def replay(machine: TenderLifecycle, *steps) -> None:
    """Run the steps, checking the machine's invariants after each, as hypothesis does."""
    for step in steps:
        step()
        machine.only_lifecycle_transitions()
        machine.sealed_until_the_deadline()
        machine.awards_follow_the_rules()


def reviewed(machine) -> list[str]:
    return [e.status for e in machine.session.query(LotEvaluation).filter_by(tender_id=machine.tender.id)]


@pytest.mark.parametrize(
    "refused",
    [
        lambda m: m.record_compliance(lot=0, firm=0, eligible=False, reason=""),  # a rejection needs its reason
        lambda m: m.decide_abnormally_low(lot=0, firm=0, keep=True),  # the offer is not abnormally low
        lambda m: m.ask_and_get_an_explanation(lot=0, firm=0),  # nor can its price be questioned
    ],
    ids=["compliance without reason", "keep a normal offer", "explain a normal offer"],
)
def test_a_refused_evaluation_step_leaves_the_review_in_place(machine_at, refused):
    machine = machine_at("evaluated")
    assert reviewed(machine) == ["reviewed", "reviewed"]
    refused(machine)  # World.attempt fails the test if the refusal changed anything
    assert reviewed(machine) == ["reviewed", "reviewed"]


def test_a_cancelled_tender_cannot_be_awarded_after_all(machine_at):
    machine = machine_at("provisional_award")
    replay(
        machine,
        lambda: machine.cancel(reason="Besoin annulé"),
        lambda: machine.world.clock.advance(days=11),
        lambda: machine.finalize(lot=0),
    )
    assert machine.tender.status == TenderStatus.CANCELLED and not machine.has_contracts()


def test_an_upheld_complaint_does_not_revive_a_cancelled_tender(machine_at):
    machine = machine_at("provisional_award")
    replay(
        machine,
        lambda: machine.lodge_complaint(firm=1, lot=0, grounds="Mon offre était conforme."),
        lambda: machine.cancel(reason="Besoin annulé"),
        lambda: machine.answer_complaint(upheld=True),
        lambda: machine.lodge_complaint(firm=0, lot=1, grounds="Trop tard."),  # refused: the tender is over
    )
    assert machine.tender.status == TenderStatus.CANCELLED
