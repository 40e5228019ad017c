"""The read-only JSON API, ``/api/v1``: the public tenders, as the public pages show them.

Conventions (described for clients in ``/api/v1/openapi.json``):

- Times are UTC, ISO 8601 with ``Z``; amounts are DZD as decimal strings (``"1500000.00"``).
- Bad query parameters are ignored, never an error: the same filters as the HTML list.
- Every response carries ``ETag`` and, where it has one, ``Last-Modified``; conditional
  requests get ``304``.
- Errors are ``{"error": {"code": ..., "message": ...}}`` with an English message, for every
  path under ``/api/v1`` (unknown paths and methods too); 429 (too many searches) and 503
  (database briefly unavailable) say when to come back in ``Retry-After``.
- Responses allow any origin (``Access-Control-Allow-Origin: *``): the data is public.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from safkat import ratelimits
from safkat.bilingual import text_lines
from safkat.http_cache import cacheable, make_etag, not_modified, rendered
from safkat.numbers import parse_int
from safkat.opendata import openapi
from safkat.opendata.openapi import MAX_PER_PAGE
from safkat.opendata.summaries import SummaryWriter, amount, iso, tender_summary
from safkat.pagination import Page, parse_page
from safkat.tenders import detail, queries, services
from safkat.tenders.models import AwardMethod, Tender, TenderStatus
from safkat.tenders.queries import TenderFilters
from safkat.web import get_session, now

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

TENDER_NOT_FOUND = "No public call for tender has this reference."


# --- values shared with the feed ------------------------------------------------------------


def absolute_url(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def tender_url(tender: Tender) -> str:
    return absolute_url("/tenders/" + tender.url_reference)


# --- representations ------------------------------------------------------------------------


def tender_detail(loaded: detail.TenderDetail, moment: datetime) -> dict:
    """Every public fact of a tender. Lot amounts follow the budget's visibility; askers are never named."""
    tender = loaded.tender
    is_weighted = tender.award_method == AwardMethod.WEIGHTED
    document_base = f"/tenders/{tender.url_reference}/documents/"
    return tender_summary(tender, moment, absolute_url("/tenders/")) | {
        "description": {"fr": tender.description_fr, "ar": tender.description_ar},
        "opening_place": tender.opening_place,
        "opening_place_ar": tender.opening_place_ar,
        "bid_validity_days": tender.bid_validity_days,
        "execution_days": tender.execution_days,
        "national_preference": tender.national_preference,
        "required_documents": text_lines(tender.required_documents),
        "required_documents_ar": text_lines(tender.required_documents_ar),
        "award_method": tender.award_method,
        "technical_weight": tender.technical_weight if is_weighted else None,
        "financial_weight": tender.financial_weight if is_weighted else None,
        "criteria": (
            [{"label": c.label, "label_ar": c.label_ar, "max_points": c.max_points} for c in loaded.criteria]
            if is_weighted
            else []
        ),
        "lots": [
            {
                "number": lot.number,
                "title": {"fr": lot.title_fr, "ar": lot.title_ar},
                "description": lot.description,
                "estimated_amount": amount(lot.estimated_amount) if tender.is_budget_public else None,
                "is_reserved": lot.is_reserved,
            }
            for lot in loaded.lots
        ],
        "documents": [
            {
                "title": document.title,
                "file_name": document.original_name,
                "content_type": document.content_type,
                "size_bytes": document.size_bytes,
                "sha256": document.sha256,
                "uploaded_at": iso(document.uploaded_at),
                "url": absolute_url(document_base + str(document.id)),
            }
            for document in tender.current_documents
        ],
        "amendments": [
            {
                "number": amendment.number,
                "kind": amendment.kind,
                "reason": amendment.reason,
                "reason_ar": amendment.reason_ar,
                "created_at": iso(amendment.created_at),
                "old_deadline_at": iso(amendment.old_deadline_at),
                "new_deadline_at": iso(amendment.new_deadline_at),
            }
            for amendment in tender.amendments
        ],
        "questions": [
            {"question": q.text, "answer": q.answer, "answer_ar": q.answer_ar, "answered_at": iso(q.answered_at)}
            for q in tender.questions
            if q.is_answered
        ],
        "cancelled_at": iso(tender.cancelled_at) if tender.status == TenderStatus.CANCELLED else None,
        "cancel_reason": tender.cancel_reason if tender.status == TenderStatus.CANCELLED else None,
        "cancel_reason_ar": tender.cancel_reason_ar if tender.status == TenderStatus.CANCELLED else None,
    }


def _list_url(filters: TenderFilters, page: int, per_page: int) -> str:
    query = urlencode(filters.as_args() | {"page": page, "per_page": per_page})
    return absolute_url(url_for("api.list_tenders") + "?" + query)


def tender_list(page: Page, filters: TenderFilters) -> dict:
    """A page of the listing (its items :class:`SummaryWriter`'s summaries) with its counts and links."""
    return {
        "data": page.items,
        "meta": {
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "total_is_exact": page.is_exact,
            "pages": page.pages,
        },
        "links": {
            "self": _list_url(filters, page.page, page.per_page),
            "next": _list_url(filters, page.page + 1, page.per_page) if page.has_next else None,
            "prev": _list_url(filters, min(page.page - 1, page.pages), page.per_page) if page.has_prev else None,
        },
    }


# --- responses ------------------------------------------------------------------------------


def _json(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _json_response(payload: dict, status: int = 200) -> Response:
    response = current_app.response_class(_json(payload), status=status, mimetype="application/json")
    response.access_control_allow_origin = "*"
    return response


def _conditional(etag: str, last_modified: datetime | None, render: Callable[[], dict]) -> Response:
    """304 if the client's copy is current, else the rendered payload; both with validators."""
    response = not_modified(etag, last_modified)
    if response is None:
        response = Response(rendered.get_or_render(etag, lambda: _json(render())), mimetype="application/json")
    response.access_control_allow_origin = "*"
    return cacheable(response, etag, last_modified)


def _per_page(value: str | None) -> int:
    return parse_int(value, default=queries.PER_PAGE, minimum=1, maximum=MAX_PER_PAGE)


# --- views ----------------------------------------------------------------------------------


@bp.get("/tenders")
def list_tenders():
    """Public tenders with the HTML list's filters, ``page`` and ``per_page`` (≤ 100)."""
    session, moment = get_session(), now()
    filters = TenderFilters.from_args(request.args)
    number, per_page = parse_page(request.args.get("page")), _per_page(request.args.get("per_page"))
    last_modified = queries.last_change(session, moment)
    etag = make_etag("api.tenders", sorted(filters.as_args().items()), number, per_page, last_modified)

    def render() -> dict:
        summaries = SummaryWriter(moment, absolute_url("/tenders/"))
        return tender_list(queries.listing_page(session, filters, moment, number, per_page, summaries.load), filters)

    return _conditional(etag, last_modified, render)


@bp.get("/tenders/<url_reference>")
def show_tender(url_reference: str):
    """One public tender; drafts and deleted tenders do not exist here."""
    loaded = detail.load(get_session(), url_reference)
    if loaded is None:
        abort(404, description=TENDER_NOT_FOUND)
    tender = loaded.tender
    moment = now()
    last_modified = services.last_modified(tender, moment)
    etag = make_etag("api.tender", tender.id, tender.changed_at, services.public_status(tender, moment))
    return _conditional(etag, last_modified, lambda: {"data": tender_detail(loaded, moment)})


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.0.3 description of this API."""
    document = openapi.build(current_app.config["BASE_URL"])
    etag = make_etag("api.openapi", hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest())
    return _conditional(etag, None, lambda: document)


# --- errors ---------------------------------------------------------------------------------


def _error_response(error: HTTPException) -> Response:
    code = error.code or 500
    response = _json_response({"error": {"code": code, "message": error.description or ""}}, code)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.allow.update(error.valid_methods)
    if code == 429:  # as the HTML pages do: when the broken limit lets the next request through
        response.headers["Retry-After"] = str(ratelimits.retry_after_seconds())
    return response


def _is_api_path(path: str) -> bool:
    return path == bp.url_prefix or path.startswith(bp.url_prefix + "/")


@bp.before_app_request
def routing_error_as_json():
    """Unknown paths and methods under /api/v1 answer JSON too.

    Routing fails before Flask knows the blueprint, so the blueprint's error handlers would
    not see these errors; this hook runs first and answers them itself.
    """
    error = request.routing_exception
    if isinstance(error, HTTPException) and (error.code or 0) >= 400 and _is_api_path(request.path):
        return _error_response(error)
    return None


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return _error_response(error)


@bp.errorhandler(Exception)
def unexpected_error(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _json_response({"error": {"code": 500, "message": "Something went wrong on our side."}}, 500)
