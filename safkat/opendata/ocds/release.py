"""One release: everything the public may know of a tender at one moment, assembled from its sections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.accounts.models import Enterprise
from safkat.opendata.ocds.awards_section import award_entry, contract_entry
from safkat.opendata.ocds.bids_section import bid_statistics
from safkat.opendata.ocds.execution_section import execution_fields
from safkat.opendata.ocds.facts import Facts, read_facts
from safkat.opendata.ocds.parties import authority_party, enterprise_party, reference
from safkat.opendata.ocds.publisher import Publisher, make_ocid
from safkat.opendata.ocds.tender_section import tender_section
from safkat.opendata.ocds.values import iso
from safkat.tenders.models import Tender


def _firms(session: Session, facts: Facts) -> dict[int, dict]:
    """The parties of the firms that bid, by enterprise id; none before the opening."""
    parties: dict[int, dict] = {}
    if facts.opening is None:  # before the opening no firm is named
        return parties
    bidders = {row.bid.enterprise_id for row in facts.opened}
    # One query, not one per firm; held here, since the session keeps objects only weakly.
    firms = {e.id: e for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(bidders)))}
    suppliers = {a.enterprise_id for a in facts.awards if a.status in ("provisional", "final")}
    suppliers |= {contract.enterprise_id for contract in facts.contracts}
    for row in facts.opened:
        enterprise = firms[row.bid.enterprise_id]
        if enterprise.id not in parties:
            roles = ["tenderer", "supplier"] if enterprise.id in suppliers else ["tenderer"]
            parties[enterprise.id] = enterprise_party(enterprise, roles)
    return parties


def build_release(
    session: Session, tender: Tender, tags: list[str], now: datetime, publisher: Publisher, release_id: str
) -> dict:
    """The release: everything the public may know of ``tender`` at ``now``."""
    facts = read_facts(session, tender)
    buyer_party = authority_party(tender.authority)
    buyer = reference(buyer_party)
    enterprise_parties = _firms(session, facts)
    tenderers = [reference(party) for party in enterprise_parties.values()]

    release = {
        "ocid": make_ocid(tender, publisher.ocid_prefix),
        "id": release_id,
        "date": iso(now),
        "tag": list(tags),
        "initiationType": "tender",
        "language": "fr",
        "parties": [buyer_party, *enterprise_parties.values()],
        "buyer": buyer,
        "tender": tender_section(facts, publisher, buyer, tenderers, release_id, tags, now),
    }
    if facts.awards:
        release["awards"] = [award_entry(facts, award, enterprise_parties) for award in facts.awards]
    if facts.contracts:
        awards_by_id = {award.id: award for award in facts.awards}
        release["contracts"] = [
            contract_entry(facts, contract, awards_by_id)
            | execution_fields(
                session,
                contract,
                buyer,
                reference(enterprise_parties[contract.enterprise_id])
                if contract.enterprise_id in enterprise_parties
                else None,
            )
            for contract in facts.contracts
        ]
    if facts.opening is not None:
        release["bids"] = {"statistics": bid_statistics(facts, len(enterprise_parties))}
    return release
