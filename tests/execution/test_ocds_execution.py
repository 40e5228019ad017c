"""A contract's execution in OCDS: period, amendments, milestones and payments, validated
against the core schema patched with the declared extensions; no invoice amount published."""

import re
from datetime import UTC, date, datetime

from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.opendata.ocds.publisher import make_ocid
from safkat.opendata.ocds.schema import merge_patch, release_schema
from tests.opendata.test_ocds import SCHEMAS, check_ocid, undeclared_fields

from .conftest import TERMS


def test_execution_is_published_and_validates(signed_contract, db_session, clock, app, pdf, client):
    contract, officer, bidder = signed_contract()
    keys = app.extensions["safkat.keys"]
    ex.order_service(db_session, contract, officer, starts_on=date(2026, 3, 2), execution_days=90, now=clock.now())
    ex.extend(db_session, contract, officer, days=15, reason="Intempéries", now=clock.now())
    ex.amend(
        db_session,
        contract,
        officer,
        amount_delta=100_000_00,
        days_delta=0,
        reason="Travaux en plus",
        terms=TERMS,
        now=clock.now(),
    )
    milestone = ex.add_milestone(
        db_session, contract, officer, title="Tronçon A", due_on=date(2026, 4, 1), now=clock.now()
    )
    ex.deliver_milestone(db_session, milestone, bidder, clock.now())
    ex.decide_milestone(db_session, milestone, officer, accepted=True, reason=None, now=clock.now())
    invoice = invoicing.submit_invoice(
        db_session,
        contract,
        bidder,
        number="F-1",
        amount=432_109_87,
        document=pdf(),
        terms=TERMS,
        signing_key=keys.signing_key,
        now=clock.now(),
    )
    clock.set(datetime(2026, 5, 10, 9, tzinfo=UTC))
    invoicing.approve_invoice(db_session, invoice, officer, clock.now())
    invoicing.order_payment(db_session, invoice, officer, ordered_on=date(2026, 5, 4), now=clock.now())
    invoicing.record_payment(db_session, invoice, officer, paid_on=date(2026, 5, 7), now=clock.now())
    ex.record_acceptance(
        db_session, contract, officer, final=False, on=date(2026, 5, 10), reserves=None, now=clock.now()
    )

    releases, compiled = check_ocid(client, make_ocid(contract.lot.tender, app.config["OCID_PREFIX"]))
    assert {"implementation", "contractAmendment", "implementationUpdate"} <= {t for r in releases for t in r["tag"]}
    (published,) = compiled["contracts"]
    assert published["period"] == {"startDate": "2026-03-01T23:00:00Z", "endDate": "2026-06-14T22:59:59Z"}
    assert [a["rationale"] for a in published["amendments"]] == ["Intempéries", "Travaux en plus"]
    (transaction,) = published["implementation"]["transactions"]
    assert transaction["date"] == "2026-05-06T23:00:00Z" and "value" not in transaction
    assert [(m["type"], m["status"]) for m in published["implementation"]["milestones"]] == [
        ("delivery", "met"),
        ("assessment", "met"),
    ]
    # the invoice amount (432,109.87) stays private: no number says it, no text writes it
    leaves = list(_leaves(releases))
    numbers = {leaf for leaf in leaves if isinstance(leaf, int | float) and not isinstance(leaf, bool)}
    assert not numbers & {432_109.87, 432_109_87}
    assert not any(re.search(r"432[\s\u202f\u00a0.,]?109", leaf) for leaf in leaves if isinstance(leaf, str))


def _leaves(value):
    """Every scalar of a JSON document (a substring test would also match digests and ids)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def test_undeclared_fields_are_found():
    core_only = SCHEMAS["release-schema.json"]
    release = {"ocid": "o", "bids": {"statistics": []}, "tender": {"id": "t", "lots": []}}
    assert undeclared_fields(release, core_only) == ["/tender/lots"]
    assert merge_patch({"a": 1, "b": {"c": 2}}, {"b": {"c": None, "d": 3}}) == {"a": 1, "b": {"d": 3}}
    assert "bids" in release_schema()["properties"] and "bids" not in release_schema(())["properties"]
