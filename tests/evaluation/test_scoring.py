"""The scoring formulas, against cases computed by hand."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from safkat.evaluation.scoring import Offer, evaluated_price, is_abnormally_low, rank, technical_score

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
NO_MARGIN, THRESHOLD = Decimal(0), Decimal("0.20")


def by_id(results):
    return {r.bid_id: r for r in results}


def test_lowest_price_ranking():
    offers = [Offer(1, T0, 1_000_000), Offer(2, T0, 900_000), Offer(3, T0, 800_000, compliant=False)]
    results = by_id(
        rank(
            offers,
            weighted=False,
            technical_weight=0,
            financial_weight=100,
            max_points=0,
            margin=NO_MARGIN,
            threshold=THRESHOLD,
            estimate=None,
        )
    )
    assert (results[2].rank, results[1].rank, results[3].rank) == (1, 2, None)
    # financial score = lowest / price × 100: 900000 / 1000000 × 100 = 90.00
    assert results[1].financial_score == Decimal("90.00") and results[2].financial_score == Decimal("100.00")
    assert results[3].financial_score is None


def test_weighted_ranking_by_hand():
    # Weights 60 technical / 40 financial, criteria worth 100 points in all.
    # Bid 1: evaluators gave 80 and 70 → mean 75 → T = 75.00; price 1,200,000
    # Bid 2: evaluators gave 60 and 60 → T = 60.00; price 1,000,000 (lowest)
    # F1 = 1,000,000 / 1,200,000 × 40 = 33.33; total1 = 75 × 0.6 + 33.33 = 78.33
    # F2 = 40.00; total2 = 60 × 0.6 + 40 = 76.00 → bid 1 wins on quality
    offers = [Offer(1, T0, 1_200_000, technical_points=[80, 70]), Offer(2, T0, 1_000_000, technical_points=[60, 60])]
    results = by_id(
        rank(
            offers,
            weighted=True,
            technical_weight=60,
            financial_weight=40,
            max_points=100,
            margin=NO_MARGIN,
            threshold=THRESHOLD,
            estimate=None,
        )
    )
    assert results[1].technical_score == Decimal("75.00") and results[2].technical_score == Decimal("60.00")
    assert results[1].financial_score == Decimal("33.33") and results[2].financial_score == Decimal("40.00")
    assert results[1].total_score == Decimal("78.33") and results[2].total_score == Decimal("76.00")
    assert (results[1].rank, results[2].rank) == (1, 2)


def test_ties_go_to_the_offer_received_first_then_the_lower_number():
    offers = [Offer(7, T0 + timedelta(minutes=5), 500_000), Offer(9, T0, 500_000), Offer(3, T0, 500_000)]
    results = by_id(
        rank(
            offers,
            weighted=False,
            technical_weight=0,
            financial_weight=100,
            max_points=0,
            margin=NO_MARGIN,
            threshold=THRESHOLD,
            estimate=None,
        )
    )
    assert (results[3].rank, results[9].rank, results[7].rank) == (1, 2, 3)


def test_national_preference_margin():
    # 1,100,000 with a 10 % margin is compared as 1,000,000: it beats a foreign 1,050,000.
    national = Offer(1, T0, 1_100_000, national_preference=True)
    assert evaluated_price(national, Decimal("0.10")) == Decimal(1_000_000)
    results = by_id(
        rank(
            [national, Offer(2, T0, 1_050_000)],
            weighted=False,
            technical_weight=0,
            financial_weight=100,
            max_points=0,
            margin=Decimal("0.10"),
            threshold=THRESHOLD,
            estimate=None,
        )
    )
    assert results[1].rank == 1
    with pytest.raises(ValueError):
        evaluated_price(national, Decimal("0.30"))


def test_abnormally_low_against_the_mean_and_the_estimate():
    # Mean of 1,000,000, 1,000,000 and 400,000 = 800,000; 80 % of it is 640,000: 400,000 is flagged.
    offers = [Offer(1, T0, 1_000_000), Offer(2, T0, 1_000_000), Offer(3, T0, 400_000)]
    results = by_id(
        rank(
            offers,
            weighted=False,
            technical_weight=0,
            financial_weight=100,
            max_points=0,
            margin=NO_MARGIN,
            threshold=THRESHOLD,
            estimate=None,
        )
    )
    assert [results[i].abnormally_low for i in (1, 2, 3)] == [False, False, True]
    # Against the estimate alone: below 80 % of 2,000,000.
    assert is_abnormally_low(Decimal(1_500_000), None, 2_000_000, THRESHOLD)
    assert not is_abnormally_low(Decimal(1_600_000), None, 2_000_000, THRESHOLD)


def test_technical_score_means_evaluators():
    assert technical_score([90, 70, 80], 120) == Decimal("66.67")  # mean 80 / 120 × 100
    assert technical_score([], 100) is None
