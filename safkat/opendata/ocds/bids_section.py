"""The release's ``bids`` section: bid statistics (bid extension), published from the opening on."""

from __future__ import annotations

import json

from safkat.opendata.ocds.facts import Facts
from safkat.opendata.ocds.values import CURRENCY, amount_number


def _lot_figures(key: str, count: str, amounts: list[int], lowest: str, highest: str, notes: str) -> list[dict]:
    """One lot's number of bids (measure ``count``) and, if any, their lowest and highest amounts."""
    figures = [{"id": f"{key}-{count}", "measure": count, "value": len(amounts), "relatedLot": key}]
    if amounts:
        for measure, value in ((lowest, min(amounts)), (highest, max(amounts))):
            figures.append(
                {
                    "id": f"{key}-{measure}",
                    "measure": measure,
                    "value": amount_number(value),
                    "currency": CURRENCY,
                    "notes": notes,
                    "relatedLot": key,
                }
            )
    return figures


def bid_statistics(facts: Facts, bidders: int) -> list[dict]:
    """Counts from the opening, amounts as read out there; valid bids once a lot's award is published."""
    statistics = [
        {"id": "bids", "measure": "bids", "value": len(facts.opened)},
        {"id": "bidders", "measure": "bidders", "value": bidders},
    ]
    read: dict[int, list[int]] = {lot.number: [] for lot in facts.lots.values()}
    for row in facts.opened:
        for number, amounts in json.loads(row.amounts or "{}").items():
            read.setdefault(int(number), []).append(int(amounts["excl_vat"]))
    current = {}
    for award in facts.awards:
        if award.status != "withdrawn":
            current[award.lot_id] = award
    for lot in sorted(facts.lots.values(), key=lambda each: each.number):
        key, name = f"lot-{lot.number}", f"Lot {lot.number}"
        statistics += _lot_figures(
            key,
            "bids",
            read.get(lot.number, []),
            "lowestBidValue",
            "highestBidValue",
            f"{name}: amount excluding VAT as read out at the opening.",
        )
        evaluation = facts.evaluations.get(lot.id)
        if lot.id not in current or evaluation is None or evaluation.status != "locked":
            continue  # the evaluation is public only with its award
        valid = [assessment.amount for assessment in evaluation.assessments if assessment.rank is not None]
        statistics += _lot_figures(
            key,
            "validBids",
            valid,
            "lowestValidBidValue",
            "highestValidBidValue",
            f"{name}: amount excluding VAT after arithmetic correction.",
        )
    return statistics
