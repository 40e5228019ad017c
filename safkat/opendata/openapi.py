"""The OpenAPI 3.0.3 description of ``/api/v1``, written by hand as plain dicts.

Schemas list every field, mark what may be ``null`` and forbid undocumented fields, so the
tests can validate each response against this document (and catch a field that leaks).
"""

from __future__ import annotations

from safkat.tenders.filters import MAX_AMOUNT_DZD, PUBLIC_STATUSES, SORTS
from safkat.tenders.models import AmendmentKind, AwardMethod, Category, Procedure
from safkat.tenders.queries import PER_PAGE
from safkat.wilayas import WILAYAS_BY_CODE

VERSION = "1.0.0"
MAX_PER_PAGE = 100
# A tender reference in its URL form: the authority code (safkat.accounts.validators), the year
# and the sequence, e.g. AT-ORN-2026-0042. Anything else is not a tender (404).
URL_REFERENCE_PATTERN = r"^[A-Z][A-Z0-9]{1,7}(-[A-Z0-9]{2,6})?-[0-9]{4}-[0-9]{4,}$"


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _object(properties: dict, description: str | None = None) -> dict:
    """An object whose properties are all required (possibly null) and nothing else allowed."""
    schema = {"type": "object", "required": list(properties), "properties": properties, "additionalProperties": False}
    return {"description": description, **schema} if description else schema


STRING = {"type": "string"}
ARABIC = {"type": "string", "nullable": True, "description": "Arabic version; null when the officer wrote none."}
BOOLEAN = {"type": "boolean"}
INTEGER = {"type": "integer"}
DATE_TIME = {"type": "string", "format": "date-time", "description": "UTC, ISO 8601, e.g. 2026-03-02T09:00:00Z"}
URL = {"type": "string", "format": "uri"}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}
MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": "Amount in DZD, e.g. 1500000.00"}


def _bilingual(ar_nullable: bool = True) -> dict:
    return _object({"fr": STRING, "ar": _nullable(STRING) if ar_nullable else STRING})


def _summary_properties() -> dict:
    return {
        "reference": {**STRING, "example": "AT-ORN/2026/0042"},
        "url": {**URL, "description": "The tender's public page."},
        "title": _bilingual(),
        "status": {"type": "string", "enum": list(PUBLIC_STATUSES)},
        "category": {"type": "string", "enum": [c.value for c in Category]},
        "procedure": {"type": "string", "enum": [p.value for p in Procedure]},
        "authority": _object({"code": STRING, "name": _bilingual(ar_nullable=False)}),
        "wilayas": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{2}$"}},
        "sectors": {"type": "array", "items": STRING},
        "estimated_budget": _nullable({**MONEY, "description": "Null unless the authority publishes it."}),
        "currency": {"type": "string", "enum": ["DZD"]},
        "published_at": _nullable(DATE_TIME),
        "enquiry_deadline_at": _nullable(DATE_TIME),
        "submission_deadline_at": _nullable(DATE_TIME),
        "opening_at": _nullable(DATE_TIME),
        "has_reserved_lot": {**BOOLEAN, "description": "A lot is reserved to micro-enterprises."},
        "lots_count": {"type": "integer", "minimum": 0},
    }


def _detail_properties() -> dict:
    lot = _object(
        {
            "number": {"type": "integer", "minimum": 1},
            "title": _bilingual(),
            "description": STRING,
            "estimated_amount": _nullable({**MONEY, "description": "Null when the budget is not public."}),
            "is_reserved": BOOLEAN,
        }
    )
    document = _object(
        {
            "title": STRING,
            "file_name": STRING,
            "content_type": STRING,
            "size_bytes": {"type": "integer", "minimum": 0},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "uploaded_at": DATE_TIME,
            "url": {**URL, "description": "Download address."},
        }
    )
    amendment = _object(
        {
            "number": {"type": "integer", "minimum": 1},
            "kind": {"type": "string", "enum": [k.value for k in AmendmentKind]},
            "reason": STRING,
            "reason_ar": ARABIC,
            "created_at": DATE_TIME,
            "old_deadline_at": _nullable(DATE_TIME),
            "new_deadline_at": _nullable(DATE_TIME),
        }
    )
    question = _object(
        {"question": STRING, "answer": STRING, "answer_ar": ARABIC, "answered_at": DATE_TIME},
        "An answered question; the asker is never published.",
    )
    criterion = _object({"label": STRING, "label_ar": ARABIC, "max_points": {"type": "integer", "minimum": 1}})
    weight = _nullable(
        {
            "type": "integer",
            "minimum": 0,
            "maximum": 100,
            "description": "Percent; null unless award_method is weighted.",
        }
    )
    return {
        "description": _object({"fr": STRING, "ar": _nullable(STRING)}, "Markdown source."),
        "opening_place": STRING,
        "opening_place_ar": ARABIC,
        "bid_validity_days": {"type": "integer", "minimum": 0},
        "execution_days": _nullable({"type": "integer", "minimum": 1}),
        "national_preference": BOOLEAN,
        "required_documents": {"type": "array", "items": STRING},
        "required_documents_ar": {
            "type": "array",
            "items": STRING,
            "description": "Arabic version, one item per document; empty when the officer wrote none.",
        },
        "award_method": {"type": "string", "enum": [m.value for m in AwardMethod]},
        "technical_weight": weight,
        "financial_weight": weight,
        "criteria": {"type": "array", "items": criterion},
        "lots": {"type": "array", "items": lot},
        "documents": {"type": "array", "items": document, "description": "Current documents only."},
        "amendments": {"type": "array", "items": amendment},
        "questions": {"type": "array", "items": question},
        "cancelled_at": _nullable(DATE_TIME),
        "cancel_reason": _nullable(STRING),
        "cancel_reason_ar": ARABIC,
    }


def _schemas() -> dict:
    page_link = _nullable(URL)
    return {
        "TenderSummary": _object(_summary_properties()),
        "Tender": _object(_summary_properties() | _detail_properties()),
        "TenderList": _object(
            {
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/TenderSummary"}},
                "meta": _object(
                    {
                        "page": {"type": "integer", "minimum": 1},
                        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                        "total": {
                            "type": "integer",
                            "minimum": 0,
                            "description": "Exact up to 1,000; above, rounded and up to 5 minutes old.",
                        },
                        "total_is_exact": {"type": "boolean"},
                        "pages": {"type": "integer", "minimum": 1},
                    }
                ),
                "links": _object({"self": URL, "next": page_link, "prev": page_link}),
            }
        ),
        "TenderResponse": _object({"data": {"$ref": "#/components/schemas/Tender"}}),
        "Error": _object({"error": _object({"code": {"type": "integer"}, "message": STRING})}),
    }


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _parameters() -> dict:
    return {
        "q": _query(
            "q",
            STRING,
            "Words searched in titles, descriptions, lots, reference and authority, in French "
            "or Arabic; each word as a prefix; accents and Arabic letter variants are ignored. "
            "Cut after 200 characters and 8 words.",
        ),
        "status": _query("status", {"type": "string", "enum": list(PUBLIC_STATUSES)}, "Public status."),
        "category": _query("category", {"type": "string", "enum": [c.value for c in Category]}, "Category."),
        "procedure": _query("procedure", {"type": "string", "enum": [p.value for p in Procedure]}, "Procedure."),
        "wilaya": _query("wilaya", {"type": "string", "enum": list(WILAYAS_BY_CODE)}, "Wilaya code (01-58)."),
        "sector": _query("sector", STRING, "Sector code, e.g. telecom_networks."),
        "authority": _query("authority", STRING, "Contracting authority code."),
        "reserved": _query("reserved", BOOLEAN, "Only tenders with a lot reserved to micro-enterprises."),
        "deadline_from": _query(
            "deadline_from",
            {"type": "string", "format": "date"},
            "Submission deadline on or after this day (Algiers time).",
        ),
        "deadline_to": _query(
            "deadline_to",
            {"type": "string", "format": "date"},
            "Submission deadline on or before this day (Algiers time).",
        ),
        "budget_min": _query(
            "budget_min",
            {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_DZD},
            "Public estimated budget at least this many DZD (hides tenders without one).",
        ),
        "budget_max": _query(
            "budget_max",
            {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_DZD},
            "Public estimated budget at most this many DZD (hides tenders without one).",
        ),
        "sort": _query(
            "sort",
            {"type": "string", "enum": list(SORTS), "default": "relevance"},
            "relevance: open tenders first, nearest deadline first, then the newest.",
        ),
        "page": _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
        "per_page": _query(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": PER_PAGE},
            "Tenders per page.",
        ),
        "url_reference": {
            "name": "url_reference",
            "in": "path",
            "required": True,
            "schema": {**STRING, "pattern": URL_REFERENCE_PATTERN, "example": "AT-ORN-2026-0042"},
            "description": "The reference with '-' for '/': authority code, year, sequence.",
        },
        "If-None-Match": {"name": "If-None-Match", "in": "header", "required": False, "schema": STRING},
        "If-Modified-Since": {"name": "If-Modified-Since", "in": "header", "required": False, "schema": STRING},
    }


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _ok(schema_name: str | None, description: str) -> dict:
    schema = _ref("schemas", schema_name) if schema_name else {"type": "object"}
    return {
        "description": description,
        "headers": {"ETag": _ref("headers", "ETag"), "Last-Modified": _ref("headers", "Last-Modified")},
        "content": {"application/json": {"schema": schema}},
    }


def _operation(operation_id: str, summary: str, parameters: list[str], ok: dict, not_found: bool = False) -> dict:
    responses = {"200": ok, "304": _ref("responses", "NotModified")}
    if not_found:
        responses["404"] = _ref("responses", "NotFound")
    responses["405"] = _ref("responses", "MethodNotAllowed")
    if "q" in parameters:
        responses["429"] = _ref("responses", "TooManyRequests")
    responses["503"] = _ref("responses", "Unavailable")
    responses["default"] = _ref("responses", "Error")
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [_ref("parameters", name) for name in (*parameters, "If-None-Match", "If-Modified-Since")],
            "responses": responses,
        }
    }


def _error_response(description: str, retry_after: bool = False) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": _ref("schemas", "Error")}}}
    if retry_after:
        response["headers"] = {"Retry-After": {**RETRY_AFTER, "required": True}}
    return response


LIST_PARAMETERS = (
    "q",
    "status",
    "category",
    "procedure",
    "wilaya",
    "sector",
    "authority",
    "reserved",
    "deadline_from",
    "deadline_to",
    "budget_min",
    "budget_max",
    "sort",
    "page",
    "per_page",
)


def build(base_url: str) -> dict:
    """The document, with ``base_url`` (the site's public address) as its server."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Safkat open data API",
            "version": VERSION,
            "description": (
                "Read-only access to the public calls for tender. Times are UTC (ISO 8601, Z); amounts are "
                "DZD decimal strings. Unknown or out-of-range query parameters are ignored, never an error. "
                "Responses carry ETag and Last-Modified; send If-None-Match or If-Modified-Since to get 304."
            ),
        },
        "servers": [{"url": base_url + "/api/v1"}],
        "paths": {
            "/tenders": _operation(
                "listTenders",
                "Public calls for tender, filtered and paginated",
                list(LIST_PARAMETERS),
                _ok("TenderList", "A page of tenders."),
            ),
            "/tenders/{url_reference}": _operation(
                "getTender",
                "One public call for tender",
                ["url_reference"],
                _ok("TenderResponse", "The tender."),
                not_found=True,
            ),
            "/openapi.json": _operation("getOpenAPI", "This document", [], _ok(None, "The OpenAPI document.")),
        },
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "headers": {
                "ETag": {"description": "Validator for If-None-Match.", "schema": STRING},
                "Last-Modified": {"description": "Validator for If-Modified-Since.", "schema": STRING},
            },
            "responses": {
                "NotModified": {"description": "The client's copy is current."},
                "NotFound": _error_response("No public tender has this reference."),
                "MethodNotAllowed": _error_response("The API is read-only: GET (and HEAD) only."),
                "TooManyRequests": _error_response(
                    "Too many searches (requests with q) from this client: wait Retry-After seconds.", True
                ),
                "Unavailable": _error_response("The database is briefly unavailable: try again later.", True),
                "Error": _error_response("Any other error."),
            },
        },
    }
