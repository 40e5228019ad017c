"""The plain values of each document, built from the database objects.

One function per kind of document: ``values(subject, lang) -> dict``. What it returns is
all the template sees (strings, numbers, booleans, aware datetimes, lists and dicts of
them), so a template cannot reach into the database, and the values' canonical JSON tells
whether a document's content changed (see :func:`safkat.documents.services.content_digest`).

Labels are returned as untranslated message ids, marked with ``N_`` so that they are
extracted; the template translates them in the document's language. Texts that may exist
in one language only (a tender's Arabic title, say) come as ``{"text": ..., "lang": ...}``
so that the template can set their direction.
"""

from __future__ import annotations

import json

from markupsafe import Markup
from sqlalchemy.orm import object_session

from safkat.bids.models import Opening, Receipt, TenderKey
from safkat.bids.services import minutes_rows
from safkat.bilingual import pick_version
from safkat.errors import N_
from safkat.markup import render_markdown
from safkat.tenders.lot_labels import strip_lot_label
from safkat.tenders.models import Tender
from safkat.wilayas import WILAYAS_BY_CODE

RECEIPT_OPERATIONS = {
    "submission": N_("Submission"),
    "replacement": N_("Replacement"),
    "withdrawal": N_("Withdrawal"),
}
ENVELOPE_LABELS = {
    "application": N_("Application file"),
    "technical": N_("Technical offer"),
    "financial": N_("Financial offer"),
}
CATEGORY_LABELS = {
    "works": N_("Works"),
    "supplies": N_("Supplies"),
    "services": N_("Services"),
    "studies": N_("Studies"),
}
PROCEDURE_LABELS = {
    "open": N_("Open national call for tender"),
    "open_min_capacity": N_("Open call with minimum capacities"),
    "restricted": N_("Restricted call for tender"),
    "consultation": N_("Consultation"),
}
AWARD_METHOD_LABELS = {
    "lowest_price": N_("Lowest price among compliant offers"),
    "weighted": N_("Most advantageous offer (weighted technical and financial scores)"),
}
AMENDMENT_LABELS = {
    "documents": N_("Documents added or replaced"),
    "clarification": N_("Clarification"),
    "deadline_extension": N_("Deadline extended"),
    "commission": N_("Commission changed"),
}


def localized(arabic: str | None, french: str | None, lang: str) -> dict:
    """The document's language version of a text, else the other one (the template marks it)."""
    version = pick_version(french, arabic, lang)
    return {"text": version.text, "lang": version.lang}


def tender_heading(tender: Tender, lang: str) -> dict:
    return {
        "authority": tender.authority.name(lang),
        "reference": tender.reference,
        "tender": {"reference": tender.reference, "title": localized(tender.title_ar, tender.title_fr, lang)},
    }


def _title_after_label(lot, lang: str) -> dict:
    """The lot's title without a "Lot 3 —" that the receipt already prints before it."""
    title = localized(lot.title_ar, lot.title_fr, lang)
    return {**title, "text": strip_lot_label(title["text"], lot.number)}


def bid_receipt_values(receipt: Receipt, lang: str) -> dict:
    """An acknowledgement of a submission, replacement or withdrawal. No amount: the bid is sealed."""
    payload = json.loads(receipt.payload)
    bid = receipt.bid
    lots = {lot.number: lot for lot in bid.tender.lots}
    return {
        **tender_heading(bid.tender, lang),
        "operation": RECEIPT_OPERATIONS.get(receipt.kind, receipt.kind),
        "is_withdrawal": receipt.kind == "withdrawal",
        "enterprise": {"name": bid.enterprise.name, "nif": payload["enterprise_nif"]},
        "lots": [
            {"number": number, "title": _title_after_label(lots[number], lang)}
            for number in payload["lots"]
            if number in lots
        ],
        "received_at": receipt.created_at,
        "digest": payload["digest"],
        "envelopes": [
            {"kind": ENVELOPE_LABELS.get(envelope["kind"], envelope["kind"]), "sha256": envelope["sha256"]}
            for envelope in payload["envelopes"]
        ],
        "receipt_signature": receipt.signature,
        "signatures": [],  # the platform's electronic signature only
    }


def opening_minutes_values(opening: Opening, lang: str) -> dict:
    """Everything read out at the opening: each bidder, its envelopes, amounts and digest."""
    tender = object_session(opening).get(Tender, opening.tender_id)
    rows = []
    for number, row in enumerate(minutes_rows(opening), start=1):
        rows.append(
            {
                "number": number,
                "enterprise": row["enterprise"].name,
                "nif": row["enterprise"].nif,
                "submitted_at": row["submitted_at"],
                "is_intact": row["is_intact"],
                "problem": row["problem"],
                "has_application": bool(row["envelopes"].get("application")),
                "has_technical": bool(row["envelopes"].get("technical") or row["statement"]),
                "has_financial": row["has_offer"],
                "amounts": [
                    {"lot": lot, "excl_vat": amount["excl_vat"], "total": amount["total"]}
                    for lot, amount in row["amounts"]
                ],
                "digest": row["digest"],
            }
        )
    from safkat.commission.services import presences

    present = presences(object_session(opening), opening.tender_id)
    chair = tender.commission.chair.user_id if tender.commission and tender.commission.chair else None
    members = [
        {"name": p.user.full_name, "confirmed_at": p.confirmed_at, "is_chair": p.user_id == chair} for p in present
    ]
    if not members:  # an opening from before the commission's sessions: the names typed then
        members = [
            {"name": name.strip(), "confirmed_at": None, "is_chair": False} for name in opening.commission.splitlines()
        ]
        members = [member for member in members if member["name"]]
    signatures = [
        {
            "role": N_("The chair of the commission") if m["is_chair"] else N_("Member of the commission"),
            "name": m["name"],
        }
        for m in members
    ] or [
        {"role": N_("The chair of the commission"), "name": ""},
        {"role": N_("Member of the commission"), "name": ""},
    ]
    return {
        **tender_heading(tender, lang),
        "opened_at": opening.opened_at,
        "opening_place": localized(tender.opening_place_ar, tender.opening_place, lang),
        "commission": members,
        "rows": rows,
        "superseded_count": opening.superseded_count,
        "withdrawn_count": opening.withdrawn_count,
        "signatures": signatures,
    }


def _commission(tender: Tender) -> dict | None:
    """The commission as named for the record: members (the chair first) and quorum."""
    commission = tender.commission
    if commission is None:
        return None
    members = [{"name": m.user.full_name, "is_chair": m.is_chair} for m in commission.members]
    return {"members": members, "quorum": commission.quorum}


def tender_notice_values(tender: Tender, lang: str) -> dict:
    """The call for tender as published, with its amendments and, if so, its cancellation."""
    key = object_session(tender).get(TenderKey, tender.id)
    description = localized(tender.description_ar, tender.description_fr, lang)
    budget_public = tender.is_budget_public
    return {
        **tender_heading(tender, lang),
        "description": {"html": Markup(render_markdown(description["text"])), "lang": description["lang"]},
        "category": CATEGORY_LABELS.get(tender.category, tender.category),
        "procedure": PROCEDURE_LABELS.get(tender.procedure, tender.procedure),
        "award_method": AWARD_METHOD_LABELS.get(tender.award_method, tender.award_method),
        "is_weighted": tender.award_method == "weighted",
        "technical_weight": tender.technical_weight,
        "financial_weight": tender.financial_weight,
        "criteria": [
            {"label": localized(c.label_ar, c.label, lang), "max_points": c.max_points} for c in tender.criteria
        ],
        "wilayas": [WILAYAS_BY_CODE[code].name(lang) for code in tender.wilaya_codes if code in WILAYAS_BY_CODE],
        "sectors": [sector.name(lang) for sector in tender.sectors],
        "budget": tender.estimated_budget if budget_public else None,
        "lots": [
            {
                "number": lot.number,
                "title": localized(lot.title_ar, lot.title_fr, lang),
                "estimated_amount": lot.estimated_amount if budget_public else None,
                "is_reserved": lot.is_reserved,
            }
            for lot in tender.lots
        ],
        "published_at": tender.published_at,
        "enquiry_deadline_at": tender.enquiry_deadline_at,
        "submission_deadline_at": tender.submission_deadline_at,
        "opening_at": tender.opening_at,
        "opening_place": localized(tender.opening_place_ar, tender.opening_place, lang),
        "commission": _commission(tender),
        "bid_validity_days": tender.bid_validity_days,
        "national_preference": tender.national_preference,
        "required_documents": localized(tender.required_documents_ar, tender.required_documents, lang),
        "documents": [{"title": d.title, "sha256": d.sha256} for d in tender.current_documents],
        "amendments": [
            {
                "number": amendment.number,
                "kind": AMENDMENT_LABELS.get(amendment.kind, amendment.kind),
                "created_at": amendment.created_at,
                "reason": localized(amendment.reason_ar, amendment.reason, lang),
                "old_deadline_at": amendment.old_deadline_at,
                "new_deadline_at": amendment.new_deadline_at,
            }
            for amendment in tender.amendments
        ],
        "cancellation": (
            {"at": tender.cancelled_at, "reason": localized(tender.cancel_reason_ar, tender.cancel_reason, lang)}
            if tender.status == "cancelled"
            else None
        ),
        "key_fingerprint": key.fingerprint if key else "",
        "signatures": [{"role": N_("The contracting authority"), "name": tender.authority.name(lang)}],
    }
