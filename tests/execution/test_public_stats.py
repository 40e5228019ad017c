"""Days to payment in public: figures worked out by hand, the pages, the CSV, the red flag."""

from datetime import UTC, date, datetime

import pytest

from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.opendata.stats import payments
from safkat.opendata.stats.scope import StatsFilters

from .conftest import TERMS


def test_percentiles_by_nearest_rank():
    assert payments.percentile([], 0.5) is None
    assert payments.percentile([10, 40, 20, 30], 0.5) == 20
    assert payments.percentile(list(range(1, 11)), 0.9) == 9
    assert payments.percentile([5], 0.9) == 5


@pytest.fixture
def paid_history(signed_contract, db_session, clock, app, pdf, make):
    """Authority A pays 4 invoices: 10, 25, 45 and 60 days after receipt (2 late), and has one
    open past due; authority B pays one on time."""
    keys = app.extensions["safkat.keys"]
    slow_authority = make.authority(code="LENT")
    contract, officer, bidder = signed_contract(slow_authority)
    quick, quick_officer, quick_bidder = signed_contract()
    ex.order_service(db_session, contract, officer, starts_on=date(2026, 3, 2), execution_days=300, now=clock.now())
    ex.order_service(db_session, quick, quick_officer, starts_on=date(2026, 3, 2), execution_days=300, now=clock.now())

    def invoice(the_contract, firm, number):
        return invoicing.submit_invoice(
            db_session,
            the_contract,
            firm,
            number=number,
            amount=123_456_78,
            document=pdf(number.encode()),
            terms=TERMS,
            signing_key=keys.signing_key,
            now=clock.now(),
        )  # received Monday 2 March 2026, due Wednesday 1 April

    invoices = [invoice(contract, bidder, f"A-{n}") for n in range(5)]
    on_time = invoice(quick, quick_bidder, "B-1")
    clock.set(datetime(2026, 6, 1, 8, tzinfo=UTC))
    # 10, 25, 45 and 60 days after 2 March; A-4 is never ordered.
    orders = (date(2026, 3, 12), date(2026, 3, 27), date(2026, 4, 16), date(2026, 5, 1))
    for inv, ordered_on in zip(invoices[:4], orders, strict=True):
        invoicing.approve_invoice(db_session, inv, officer, clock.now())
        invoicing.order_payment(db_session, inv, officer, ordered_on=ordered_on, now=clock.now())
    invoicing.approve_invoice(db_session, on_time, quick_officer, clock.now())
    invoicing.order_payment(db_session, on_time, quick_officer, ordered_on=date(2026, 3, 20), now=clock.now())
    return slow_authority, quick.lot.tender.authority


def test_figures_per_authority(paid_history, db_session):
    slow, quick = paid_history
    facts = payments.invoice_facts(db_session, StatsFilters())
    today = date(2026, 6, 1)
    by_code = {d.authority: d for d in payments.delays_by_authority(db_session, facts, today)}
    a = by_code["LENT"]
    assert sorted(a.days_to_order) == [10, 25, 45, 60]
    assert (a.median_days, a.p90_days, a.paid_late) == (25, 60, 2)
    assert str(a.late_share) == "0.5"
    # A-4 is still open: due 1 April, 61 days late on 1 June.
    assert a.open_late_days == (61,) and a.pays_late(25)
    b = by_code[quick.code]
    assert (b.median_days, b.paid_late, b.open_past_due) == (18, 0, 0) and not b.pays_late(25)
    months = {m.month: m.delays.ordered for m in payments.delays_per_month(facts, today)}
    assert months == {"2026-03": 3, "2026-04": 1, "2026-05": 1}


def test_stats_pages_and_csv_show_delays_without_amounts(paid_history, client, app):
    slow, quick = paid_history
    page = client.get("/stats")
    assert page.status_code == 200
    assert 'id="payment-delays"' in page.text and 'id="payment-delays-per-month"' in page.text
    assert "123\u202f456,78" not in page.text and "123 456,78" not in page.text and "12345678" not in page.text
    authority_page = client.get(f"/stats/authority/{slow.code}")
    assert "payment-method" in authority_page.text
    assert 'class="red-flag"' in authority_page.text
    assert 'class="red-flag"' not in client.get(f"/stats/authority/{quick.code}").text
    csv = client.get("/stats/payment-delays.csv").data.decode("utf-8-sig").splitlines()
    assert csv[0].split(",") == [
        "code",
        "name",
        "invoices_ordered",
        "median_days",
        "p90_days",
        "paid_late_percent",
        "open_past_due",
        "longest_open_days_late",
        "pays_late",
    ]
    assert any(line.startswith("LENT,") and line.endswith(",4,25,60,50.00,1,61,yes") for line in csv)
