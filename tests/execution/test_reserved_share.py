"""The reserved share awarded and executed, per authority and year: worked by hand, on the
pages beside the "pays late" flag, and in the CSV file."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from safkat.awards.models import Contract, LotAward
from safkat.execution import services as ex
from safkat.http_cache import rendered
from safkat.opendata.stats import reservation
from safkat.opendata.stats.scope import StatsFilters
from tests.opendata.test_hidden_estimates import HIDDEN, OTHER, published_figures

from .conftest import TERMS


def awarded_contract(session, make, tender, amount: int, now):
    """A final award of ``amount`` centimes excl. VAT on the tender's lot and its signed contract."""
    firm = make.enterprise()
    award = LotAward(
        tender_id=tender.id, lot_id=tender.lots[0].id, round=1, status="final", enterprise_id=firm.id,
        amount=amount, amount_incl_vat=amount * 119 // 100, bids_count=2, published_at=now,
        standstill_ends_at=now, finalized_at=now,
    )  # fmt: skip
    session.add(award)
    session.flush()
    contract = Contract(
        lot_award_id=award.id, tender_id=tender.id, lot_id=tender.lots[0].id, enterprise_id=firm.id,
        amount=award.amount, amount_incl_vat=award.amount_incl_vat, status="signed", created_at=now, signed_at=now,
    )  # fmt: skip
    session.add(contract)
    session.flush()
    return contract


@pytest.fixture
def reserved_history(make, db_session, clock):
    """Authority RSV in 2026: a reserved lot awarded 300 000,00 DZD (under execution, amended by
    +10 %), an open lot awarded 700 000,00 DZD (signed, not started); in 2025 an open lot only."""
    now = clock.now()
    authority = make.authority(code="RSV")
    officer = make.officer(authority=authority)
    in_2026 = datetime(2026, 1, 10, 9, tzinfo=UTC)
    reserved = make.tender(state="closed", authority=authority, lots=1, reserved=True, published_at=in_2026)
    open_lot = make.tender(state="closed", authority=authority, lots=1, published_at=in_2026)
    older = make.tender(state="closed", authority=authority, lots=1, published_at=datetime(2025, 6, 1, tzinfo=UTC))
    small = awarded_contract(db_session, make, reserved, 300_000_00, now)
    large = awarded_contract(db_session, make, open_lot, 700_000_00, now)
    awarded_contract(db_session, make, older, 100_000_00, now)
    ex.order_service(db_session, small, officer, starts_on=date(2026, 3, 2), execution_days=60, now=now)
    ex.amend(
        db_session, small, officer, amount_delta=35_700_00, days_delta=0, reason="Travaux supplémentaires",
        terms=TERMS, now=now,
    )  # fmt: skip
    return officer, large


def figures(db_session):
    return {(f.authority, f.year): f for f in reservation.reserved_awarded(db_session, StatsFilters())}


def test_shares_worked_by_hand(reserved_history, db_session, clock):
    officer, large = reserved_history
    rows = figures(db_session)
    this_year, last_year = rows[("RSV", 2026)], rows[("RSV", 2025)]
    # Awarded: 300 000 ÷ (300 000 + 700 000) = 30 %, above the 20 % target.
    assert this_year.awarded_share * 100 == 30 and this_year.meets_target
    # Executed: only the reserved lot has its service order: 100 %.
    assert this_year.executed_share == 1
    # 2025: nothing reserved, nothing executed.
    assert last_year.awarded_share == 0 and last_year.executed_share is None and not last_year.meets_target

    ex.order_service(db_session, large, officer, starts_on=date(2026, 3, 2), execution_days=60, now=clock.now())
    # (357 000 + 35 700) ÷ (357 000 + 35 700 + 833 000) = 392 700 ÷ 1 225 700 = 32,04 %.
    assert round(figures(db_session)[("RSV", 2026)].executed_share * 100, 2) == Decimal("32.04")


def test_the_authority_page_shows_the_share_beside_the_flag_and_the_csv_has_it(reserved_history, client):
    rendered.clear()
    page = client.get("/stats/authority/RSV?lang=fr").get_data(as_text=True)
    assert "réservés aux micro-entreprises en 2026 : 30 %" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert 'id="reserved-share-awarded"' in client.get("/stats?lang=ar").get_data(as_text=True)
    csv = client.get("/stats/reserved-share-awarded.csv?authority=RSV").get_data(as_text=True).lstrip("\ufeff")
    csv = csv.splitlines()
    assert csv[0] == "authority_code,authority,year,awarded_share_percent,executed_share_percent,target_met"
    assert csv[1].startswith("RSV,") and csv[1].endswith(",2026,30.00,100.00,1")
    assert csv[2].endswith(",2025,0.00,,0")


def test_no_figure_depends_on_a_hidden_estimate_when_reserved_lots_are_awarded(make, db_session, clock, client):
    """Issue 18's rule with awards and contracts: the hidden tender's reserved lot is awarded
    and executed; changing its hidden estimate changes nothing published."""
    authority = make.authority(code="AT-ORN")
    officer = make.officer(authority=authority)
    place = {"authority": authority, "wilayas": ["01"], "lots": 1, "published_at": datetime(2026, 3, 2, 9, tzinfo=UTC)}
    hidden = make.tender(state="closed", reserved=True, is_budget_public=False, estimated_budget=HIDDEN, **place)
    hidden.lots[0].estimated_amount = HIDDEN
    public = make.tender(state="closed", **place)
    started = awarded_contract(db_session, make, hidden, 250_000_00, clock.now())
    awarded_contract(db_session, make, public, 750_000_00, clock.now())
    ex.order_service(db_session, started, officer, starts_on=date(2026, 3, 2), execution_days=30, now=clock.now())
    before = published_figures(client)
    assert b",2026,25.00,100.00,1" in before["reserved-share-awarded.csv?year=2026&authority=AT-ORN&wilaya=01"]

    hidden.estimated_budget = hidden.lots[0].estimated_amount = OTHER
    db_session.flush()
    after = published_figures(client)
    assert [name for name in before if before[name] != after[name]] == []
