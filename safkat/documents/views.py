"""Downloading official documents (issued on first download), and their public verification."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from safkat.bids.models import Bid, Opening, Receipt
from safkat.documents import services
from safkat.documents.forms import DocumentCheckForm
from safkat.documents.kinds import KINDS
from safkat.documents.models import IssuedDocument
from safkat.documents.signing import PlatformSigner, load_signer
from safkat.errors import DomainError
from safkat.extensions import limiter
from safkat.i18n import LANGUAGES
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
    stem = KINDS[document.kind].file_stem
    response = send_file(
        file_store().path_for(document.storage_key),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"safkat-{stem}-{reference}-{document.language}-v{document.version}.pdf",
        etag=document.sha256,
        conditional=True,
    )
    if not document.is_public:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(f"/tenders/<url_reference>/notice/{EDITION}.pdf")
def tender_notice(url_reference: str, edition: str):
    tender = _public_tender(url_reference)
    document = services.document_for(get_session(), "tender_notice", tender, edition, make_issuer(), now(), _actor())
    return _send(document, tender.url_reference)


@bp.route(f"/tenders/<url_reference>/opening/minutes/{EDITION}.pdf")
def opening_minutes(url_reference: str, edition: str):
    tender = _public_tender(url_reference)
    opening = get_or_404(Opening, tender.id)
    document = services.document_for(get_session(), "opening_minutes", opening, edition, make_issuer(), now(), _actor())
    return _send(document, tender.url_reference)


@bp.route(f"/bids/<int:bid_id>/receipts/<int:receipt_id>/{EDITION}.pdf")
@login_required
def bid_receipt(bid_id: int, receipt_id: int, edition: str):
    bid = get_or_404(Bid, bid_id)
    require("bid.view", bid)
    receipt = get_or_404(Receipt, receipt_id)
    if receipt.bid_id != bid.id:
        abort(404)
    document = services.document_for(get_session(), "bid_receipt", receipt, edition, make_issuer(), now(), _actor())
    return _send(document, f"{bid.tender.url_reference}-{receipt.id}")


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
