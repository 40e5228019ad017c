"""Downloading official documents (issued on first download), and their public verification."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from safkat.awards.models import LotAward
from safkat.bids.models import Bid, Opening, Receipt
from safkat.db import writes_on_get
from safkat.documents import award_values, services
from safkat.documents.forms import DocumentCheckForm
from safkat.documents.kinds import KINDS
from safkat.documents.models import IssuedDocument
from safkat.documents.signing import PlatformSigner, load_signer
from safkat.errors import DomainError
from safkat.evaluation.models import Assessment
from safkat.extensions import limiter
from safkat.i18n import LANGUAGES
from safkat.tenders.models import Tender
from safkat.tenders.services import find_by_reference
from safkat.web import file_store, get_or_404, get_session, now, require, translate_error

bp = Blueprint("documents", __name__)
EDITION = "<any(fr, ar):edition>"
CHECK_LIMIT = "30 per minute"
_signer_lock = threading.Lock()


@bp.record_once
def _load_configured_signer(state) -> None:
    """A configured PKCS#12 file is read at start-up, so that a wrong path or password stops it."""
    if state.app.config.get("DOCUMENT_P12"):
        platform_signer(state.app)


def platform_signer(app: Flask | None = None) -> PlatformSigner:
    """The platform's document signer: the configured PKCS#12 file's, or the instance
    folder's own certificate (created on first use)."""
    app = app or current_app._get_current_object()
    with _signer_lock:
        if "safkat.documents.signer" not in app.extensions:
            config = app.config
            app.extensions["safkat.documents.signer"] = load_signer(
                Path(app.instance_path), config.get("DOCUMENT_P12"), config.get("DOCUMENT_P12_PASSWORD")
            )
    return app.extensions["safkat.documents.signer"]


def make_issuer(app: Flask | None = None) -> services.Issuer:
    """What the documents service needs from this application (for views and commands)."""
    app = app or current_app._get_current_object()
    config = app.config
    return services.Issuer(
        app.extensions["safkat.files"], platform_signer(app), config["BASE_URL"], config["ARABIC_DIGITS"]
    )


def _actor():
    return current_user if current_user.is_authenticated else None


def _public_tender(url_reference: str):
    tender = find_by_reference(get_session(), url_reference)
    if tender is None:
        abort(404)
    require("tender.view", tender)
    return tender


def _send(document: IssuedDocument, reference: str) -> Response:
    response = send_file(
        file_store().path_for(document.storage_key),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=KINDS[document.kind].file_name(reference, document.language, document.version),
        etag=document.sha256,
        conditional=True,
    )
    if not document.is_public:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(f"/tenders/<url_reference>/notice/{EDITION}.pdf")
@writes_on_get
def tender_notice(url_reference: str, edition: str):
    tender = _public_tender(url_reference)
    document = services.document_for(get_session(), "tender_notice", tender, edition, make_issuer(), now(), _actor())
    return _send(document, tender.url_reference)


@bp.route(f"/tenders/<url_reference>/opening/minutes/{EDITION}.pdf")
@writes_on_get
def opening_minutes(url_reference: str, edition: str):
    tender = _public_tender(url_reference)
    opening = get_or_404(Opening, tender.id)
    document = services.document_for(get_session(), "opening_minutes", opening, edition, make_issuer(), now(), _actor())
    return _send(document, tender.url_reference)


@bp.route(f"/bids/<int:bid_id>/receipts/<int:receipt_id>/{EDITION}.pdf")
@login_required
@writes_on_get
def bid_receipt(bid_id: int, receipt_id: int, edition: str):
    bid = get_or_404(Bid, bid_id)
    require("bid.view", bid)
    receipt = get_or_404(Receipt, receipt_id)
    if receipt.bid_id != bid.id:
        abort(404)
    document = services.document_for(get_session(), "bid_receipt", receipt, edition, make_issuer(), now(), _actor())
    return _send(document, f"{bid.tender.url_reference}-{receipt.id}")


def _issue_and_send(kind: str, subject, edition: str, reference: str) -> Response:
    document = services.document_for(get_session(), kind, subject, edition, make_issuer(), now(), _actor())
    return _send(document, reference)


@bp.app_template_global()
def award_documents(tender) -> dict:
    """Which evaluation and award documents of ``tender`` exist, for the pages' links."""
    session = get_session()
    return {
        "notice": award_values.has_award_notice(session, tender),
        "report": award_values.has_evaluation_report(session, tender),
        "decisions": session.scalars(
            select(LotAward).where(LotAward.tender_id == tender.id, LotAward.status == "final").order_by(LotAward.id)
        ).all(),
    }


@bp.route(f"/tenders/<url_reference>/award/notice/{EDITION}.pdf")
@writes_on_get
def award_notice(url_reference: str, edition: str):
    tender = _public_tender(url_reference)
    if not award_values.has_award_notice(get_session(), tender):
        abort(404)
    return _issue_and_send("award_notice", tender, edition, tender.url_reference)


@bp.route(f"/tenders/<url_reference>/evaluation/summary/{EDITION}.pdf")
@writes_on_get
def evaluation_summary(url_reference: str, edition: str):
    tender = _public_tender(url_reference)
    if not award_values.has_evaluation_report(get_session(), tender):
        abort(404)
    return _issue_and_send("evaluation_summary", tender, edition, tender.url_reference)


@bp.route(f"/officer/tenders/<int:tender_id>/evaluation/report/{EDITION}.pdf")
@login_required
@writes_on_get
def evaluation_report(tender_id: int, edition: str):
    """The full report: the contracting authority's officers only."""
    tender = get_or_404(Tender, tender_id)
    require("evaluation.report", tender)
    if not award_values.has_evaluation_report(get_session(), tender):
        abort(404)
    return _issue_and_send("evaluation_report", tender, edition, tender.url_reference)


@bp.route(f"/tenders/<url_reference>/award/decisions/<int:award_id>/{EDITION}.pdf")
@writes_on_get
def award_decision(url_reference: str, award_id: int, edition: str):
    tender = _public_tender(url_reference)
    award = get_or_404(LotAward, award_id)
    if award.tender_id != tender.id or award.status != "final":
        abort(404)
    return _issue_and_send("award_decision", award, edition, f"{tender.url_reference}-{award.lot.number}")


@bp.route(f"/bids/<int:bid_id>/letters/<int:assessment_id>/{EDITION}.pdf")
@login_required
@writes_on_get
def award_letter(bid_id: int, assessment_id: int, edition: str):
    """A bidder's own letter about one lot: its firm only, through its own bid."""
    bid = get_or_404(Bid, bid_id)
    require("bid.view", bid)
    assessment = get_or_404(Assessment, assessment_id)
    if assessment.bid_id != bid.id:
        abort(404)
    session = get_session()
    reference = f"{bid.tender.url_reference}-{assessment.evaluation.lot.number}"
    kind = award_values.letter_kind(session, assessment)
    if kind is not None:
        return _issue_and_send(kind, assessment, edition, reference)
    # The lot was reopened after a complaint: the letter already issued stays available.
    document = services.latest_issued(session, LETTERS, KINDS["winner_letter"].subject_key(assessment), edition)
    if document is None:
        abort(404)
    return _send(document, reference)


LETTERS = ("winner_letter", "unsuccessful_letter")


@bp.route("/documents/signing-certificate.pem")
def signing_certificate():
    return Response(
        platform_signer().certificate_pem,
        mimetype="application/x-pem-file",
        headers={"Content-Disposition": "attachment; filename=safkat-document-signing.pem"},
    )


@bp.route("/verify")
def find_document():
    """The form where a printed code is typed; ``?code=`` leads to the document's page."""
    code = request.args.get("code", "")
    if code:
        document = services.find_by_code(get_session(), code)
        if document is not None:
            return redirect(url_for("documents.verify_document", code=services.format_code(document.code)))
    return render_template("documents/find.html", code=code, not_found=bool(code)), 404 if code else 200


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit(CHECK_LIMIT, methods=["POST"])
def verify_document(code: str):
    session = get_session()
    document = services.find_by_code(session, code)
    if document is None:
        abort(404)
    max_bytes = current_app.config["DOCUMENT_CHECK_MAX_BYTES"]  # MAX_CONTENT_LENGTH bounds the request itself
    form = DocumentCheckForm()
    matches, error = None, None
    if form.validate_on_submit():
        try:
            matches = services.is_the_issued_file(document, form.document.data.stream, max_bytes)
        except DomainError as refused:
            error = translate_error(refused)
    newer = services.latest(session, document) if document.is_public else document
    html = render_template(
        "documents/verify.html",
        document=document,
        code=services.format_code(document.code),
        kind_title=KINDS[document.kind].title,
        newer=newer if newer.id != document.id else None,
        language_name=LANGUAGES.get(document.language, document.language),
        form=form,
        matches=matches,
        error=error,
        signer=platform_signer(),
    )
    return html, 422 if request.method == "POST" and (form.errors or error) else 200


@bp.route("/verify/<code>/document.pdf")
def download_issued(code: str):
    """The exact version a public code names (addressed documents are downloaded by their owner only)."""
    document = services.find_by_code(get_session(), code)
    if document is None or not document.is_public:
        abort(404)
    return _send(document, services.format_code(document.code))
