"""The release's ``tender`` section: the call for tender, its lots, documents and amendments."""

from __future__ import annotations

from datetime import datetime

from safkat.opendata.ocds.facts import Facts
from safkat.opendata.ocds.publisher import Publisher
from safkat.opendata.ocds.values import compact, iso, money
from safkat.tenders.models import Lot, Tender, TenderStatus

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


def lot_item(tender: Tender, lot: Lot) -> dict:
    """A lot as a core item (id ``lot-<n>``): awards and contracts point at it the same way."""
    reserved = " Reserved to micro-enterprises." if lot.is_reserved else ""
    item = {
        "id": f"lot-{lot.number}",
        "description": f"Lot {lot.number}: {lot.title_fr}.{reserved}",
        "description_ar": lot.title_ar,
        "quantity": 1,
    }
    if tender.is_budget_public and lot.estimated_amount is not None:
        item["unit"] = {"name": "lot", "value": money(lot.estimated_amount)}
    return compact(item)


def _documents(facts: Facts, publisher: Publisher) -> list[dict]:
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
    if facts.opening is not None:
        documents.append(_opening_minutes(facts, publisher))
    return documents


def _opening_minutes(facts: Facts, publisher: Publisher) -> dict:
    """The minutes of the opening session, naming the commission members present and when."""
    present = "; ".join(f"{p.user.full_name} (confirmed {iso(p.confirmed_at)})" for p in facts.presences)
    description = f"Minutes of the opening of the bids at {iso(facts.opening.opened_at)}"
    if present:
        description += f", by the commission members present: {present}. Each declared no conflict of interest"
    return {
        "id": "opening-minutes",
        "documentType": "evaluationReports",
        "title": "Opening minutes",
        "description": description + ".",
        "url": f"{publisher.base_url}/tenders/{facts.tender.url_reference}/opening",
        "datePublished": iso(facts.opening.opened_at),
        "format": "text/html",
        "language": "fr",
    }


_AMENDMENT_DESCRIPTIONS = {
    "clarification": "Clarification.",
    "documents": "New or replaced tender documents.",
    "deadline_extension": "Submission deadline extended.",
    "commission": "Opening and evaluation commission changed.",
}


def _amendments(facts: Facts, release_id: str, tags: list[str], now: datetime) -> list[dict]:
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
        if amendment.reason_ar:  # OCDS's own way to translate a text field: ``<field>_<lang>``
            entry["rationale_ar"] = amendment.reason_ar
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
        cancellation = {
            "id": "cancellation",
            "date": iso(tender.cancelled_at),
            "rationale": tender.cancel_reason,
            "description": "The call for tender was cancelled.",
        }
        if tender.cancel_reason_ar:
            cancellation["rationale_ar"] = tender.cancel_reason_ar
        amendments.append(cancellation)
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


def tender_section(
    facts: Facts,
    publisher: Publisher,
    buyer: dict,
    tenderers: list[dict],
    release_id: str,
    tags: list[str],
    now: datetime,
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
        "items": [lot_item(tender, lot) for lot in tender.lots],
        "value": money(tender.estimated_budget)
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
        "tenderPeriod": compact({"startDate": iso(tender.published_at), "endDate": iso(tender.submission_deadline_at)}),
        "contractPeriod": {"durationInDays": tender.execution_days} if tender.execution_days else None,
        "enquiryPeriod": compact({"startDate": iso(tender.published_at), "endDate": iso(tender.enquiry_deadline_at)}),
        "hasEnquiries": bool(tender.questions),
        "eligibilityCriteria": _eligibility(tender),
        "documents": _documents(facts, publisher) or None,
        "amendments": _amendments(facts, release_id, tags, now) or None,
    }
    if facts.opening is not None:  # sealed until then: who bid is not known before
        section["numberOfTenderers"] = len(tenderers)
        if tenderers:  # an empty array says nothing that numberOfTenderers does not
            section["tenderers"] = tenderers
    return compact(section)
