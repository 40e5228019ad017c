"""Red flags: each rule on its own (positive, negative, boundary), then through the services and the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from safkat.awards import services as awards
from safkat.bids import opening as bid_opening
from safkat.opendata import redflags
from safkat.opendata.redflags import AwardFacts, TenderFacts
from safkat.tenders import services as tenders
from tests.awards.conftest import opened  # noqa: F401  (the fixture)
from tests.awards.test_award_journey import STANDSTILL, evaluate_everything
from tests.bids.helpers import post_bid

PUBLISHED = datetime(2026, 1, 10, 10, 0, tzinfo=UTC)


def facts(**overrides) -> TenderFacts:
    """A clean tender: 30 days to bid, opened with three bids, awarded at the estimate."""
    values = dict(
        published_at=PUBLISHED,
        submission_deadline_at=PUBLISHED + timedelta(days=30),
        opened_bids=3,
        extensions=(),
        awards=(AwardFacts(1, 100_000_00, 100_000_00, "none"),),
    )
    return TenderFacts(**(values | overrides))


def codes(tender_facts: TenderFacts, days: int = 15) -> list[str]:
    return [flag.code for flag in redflags.red_flags(tender_facts, days)]


def test_a_clean_tender_has_no_flag():
    assert codes(facts()) == []


@pytest.mark.parametrize(("opened_bids", "flagged"), [(1, True), (0, False), (2, False), (None, False)])
def test_single_bid(opened_bids, flagged):
    assert (codes(facts(opened_bids=opened_bids)) == ["single_bid"]) is flagged


@pytest.mark.parametrize(
    ("period", "days", "flagged"),
    [
        (timedelta(days=14, hours=23), 15, True),
        (timedelta(days=15), 15, False),  # exactly the threshold: not short
        (timedelta(days=16), 15, False),
        (timedelta(days=16), 20, True),  # the threshold is a setting
    ],
)
def test_short_tendering_period(period, days, flagged):
    tender = facts(submission_deadline_at=PUBLISHED + period)
    assert (codes(tender, days) == ["short_period"]) is flagged
    assert codes(facts(published_at=None), days) == []  # never published: nothing to say


@pytest.mark.parametrize(
    ("notice", "flagged"),
    [
        (timedelta(hours=2), True),
        (timedelta(hours=48), True),
        (timedelta(hours=49), False),
        (timedelta(days=20), False),
    ],
)
def test_deadline_extended_late(notice, flagged):
    old_deadline = PUBLISHED + timedelta(days=30)
    tender = facts(extensions=((old_deadline - notice, old_deadline),))
    assert (codes(tender) == ["late_extension"]) is flagged


@pytest.mark.parametrize(
    ("alo_status", "flagged"),
    [("kept", True), ("none", False), ("explained", False), ("rejected", False), (None, False)],
)
def test_winner_with_an_abnormally_low_offer(alo_status, flagged):
    tender = facts(awards=(AwardFacts(2, 100_000_00, 100_000_00, alo_status),))
    assert (codes(tender) == ["abnormally_low_winner"]) is flagged


@pytest.mark.parametrize(
    ("amount", "estimate", "flagged"),
    [
        (120_000_01, 100_000_00, True),  # one centime above 120 %
        (120_000_00, 100_000_00, False),  # exactly 120 %
        (90_000_00, 100_000_00, False),
        (500_000_00, None, False),  # no estimate
        (500_000_00, 0, False),
        (None, 100_000_00, False),
    ],
)
def test_award_far_above_the_estimate(amount, estimate, flagged):
    tender = facts(awards=(AwardFacts(1, amount, estimate, "none"),))
    assert (codes(tender) == ["above_estimate"]) is flagged


def test_explanations_are_one_line_and_name_the_lots(app):
    tender = facts(
        opened_bids=1,
        submission_deadline_at=PUBLISHED + timedelta(days=10, hours=5),
        extensions=((PUBLISHED + timedelta(days=9), PUBLISHED + timedelta(days=10)),),
        awards=(AwardFacts(2, 130_000_00, 100_000_00, "kept"), AwardFacts(1, 130_000_00, 100_000_00, "kept")),
    )
    with app.test_request_context("/?lang=en"):
        flags = redflags.red_flags(tender, 15)
        texts = {flag.code: str(flag.explanation) for flag in flags}
        assert [flag.code for flag in flags] == list(redflags.RED_FLAG_CODES)
        assert all("\n" not in text and text for text in texts.values())
        assert str(flags[0].label) == "Single bid"
        assert "Only 10 days" in texts["short_period"] and "15" in texts["short_period"]
        assert texts["abnormally_low_winner"].startswith("Lot 1, 2:")
        assert "more than 120 % of the lot's estimate" in texts["above_estimate"]
        rules = redflags.red_flag_rules(15)
        assert set(rules) == set(redflags.RED_FLAG_CODES) and "15 days" in str(rules["short_period"])


@pytest.mark.parametrize(
    ("lang", "period", "rule"),
    [
        ("fr", "Seulement 10 jours entre la publication", "Moins de 15 jours entre la publication"),
        ("ar", "10 أيام فقط بين النشر", "أقل من 15 يومًا بين النشر"),
    ],
)
def test_the_short_period_sentences_are_translated(app, lang, period, rule):
    tender = facts(submission_deadline_at=PUBLISHED + timedelta(days=10, hours=5))
    with app.test_request_context(f"/?lang={lang}"):
        [flag] = redflags.red_flags(tender, 15)
        assert period in str(flag.explanation)
        assert rule in str(redflags.red_flag_rules(15)["short_period"])


# --- through the services ------------------------------------------------------------------------


def test_a_single_bid_opened_by_the_service(make, login, db_session, app, clock):
    officer = make.officer()
    tender = make.tender(state="open", lots=1, authority=officer.authority, created_by=officer)
    firm = make.bidder(enterprise=make.enterprise(status="verified"))
    assert redflags.for_tender(db_session, tender) == []  # not opened yet: no single-bid flag
    assert post_bid(login(firm), tender).status_code == 302
    assert redflags.for_tender(db_session, tender) == []  # still sealed
    clock.set(tender.submission_deadline_at + timedelta(hours=1))
    keys, files = app.extensions["safkat.keys"], app.extensions["safkat.files"]
    make.hand_in_shares(tender)
    bid_opening.open_bids(db_session, tender, officer, keys, files, clock.now())
    assert [flag.code for flag in redflags.for_tender(db_session, tender)] == ["single_bid"]


def test_no_bid_at_all_is_not_a_single_bid(make, db_session, app, clock):
    officer = make.officer()
    tender = make.tender(state="open", lots=1, authority=officer.authority, created_by=officer)
    clock.set(tender.submission_deadline_at + timedelta(hours=1))
    keys, files = app.extensions["safkat.keys"], app.extensions["safkat.files"]
    bid_opening.open_bids(db_session, tender, officer, keys, files, clock.now())
    assert tender.status == "unsuccessful" and redflags.for_tender(db_session, tender) == []


def test_extensions_issued_by_the_service(make, db_session, clock):
    officer = make.officer()
    early = make.tender(state="open", authority=officer.authority, created_by=officer)
    tenders.amend(
        db_session, early, officer, reason="Plus de temps", now=clock.now(),
        new_deadline=early.submission_deadline_at + timedelta(days=7),
    )  # fmt: skip
    assert redflags.for_tender(db_session, early) == []  # 20 days ahead
    late = make.tender(state="open", authority=officer.authority, created_by=officer)
    clock.set(late.submission_deadline_at - timedelta(hours=30))
    tenders.amend(
        db_session, late, officer, reason="Plus de temps", now=clock.now(),
        new_deadline=late.submission_deadline_at + timedelta(days=7),
    )  # fmt: skip
    assert [flag.code for flag in redflags.for_tender(db_session, late)] == ["late_extension"]


def test_short_period_from_the_dates(make, db_session, clock):
    now = clock.now()
    short = make.tender(
        state="open", published_at=now - timedelta(days=3), submission_deadline_at=now + timedelta(days=9)
    )
    normal = make.tender(
        state="open", published_at=now - timedelta(days=3), submission_deadline_at=now + timedelta(days=20)
    )
    assert [f.code for f in redflags.for_tender(db_session, short)] == ["short_period"]  # 12 days
    assert redflags.for_tender(db_session, normal) == []  # 23 days
    assert [f.code for f in redflags.for_tender(db_session, normal, 30)] == ["short_period"]


def test_abnormally_low_winner_and_award_above_estimate_after_the_award(app, db_session, make, opened, clock):  # noqa: F811
    tender, officer, firms = opened  # lot 1: D's abnormally low 500,000 wins once kept; lot 2: A at 2,000,000
    tender.lots[1].estimated_amount = 1_600_000_00  # A's 2,000,000 is 125 % of it
    evaluate_everything(db_session, tender, officer, make.officer(authority=officer.authority), clock.now())
    assert redflags.for_tender(db_session, tender) == []  # evaluated, nothing awarded yet
    awards.publish_provisional_award(db_session, tender, officer, clock.now(), STANDSTILL)
    flags = redflags.for_tender(db_session, tender)
    assert [flag.code for flag in flags] == ["abnormally_low_winner", "above_estimate"]
    with app.test_request_context("/?lang=en"):
        assert str(flags[0].explanation).startswith("Lot 1: the winning offer was flagged as abnormally low")
        assert str(flags[1].explanation).startswith("Lot 2: the amount awarded is more than 120 %")


def test_a_withdrawn_award_no_longer_raises_flags(db_session, make, opened, clock):  # noqa: F811
    tender, officer, firms = opened
    evaluate_everything(db_session, tender, officer, make.officer(authority=officer.authority), clock.now())
    awards.publish_provisional_award(db_session, tender, officer, clock.now(), STANDSTILL)
    complaint = awards.lodge_complaint(
        db_session, tender, tender.lots[0].id, firms["A"], "Prix irréaliste.", clock.now()
    )
    awards.answer_complaint(db_session, complaint, officer, upheld=True, answer="Fondé.", now=clock.now())
    assert redflags.for_tender(db_session, tender) == []


# --- on the tender page -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_tender_page_shows_its_red_flags(make, client, clock, lang):
    now = clock.now()
    tender = make.tender(
        state="open", published_at=now - timedelta(days=1), submission_deadline_at=now + timedelta(days=5)
    )
    response = client.get(f"/tenders/{tender.url_reference}?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="red-flags"' in html and 'class="red-flags"' in html
    assert ('dir="rtl"' in html) is (lang == "ar")
    if lang == "en":
        assert "Short tendering period" in html and "Only 6 days between publication" in html


def test_tender_page_without_flags_and_the_setting(app, make, client, clock, monkeypatch):
    tender = make.tender(state="open")  # published 10 days ago, deadline in 20: 30 days
    html = client.get(f"/tenders/{tender.url_reference}?lang=en").get_data(as_text=True)
    assert "None of the red flags applies" in html and "Short tendering period" not in html
    monkeypatch.setitem(app.config, "REDFLAG_SHORT_PERIOD_DAYS", 31)
    first = client.get(f"/tenders/{tender.url_reference}?lang=en")
    assert "Short tendering period" in first.get_data(as_text=True)
    monkeypatch.setitem(app.config, "REDFLAG_SHORT_PERIOD_DAYS", 15)
    # The flags are part of the page's validator: a cached copy with a flag gone is not reused.
    again = client.get(f"/tenders/{tender.url_reference}?lang=en", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
