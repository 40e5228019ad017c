"""The release's ``awards`` and ``contracts``: one award per lot and round, one contract per final award."""

from __future__ import annotations

from safkat.awards.models import Contract, LotAward
from safkat.opendata.ocds.facts import Facts
from safkat.opendata.ocds.parties import reference
from safkat.opendata.ocds.tender_section import lot_item
from safkat.opendata.ocds.values import amount_text, compact, iso, money
from safkat.tenders.models import Lot

AWARD_STATUSES = {"provisional": "pending", "final": "active", "withdrawn": "cancelled", "unsuccessful": "unsuccessful"}
CONTRACT_STATUSES = {"pending_signature": "pending", "signed": "active"}


def _award_id(facts: Facts, award: LotAward) -> str:
    return f"lot-{facts.lots[award.lot_id].number}-award-{award.round}"


def _lot_title(lot: Lot) -> str:
    return f"Lot {lot.number}: {lot.title_fr}"


def _complaint_notes(facts: Facts, award: LotAward) -> str:
    later = [other.published_at for other in facts.awards if other.lot_id == award.lot_id and other.round > award.round]
    notes = []
    for complaint in facts.complaints:
        if complaint.lot_id != award.lot_id or complaint.lodged_at < award.published_at:
            continue
        if later and complaint.lodged_at >= min(later):
            continue
        notes.append(f" Complaint {complaint.status} on {iso(complaint.answered_at)}: {complaint.answer}")
    return "".join(notes)


def award_entry(facts: Facts, award: LotAward, parties: dict[int, dict]) -> dict:
    """One award; ``parties`` are the firms' parties by enterprise id."""
    lot = facts.lots[award.lot_id]
    if award.status == "unsuccessful":
        description = f"Unsuccessful: {award.reason}"
    else:
        description = (
            f"Provisional award published on {iso(award.published_at)}; "
            f"complaints could be lodged until {iso(award.standstill_ends_at)}."
        )
        if award.status == "final":
            description += f" Final since {iso(award.finalized_at)}."
        if award.status == "withdrawn":
            description += " Withdrawn after a complaint was upheld."
        if award.amount_incl_vat is not None:
            description += f" Amount including VAT: {amount_text(award.amount_incl_vat)}."
    description += f" Bids on this lot: {award.bids_count}." + _complaint_notes(facts, award)
    entry = {
        "id": _award_id(facts, award),
        "title": _lot_title(lot),
        "description": description,
        "status": AWARD_STATUSES[award.status],
        "date": iso(award.finalized_at or award.published_at),
        "value": money(award.amount) if award.amount is not None else None,
        "suppliers": [reference(parties[award.enterprise_id])] if award.enterprise_id in parties else None,
        "items": [lot_item(facts.tender, lot)],
    }
    return compact(entry)


def contract_entry(facts: Facts, contract: Contract, awards_by_id: dict[int, LotAward]) -> dict:
    lot = facts.lots[contract.lot_id]
    award_id = _award_id(facts, awards_by_id[contract.lot_award_id])
    return compact(
        {
            "id": f"{award_id}-contract",
            "awardID": award_id,
            "title": _lot_title(lot),
            "description": f"Amount including VAT: {amount_text(contract.amount_incl_vat)}.",
            "status": CONTRACT_STATUSES[contract.status],
            "value": money(contract.amount),
            "items": [lot_item(facts.tender, lot)],
            "dateSigned": iso(contract.signed_at),
        }
    )
