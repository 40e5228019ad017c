"""The arithmetic of evaluation, as pure functions (no database, no Flask).

Formulas (published with every tender that uses them):

- **Evaluated price** = the amount excluding VAT after arithmetic correction, divided by
  ``1 + margin`` when the national preference applies to that offer (margin at most 25 %).
- **Technical score** (weighted tenders) = mean over the evaluators of the points given,
  over the total of the criteria's maximum points, times 100.
- **Financial score** = lowest evaluated price among compliant offers / evaluated price ×
  the financial weight.
- **Total** = technical score × technical weight / 100 + financial score.
- **Ranking**: lowest evaluated price first (lowest-price tenders) or highest total first
  (weighted tenders). **Ties** go to the offer received first, then to the lower bid number.
- **Abnormally low**: an offer is flagged when its evaluated price is below
  ``(1 − threshold)`` × the mean evaluated price of the compliant offers, or below
  ``(1 − threshold)`` × the lot's estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

MAX_NATIONAL_PREFERENCE = Decimal("0.25")
TWO_PLACES = Decimal("0.01")


@dataclass
class Offer:
    bid_id: int
    submitted_at: datetime
    amount: int  # excluding VAT, after arithmetic correction, centimes
    compliant: bool = True
    national_preference: bool = False
    technical_points: list[int] = field(default_factory=list)  # one total per evaluator


@dataclass
class Result:
    bid_id: int
    evaluated_price: Decimal
    technical_score: Decimal | None
    financial_score: Decimal | None
    total_score: Decimal | None
    rank: int | None
    abnormally_low: bool


def evaluated_price(offer: Offer, margin: Decimal) -> Decimal:
    if not Decimal(0) <= margin <= MAX_NATIONAL_PREFERENCE:
        raise ValueError("national preference margin must be between 0 and 25 %")
    price = Decimal(offer.amount)
    return price / (1 + margin) if offer.national_preference else price


def technical_score(points_per_evaluator: list[int], max_points: int) -> Decimal | None:
    if not points_per_evaluator or max_points <= 0:
        return None
    mean = Decimal(sum(points_per_evaluator)) / len(points_per_evaluator)
    return (mean / max_points * 100).quantize(TWO_PLACES, ROUND_HALF_UP)


def is_abnormally_low(price: Decimal, mean: Decimal | None, estimate: int | None, threshold: Decimal) -> bool:
    floor = 1 - threshold
    return bool((mean and price < mean * floor) or (estimate and price < Decimal(estimate) * floor))


def rank(
    offers: list[Offer],
    *,
    weighted: bool,
    technical_weight: int,
    financial_weight: int,
    max_points: int,
    margin: Decimal,
    threshold: Decimal,
    estimate: int | None,
) -> list[Result]:
    """Score and rank the offers of one lot; non-compliant offers get no rank."""
    prices = {offer.bid_id: evaluated_price(offer, margin) for offer in offers}
    compliant = [offer for offer in offers if offer.compliant]
    lowest = min((prices[o.bid_id] for o in compliant), default=None)
    mean = sum((prices[o.bid_id] for o in compliant), Decimal(0)) / len(compliant) if compliant else None
    results = {}
    for offer in offers:
        price = prices[offer.bid_id]
        tech = technical_score(offer.technical_points, max_points) if weighted else None
        financial = total = None
        if offer.compliant and lowest is not None:
            financial = (lowest / price * financial_weight).quantize(TWO_PLACES, ROUND_HALF_UP)
            if weighted:
                total = ((tech or Decimal(0)) * technical_weight / 100 + financial).quantize(TWO_PLACES, ROUND_HALF_UP)
        results[offer.bid_id] = Result(
            offer.bid_id,
            price.quantize(TWO_PLACES, ROUND_HALF_UP),
            tech,
            financial,
            total,
            None,
            is_abnormally_low(price, mean, estimate, threshold),
        )

    def order(offer: Offer):
        key = -results[offer.bid_id].total_score if weighted else prices[offer.bid_id]
        return (key, offer.submitted_at, offer.bid_id)

    for position, offer in enumerate(sorted(compliant, key=order), start=1):
        results[offer.bid_id].rank = position
    return [results[offer.bid_id] for offer in offers]
