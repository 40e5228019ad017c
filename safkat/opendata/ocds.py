"""Open Contracting Data Standard 1.1: releases, packages, compiled records.

Every public change of a tender calls :func:`record_release` at the end of its service
function, inside the same transaction. The release is a complete snapshot of what the
public may know of the tender at that moment; it is stored once (``ocds_releases``) and
served unchanged ever after. Packages and records are assembled from the stored releases.

Where the ``ocid`` comes from: the configured prefix (``SAFKAT_OCID_PREFIX``, default
``ocds-safkat-``) followed by the tender's URL-safe reference, e.g.
``ocds-safkat-AT-ORN-2026-0042``.

The mapping from Safkat to OCDS, decided here (``docs/ocds.md`` says the same at more length):

- Release tags: publication ``tender``; amendment ``tenderAmendment``; cancellation
  ``tenderCancellation``; bid opening ``tenderUpdate``; provisional award ``award``; a
  complaint rejected ``awardUpdate``, upheld ``awardCancellation``; final award and its
  contract ``awardUpdate`` + ``contract``; contract signed ``contractUpdate``.
- Parties: the contracting authority is ``buyer`` and ``procuringEntity``, identified by
  its Safkat authority code under the scheme ``DZ-SAFKAT`` (authorities have no NIF in
  Safkat). Firms appear only from the opening on, as ``tenderer`` (plus ``supplier`` while
  they hold a pending or active award), identified by their NIF (scheme ``DZ-NIF``, party
  id ``DZ-NIF-<nif>``) with their NIS as an additional identifier (``DZ-NIS``). Only the
  wilaya of a firm is published as its address (many micro-entrepreneurs are people).
- ``procurementMethod``: open and open with minimum capacities → ``open``; restricted →
  ``selective``; consultation → ``limited``; the French name of the procedure is in
  ``procurementMethodDetails``.
- ``mainProcurementCategory``: works → ``works``, supplies → ``goods``, services →
  ``services``, studies → ``services`` with ``additionalProcurementCategories``
  ``["consultingServices"]``.
- ``awardCriteria``: lowest price → ``priceOnly``; weighted → ``ratedCriteria``, with the
  weights and technical criteria in ``awardCriteriaDetails``.
- Lots are core ``tender.items`` (id ``lot-<n>``, quantity 1; the lot's estimate as the
  unit value when the budget is public). Awards and contracts point at their lot through
  their ``items``. The lots extension is not used, so everything validates against the
  core schema alone.
- Documents: core 1.1 has no digest field, so each document's SHA-256 is written in its
  ``description`` (``... SHA-256: <hex>``). Replaced documents stay listed, saying by which.
- Amendments: ``tender.amendments`` (id ``amendment-<n>``, with ``releaseID`` and
  ``amendsReleaseID``). A cancellation's public reason is the ``rationale`` of an
  amendment with id ``cancellation``.
- Enquiries (an extension) are not published in OCDS: ``tender.hasEnquiries`` says whether
  questions were asked; the questions and answers are on the tender page and in ``/api/v1``.
- Values are in DZD and exclude VAT (what the bids are ranked on); amounts including VAT
  are in the award's and contract's ``description``.
- Bid statistics use the bid extension (listed in the packages' ``extensions``): after
  the opening, ``bids`` and ``bidders`` for the tender, and per lot ``bids`` and the
  lowest and highest amounts read out at the opening (``lowestBidValue``,
  ``highestBidValue``: our own codes in that open codelist); once a lot's award is
  published, ``validBids``, ``lowestValidBidValue`` and ``highestValidBidValue``. Per-lot
  statistics carry the lot's item id in ``relatedLot``.
- Nothing sealed before the opening: no firm, no bid count, no amount.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from safkat.accounts.models import ContractingAuthority, Enterprise
from safkat.awards.models import Complaint, Contract, LotAward
from safkat.bids.models import OpenedBid, Opening
from safkat.evaluation.models import LotEvaluation
from safkat.opendata.models import OcdsRelease
from safkat.tenders.models import Lot, Tender, TenderStatus
from safkat.wilayas import WILAYAS_BY_CODE

OCDS_VERSION = "1.1"
SCHEMA_DIR = Path(__file__).parent / "ocds_schema"
DEFAULT_OCID_PREFIX = "ocds-safkat-"
BID_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
PAGINATION_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/master/extension.json"
)
AUTHORITY_SCHEME = "DZ-SAFKAT"
NIF_SCHEME = "DZ-NIF"
NIS_SCHEME = "DZ-NIS"
CURRENCY = "DZD"
COUNTRY = "Algérie"

TENDER_STATUSES = {
    TenderStatus.PUBLISHED: "active",
    TenderStatus.OPENED: "active",
    TenderStatus.EVALUATION: "active",
    TenderStatus.PROVISIONAL_AWARD: "active",
    TenderStatus.AWARDED: "complete",
    TenderStatus.UNSUCCESSFUL: "unsuccessful",
    TenderStatus.CANCELLED: "cancelled",
}
PROCUREMENT_METHODS = {
    "open": ("open", "Appel d'offres ouvert"),
    "open_min_capacity": ("open", "Appel d'offres ouvert avec exigence de capacités minimales"),
    "restricted": ("selective", "Appel d'offres restreint"),
    "consultation": ("limited", "Consultation"),
}
CATEGORIES = {
    "works": ("works", None),
    "supplies": ("goods", None),
    "services": ("services", None),
    "studies": ("services", ["consultingServices"]),
}
AWARD_CRITERIA = {"lowest_price": "priceOnly", "weighted": "ratedCriteria"}
AWARD_STATUSES = {"provisional": "pending", "final": "active", "withdrawn": "cancelled", "unsuccessful": "unsuccessful"}
CONTRACT_STATUSES = {"pending_signature": "pending", "signed": "active"}

# Fields whose arrays are replaced whole when merging (``wholeListMerge`` in the release schema).
WHOLE_LIST_FIELDS = frozenset({"additionalIdentifiers", "additionalClassifications"})
# Release fields left out of a compiled release (``omitWhenMerged``).
OMIT_WHEN_MERGED = ("id", "date", "tag")


@dataclass(frozen=True)
class Publisher:
    """Who publishes, and under which ocid prefix and base URL."""

    ocid_prefix: str
    base_url: str
    name: str = "Safkat"

    def package_publisher(self) -> dict:
        return {"name": self.name, "uri": self.base_url + "/"}


def current_publisher() -> Publisher:
    """The running application's settings; the ``SAFKAT_*`` environment outside an application."""
    from flask import current_app, has_app_context

    if has_app_context():
        config = current_app.config
        return Publisher(config.get("OCID_PREFIX") or DEFAULT_OCID_PREFIX, config["BASE_URL"])
    from safkat.config import load_settings

    prefix = os.environ.get("SAFKAT_OCID_PREFIX") or DEFAULT_OCID_PREFIX
    return Publisher(prefix, load_settings().base_url.rstrip("/"))


def make_ocid(tender: Tender, prefix: str) -> str:
    return prefix + tender.url_reference


# --- values ---------------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    """``2026-03-02T09:00:00Z``: UTC, to the second."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _number(centimes: int) -> int | float:
    """Centimes as a JSON number of DZD: whole dinars stay integers."""
    return centimes // 100 if centimes % 100 == 0 else float(Decimal(centimes).scaleb(-2))


def _money(centimes: int) -> dict:
    return {"amount": _number(centimes), "currency": CURRENCY}


def _dzd(centimes: int) -> str:
    return f"{Decimal(centimes).scaleb(-2):f} {CURRENCY}"


def _compact(mapping: dict) -> dict:
    """Drop the keys whose value is ``None`` (absent, not null: null would erase on merge)."""
    return {key: value for key, value in mapping.items() if value is not None}


# --- parties --------------------------------------------------------------------------------


def _region(wilaya_code: str) -> dict:
    wilaya = WILAYAS_BY_CODE.get(wilaya_code)
    return _compact({"region": wilaya.name_fr if wilaya else None, "countryName": COUNTRY})


def authority_party_id(authority: ContractingAuthority) -> str:
    return f"{AUTHORITY_SCHEME}-{authority.code}"


def enterprise_party_id(enterprise: Enterprise) -> str:
    return f"{NIF_SCHEME}-{enterprise.nif}"


def _authority_party(authority: ContractingAuthority) -> dict:
    return {
        "id": authority_party_id(authority),
        "name": authority.name_fr,
        "name_ar": authority.name_ar,
        "identifier": {"scheme": AUTHORITY_SCHEME, "id": authority.code, "legalName": authority.name_fr},
        "address": _region(authority.wilaya_code),
        "roles": ["buyer", "procuringEntity"],
    }


def _enterprise_party(enterprise: Enterprise, roles: list[str]) -> dict:
    return {
        "id": enterprise_party_id(enterprise),
        "name": enterprise.name,
        "identifier": {"scheme": NIF_SCHEME, "id": enterprise.nif, "legalName": enterprise.name},
        "additionalIdentifiers": [{"scheme": NIS_SCHEME, "id": enterprise.nis}],
        "address": _region(enterprise.wilaya_code),
        "roles": roles,
    }


def _reference(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


# --- the snapshot ---------------------------------------------------------------------------


@dataclass
class _Facts:
    """What is public about a tender right now, read once from the database."""

    tender: Tender
    opening: Opening | None
    opened: list[OpenedBid]
    awards: list[LotAward]
    contracts: list[Contract]
    complaints: list[Complaint]
    evaluations: dict[int, LotEvaluation]
    previous: list[tuple[str, str, datetime]]  # (release id, tags, date) of the stored releases


def _read_facts(session: Session, tender: Tender) -> _Facts:
    opening = session.get(Opening, tender.id)
    opened = (
        list(session.scalars(select(OpenedBid).where(OpenedBid.tender_id == tender.id).order_by(OpenedBid.id)))
        if opening is not None
        else []
    )
    lot_numbers = {lot.id: lot.number for lot in tender.lots}
    awards = sorted(
        session.scalars(select(LotAward).where(LotAward.tender_id == tender.id)),
        key=lambda award: (lot_numbers.get(award.lot_id, 0), award.round),
    )
    contracts = list(session.scalars(select(Contract).where(Contract.tender_id == tender.id).order_by(Contract.id)))
    complaints = list(
        session.scalars(
            select(Complaint)
            .where(Complaint.tender_id == tender.id, Complaint.status != "pending")
            .order_by(Complaint.answered_at, Complaint.id)
        )
    )
    evaluations = {
        evaluation.lot_id: evaluation
        for evaluation in session.scalars(select(LotEvaluation).where(LotEvaluation.tender_id == tender.id))
    }
    previous = [
        tuple(row)
        for row in session.execute(
            select(OcdsRelease.release_id, OcdsRelease.tags, OcdsRelease.date)
            .where(OcdsRelease.tender_id == tender.id)
            .order_by(OcdsRelease.id)
        )
    ]
    return _Facts(tender, opening, opened, awards, contracts, complaints, evaluations, previous)


def _lot_item(tender: Tender, lot: Lot) -> dict:
    reserved = " Reserved to micro-enterprises." if lot.is_reserved else ""
    item = {
        "id": f"lot-{lot.number}",
        "description": f"Lot {lot.number}: {lot.title_fr}.{reserved}",
        "description_ar": lot.title_ar,
        "quantity": 1,
    }
    if tender.is_budget_public and lot.estimated_amount is not None:
        item["unit"] = {"name": "lot", "value": _money(lot.estimated_amount)}
    return _compact(item)


def _award_id(award: LotAward, lot_numbers: dict[int, int]) -> str:
    return f"lot-{lot_numbers[award.lot_id]}-award-{award.round}"


def _documents(facts: _Facts, publisher: Publisher) -> list[dict]:
    tender = facts.tender
    base = f"{publisher.base_url}/tenders/{tender.url_reference}/documents/"
    documents = []
    for document in tender.documents:
        published = max(document.uploaded_at, tender.published_at) if tender.published_at else document.uploaded_at
        description = f"{document.original_name}, {document.size_bytes} bytes. SHA-256: {document.sha256}"
        if document.replaced_by_id is not None:
            description += f". Replaced by doc-{document.replaced_by_id}"
        if document.amendment is not None:
            description += f". Published with amendment {document.amendment.number}"
        documents.append(
            {
                "id": f"doc-{document.id}",
                "documentType": "biddingDocuments",
                "title": document.title,
                "description": description + ".",
                "url": base + str(document.id),
                "datePublished": iso(published),
                "format": document.content_type,
                "language": "fr",
            }
        )
    return documents


_AMENDMENT_DESCRIPTIONS = {
    "clarification": "Clarification.",
    "documents": "New or replaced tender documents.",
    "deadline_extension": "Submission deadline extended.",
}


def _amendments(facts: _Facts, release_id: str, tags: list[str], now: datetime) -> list[dict]:
    """The tender's amendments, each pointing at the release that published it."""
    history = [*facts.previous, (release_id, " ".join(tags), now)]
    published = [index for index, (_, rtags, _) in enumerate(history) if "tenderAmendment" in rtags.split()]
    amendments = []
    for amendment in facts.tender.amendments:
        description = _AMENDMENT_DESCRIPTIONS.get(amendment.kind, "")
        if amendment.new_deadline_at is not None:
            description += f" From {iso(amendment.old_deadline_at)} to {iso(amendment.new_deadline_at)}."
        entry = {
            "id": f"amendment-{amendment.number}",
            "date": iso(amendment.created_at),
            "rationale": amendment.reason,
            "description": description,
        }
        # Amendment releases are dated at or after their amendment, one each, in order.
        while published and history[published[0]][2] < amendment.created_at:
            published.pop(0)
        if published:
            index = published.pop(0)
            entry["releaseID"] = history[index][0]
            if index:
                entry["amendsReleaseID"] = history[index - 1][0]
        amendments.append(entry)
    tender = facts.tender
    if tender.status == TenderStatus.CANCELLED and tender.cancelled_at is not None:
        amendments.append(
            {
                "id": "cancellation",
                "date": iso(tender.cancelled_at),
                "rationale": tender.cancel_reason,
                "description": "The call for tender was cancelled.",
            }
        )
    return amendments


def _award_criteria_details(tender: Tender) -> str:
    if tender.award_method == "weighted":
        criteria = "; ".join(f"{c.label} ({c.max_points} points)" for c in tender.criteria)
        text = (
            f"Economically most advantageous offer: technical score {tender.technical_weight} %, "
            f"financial score {tender.financial_weight} %. Technical criteria: {criteria}."
        )
    else:
        text = "Lowest price among compliant offers."
    if tender.national_preference:
        text += " National preference applies."
    return text


def _eligibility(tender: Tender) -> str | None:
    lines = [line.strip() for line in tender.required_documents.splitlines() if line.strip()]
    text = ("Required documents: " + "; ".join(lines) + ".") if lines else ""
    reserved = [str(lot.number) for lot in tender.lots if lot.is_reserved]
    if reserved:
        text += f" Lot(s) {', '.join(reserved)} reserved to micro-enterprises."
    return text.strip() or None


def _tender_section(
    facts: _Facts, publisher: Publisher, buyer: dict, tenderers: list[dict], release_id: str, tags: list[str], now
) -> dict:
    tender = facts.tender
    method, method_details = PROCUREMENT_METHODS[tender.procedure]
    category, more_categories = CATEGORIES[tender.category]
    section = {
        "id": tender.reference,
        "title": tender.title_fr,
        "title_ar": tender.title_ar,
        "description": tender.description_fr,
        "description_ar": tender.description_ar,
        "status": TENDER_STATUSES.get(tender.status),
        "procuringEntity": buyer,
        "items": [_lot_item(tender, lot) for lot in tender.lots],
        "value": _money(tender.estimated_budget)
        if tender.is_budget_public and tender.estimated_budget is not None
        else None,
        "procurementMethod": method,
        "procurementMethodDetails": method_details,
        "mainProcurementCategory": category,
        "additionalProcurementCategories": more_categories,
        "awardCriteria": AWARD_CRITERIA[tender.award_method],
        "awardCriteriaDetails": _award_criteria_details(tender),
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": f"Sealed electronic bids on {publisher.base_url}/tenders/{tender.url_reference}",
        "tenderPeriod": _compact(
            {"startDate": iso(tender.published_at), "endDate": iso(tender.submission_deadline_at)}
        ),
        "enquiryPeriod": _compact({"startDate": iso(tender.published_at), "endDate": iso(tender.enquiry_deadline_at)}),
        "hasEnquiries": bool(tender.questions),
        "eligibilityCriteria": _eligibility(tender),
        "documents": _documents(facts, publisher) or None,
        "amendments": _amendments(facts, release_id, tags, now) or None,
    }
    if facts.opening is not None:  # sealed until then: who bid is not known before
        section["numberOfTenderers"] = len(tenderers)
        section["tenderers"] = tenderers
    return _compact(section)


def _complaint_notes(facts: _Facts, award: LotAward) -> str:
    later = [other.published_at for other in facts.awards if other.lot_id == award.lot_id and other.round > award.round]
    notes = []
    for complaint in facts.complaints:
        if complaint.lot_id != award.lot_id or complaint.lodged_at < award.published_at:
            continue
        if later and complaint.lodged_at >= min(later):
            continue
        notes.append(f" Complaint {complaint.status} on {iso(complaint.answered_at)}: {complaint.answer}")
    return "".join(notes)


def _award(facts: _Facts, award: LotAward, lots: dict[int, Lot], parties: dict[int, dict]) -> dict:
    lot = lots[award.lot_id]
    lot_numbers = {lot_id: each.number for lot_id, each in lots.items()}
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
            description += f" Amount including VAT: {_dzd(award.amount_incl_vat)}."
    description += f" Bids on this lot: {award.bids_count}." + _complaint_notes(facts, award)
    entry = {
        "id": _award_id(award, lot_numbers),
        "title": f"Lot {lot.number}: {lot.title_fr}",
        "description": description,
        "status": AWARD_STATUSES[award.status],
        "date": iso(award.finalized_at or award.published_at),
        "value": _money(award.amount) if award.amount is not None else None,
        "suppliers": [_reference(parties[award.enterprise_id])] if award.enterprise_id in parties else None,
        "items": [_lot_item(facts.tender, lot)],
    }
    return _compact(entry)


def _contract(facts: _Facts, contract: Contract, lots: dict[int, Lot], awards_by_id: dict[int, LotAward]) -> dict:
    lot = lots[contract.lot_id]
    lot_numbers = {lot_id: each.number for lot_id, each in lots.items()}
    award_id = _award_id(awards_by_id[contract.lot_award_id], lot_numbers)
    return _compact(
        {
            "id": f"{award_id}-contract",
            "awardID": award_id,
            "title": f"Lot {lot.number}: {lot.title_fr}",
            "description": f"Amount including VAT: {_dzd(contract.amount_incl_vat)}.",
            "status": CONTRACT_STATUSES[contract.status],
            "value": _money(contract.amount),
            "items": [_lot_item(facts.tender, lot)],
            "dateSigned": iso(contract.signed_at),
        }
    )


def _statistics(facts: _Facts, lots: dict[int, Lot], bidders: int) -> list[dict]:
    """Bid statistics (bid extension): counts from the opening, amounts as read out there."""
    statistics = [
        {"id": "bids", "measure": "bids", "value": len(facts.opened)},
        {"id": "bidders", "measure": "bidders", "value": bidders},
    ]
    read: dict[int, list[int]] = {lot.number: [] for lot in lots.values()}
    for row in facts.opened:
        for number, amounts in json.loads(row.amounts or "{}").items():
            read.setdefault(int(number), []).append(int(amounts["excl_vat"]))
    current = {}
    for award in facts.awards:
        if award.status != "withdrawn":
            current[award.lot_id] = award
    for lot in sorted(lots.values(), key=lambda each: each.number):
        key, notes = f"lot-{lot.number}", f"Lot {lot.number}"
        amounts = read.get(lot.number, [])
        statistics.append({"id": f"{key}-bids", "measure": "bids", "value": len(amounts), "relatedLot": key})
        if amounts:
            for measure, value in (("lowestBidValue", min(amounts)), ("highestBidValue", max(amounts))):
                statistics.append(
                    {
                        "id": f"{key}-{measure}",
                        "measure": measure,
                        "value": _number(value),
                        "currency": CURRENCY,
                        "notes": f"{notes}: amount excluding VAT as read out at the opening.",
                        "relatedLot": key,
                    }
                )
        evaluation = facts.evaluations.get(lot.id)
        if lot.id not in current or evaluation is None or evaluation.status != "locked":
            continue  # the evaluation is public only with its award
        valid = [assessment.amount for assessment in evaluation.assessments if assessment.rank is not None]
        statistics.append({"id": f"{key}-validBids", "measure": "validBids", "value": len(valid), "relatedLot": key})
        if valid:
            for measure, value in (("lowestValidBidValue", min(valid)), ("highestValidBidValue", max(valid))):
                statistics.append(
                    {
                        "id": f"{key}-{measure}",
                        "measure": measure,
                        "value": _number(value),
                        "currency": CURRENCY,
                        "notes": f"{notes}: amount excluding VAT after arithmetic correction.",
                        "relatedLot": key,
                    }
                )
    return statistics


def build_release(
    session: Session, tender: Tender, tags: list[str], now: datetime, publisher: Publisher, release_id: str
) -> dict:
    """The release: everything the public may know of ``tender`` at ``now``."""
    facts = _read_facts(session, tender)
    lots = {lot.id: lot for lot in tender.lots}
    buyer_party = _authority_party(tender.authority)
    buyer = _reference(buyer_party)

    enterprise_parties: dict[int, dict] = {}
    if facts.opening is not None:  # before the opening no firm is named
        suppliers = {a.enterprise_id for a in facts.awards if a.status in ("provisional", "final")}
        suppliers |= {contract.enterprise_id for contract in facts.contracts}
        for row in facts.opened:
            enterprise = row.bid.enterprise
            if enterprise.id not in enterprise_parties:
                roles = ["tenderer", "supplier"] if enterprise.id in suppliers else ["tenderer"]
                enterprise_parties[enterprise.id] = _enterprise_party(enterprise, roles)
    tenderers = [_reference(party) for party in enterprise_parties.values()]

    release = {
        "ocid": make_ocid(tender, publisher.ocid_prefix),
        "id": release_id,
        "date": iso(now),
        "tag": list(tags),
        "initiationType": "tender",
        "language": "fr",
        "parties": [buyer_party, *enterprise_parties.values()],
        "buyer": buyer,
        "tender": _tender_section(facts, publisher, buyer, tenderers, release_id, tags, now),
    }
    if facts.awards:
        release["awards"] = [_award(facts, award, lots, enterprise_parties) for award in facts.awards]
    if facts.contracts:
        awards_by_id = {award.id: award for award in facts.awards}
        release["contracts"] = [_contract(facts, contract, lots, awards_by_id) for contract in facts.contracts]
    if facts.opening is not None:
        release["bids"] = {"statistics": _statistics(facts, lots, len(enterprise_parties))}
    return release


def record_release(
    session: Session, tender: Tender, tags: list[str], now: datetime, publisher: Publisher | None = None
) -> OcdsRelease | None:
    """Build and store the release of a public change of ``tender``, tagged ``tags``.

    Called once at the end of each service that changes a tender publicly, inside its
    transaction: the release is committed, or rolled back, with the change itself.
    """
    if tender.reference is None:  # a draft is not public
        return None
    publisher = publisher or current_publisher()
    session.flush()
    # The tender's row lock (PostgreSQL; SQLite writes one at a time anyway) orders the
    # releases of a tender: two changes at once never take the same number or snapshot.
    session.execute(select(Tender.id).where(Tender.id == tender.id).with_for_update())
    ocid = make_ocid(tender, publisher.ocid_prefix)
    count, latest = session.execute(
        select(func.count(OcdsRelease.id), func.max(OcdsRelease.date)).where(OcdsRelease.tender_id == tender.id)
    ).one()
    # Each release is a full snapshot, so it must also be the latest by date, or the compiled
    # release would let an older snapshot win: never date a release before the previous one
    # (servers' clocks differ slightly; demo data is recorded out of order).
    date = max(now, latest) if latest is not None else now
    release_id = f"{ocid}-{count + 1:02d}"
    release = build_release(session, tender, tags, date, publisher, release_id)
    row = OcdsRelease(
        ocid=ocid,
        release_id=release_id,
        tags=" ".join(tags),
        date=date,
        tender_id=tender.id,
        release=dumps(release),
    )
    session.add(row)
    session.flush()
    return row


# --- packages -------------------------------------------------------------------------------


def releases_of(session: Session, ocid: str) -> list[OcdsRelease]:
    """The releases of one contracting process, oldest first (same date: in the order recorded)."""
    query = select(OcdsRelease).where(OcdsRelease.ocid == ocid).order_by(OcdsRelease.date, OcdsRelease.id)
    return list(session.scalars(query))


def bulk_query(since: datetime | None, up_to_id: int | None = None) -> Select:
    """Releases dated ``since`` or later, oldest first (the bulk endpoint and the export)."""
    query = select(OcdsRelease).order_by(OcdsRelease.date, OcdsRelease.id)
    if since is not None:
        query = query.where(OcdsRelease.date >= since)
    if up_to_id is not None:
        query = query.where(OcdsRelease.id <= up_to_id)
    return query


def package_metadata(uri: str, publisher: Publisher, published: datetime, extensions: Sequence[str]) -> dict:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(extensions),
        "publishedDate": iso(published),
        "publisher": publisher.package_publisher(),
    }


def iter_release_package(metadata: dict, releases: Iterable[str]) -> Iterator[str]:
    """A release package as JSON text, in pieces: stored releases are copied, not re-encoded."""
    head = dumps(metadata)
    yield head[:-1] + ',"releases":[\n'
    for index, text in enumerate(releases):
        yield (",\n" if index else "") + text
    yield "\n]}\n"


def release_package_text(metadata: dict, releases: Iterable[str]) -> str:
    return "".join(iter_release_package(metadata, releases))


def dumps(document: dict) -> str:
    """Compact JSON, UTF-8 characters kept as they are."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


class BulkExport:
    """Every release dated ``since`` or later, as one release package, streamed.

    The releases to export are fixed when the export is created (those recorded while it
    runs are left for the next one); :meth:`write` reads them in batches and copies each
    one to the output, never holding them all in memory.
    """

    def __init__(self, session: Session, since: datetime | None = None, batch_size: int = 500):
        self.session, self.since, self.batch_size = session, since, batch_size
        self.up_to_id = session.scalar(select(func.max(OcdsRelease.id)))
        summary = (
            bulk_query(since, self.up_to_id)
            .order_by(None)
            .with_only_columns(func.count(OcdsRelease.id), func.max(OcdsRelease.date))
        )
        self.count, self.latest = session.execute(summary).one()

    def _texts(self, on_release) -> Iterator[str]:
        query = bulk_query(self.since, self.up_to_id).with_only_columns(OcdsRelease.release)
        for text in self.session.scalars(query.execution_options(yield_per=self.batch_size)):
            yield text
            if on_release is not None:
                on_release()

    def write(self, out: IO[str], *, uri: str, publisher: Publisher, on_release=None) -> int:
        """Write the package into ``out``; returns how many releases it holds (none: nothing written)."""
        if not self.count:
            return 0
        metadata = package_metadata(uri, publisher, self.latest, [BID_EXTENSION])
        for piece in iter_release_package(metadata, self._texts(on_release)):
            out.write(piece)
        return self.count


# --- records and the merge ------------------------------------------------------------------


def compile_releases(releases: Sequence[dict]) -> dict:
    """The compiled release of one contracting process, by the OCDS merge rules.

    - Releases are taken in date order (a stable sort: same-date releases keep their order).
    - ``id``, ``date`` and ``tag`` of releases are not merged (``omitWhenMerged``); the
      compiled release gets its own id, the latest date and the tag ``compiled``.
    - Objects merge field by field, recursively: the latest value of each field wins; a
      field absent from a later release keeps its earlier value; a field set to ``null``
      in a later release is removed.
    - Arrays whose items are all objects with an ``id`` merge item by item, by ``id``: an
      item seen before merges (recursively) with its earlier self and keeps its position;
      new items are appended. ``additionalIdentifiers`` and ``additionalClassifications``
      (``wholeListMerge``), arrays of plain values, empty arrays and arrays with an item
      without ``id`` are replaced whole by the latest value.
    """
    if not releases:
        raise ValueError("no release to compile")
    ordered = sorted(releases, key=lambda release: parse_iso(release["date"]))
    body: dict = {}
    for release in ordered:
        body = _merge_object(body, {k: v for k, v in release.items() if k not in OMIT_WHEN_MERGED})
    latest = ordered[-1]
    ocid = latest["ocid"]
    body.pop("ocid", None)
    return {"ocid": ocid, "id": f"{ocid}-compiled", "date": latest["date"], "tag": ["compiled"], **body}


def _is_identified(items: list) -> bool:
    return bool(items) and all(isinstance(item, dict) and "id" in item for item in items)


def _merge_object(earlier: dict, later: dict) -> dict:
    merged = dict(earlier)
    for key, value in later.items():
        previous = merged.get(key)
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict):
            merged[key] = _merge_object(previous if isinstance(previous, dict) else {}, value)
        elif isinstance(value, list) and key not in WHOLE_LIST_FIELDS and _is_identified(value):
            earlier_items = previous if isinstance(previous, list) and _is_identified(previous) else []
            merged[key] = _merge_by_id(earlier_items, value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _merge_by_id(earlier: list[dict], later: list[dict]) -> list[dict]:
    items: dict = {}
    for item in earlier:
        items[_identity(item["id"])] = item
    for item in later:
        key = _identity(item["id"])
        items[key] = _merge_object(items.get(key, {}), item)
    return list(items.values())


def _identity(value: object) -> tuple[str, object]:
    """Ids compare by type and value: ``1`` and ``"1"`` are different items."""
    return (type(value).__name__, value)


def record_package(releases: Sequence[OcdsRelease], *, uri: str, package_uri: str, publisher: Publisher) -> dict:
    """The record package of one ocid: linked releases and the compiled release."""
    parsed = [json.loads(row.release) for row in releases]
    latest = max(row.date for row in releases)
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [BID_EXTENSION],
        "publishedDate": iso(latest),
        "publisher": publisher.package_publisher(),
        "packages": [package_uri],
        "records": [
            {
                "ocid": releases[0].ocid,
                "releases": [
                    {"url": f"{package_uri}#{row.release_id}", "date": iso(row.date), "tag": row.tag_list}
                    for row in sorted(releases, key=lambda row: (row.date, row.id))  # date order, as required
                ],
                "compiledRelease": compile_releases(parsed),
            }
        ],
    }
