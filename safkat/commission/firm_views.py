"""The bidder's side of the commission's work: its own opened documents, and the
documents the commission asks it to complete."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from safkat.commission import requests
from safkat.commission.forms import SupplyDocumentForm
from safkat.commission.labels import document_label
from safkat.commission.models import DocumentRequest
from safkat.commission.views import opened_document, send_document
from safkat.db import writes_on_get
from safkat.errors import DomainError
from safkat.web import file_store, flash_domain_error, get_or_404, get_session, now, require

bp = Blueprint("commission_firm", __name__)


@bp.route("/bids/<int:bid_id>/opened/<int:opened_bid_id>/documents/<int:document_id>")
@writes_on_get  # each reading goes into the audit chain
@login_required
def own_document(bid_id: int, opened_bid_id: int, document_id: int):
    opened_bid, document = opened_document(opened_bid_id, document_id)
    if opened_bid.bid_id != bid_id:
        abort(404)
    require("bid.view", opened_bid.bid)
    return send_document(document, audit_as="bid.document_read", subject_id=document.id, tender_id=opened_bid.tender_id)


@bp.route("/document-requests/<int:request_id>", methods=["GET", "POST"])
@login_required
def answer_request(request_id: int):
    asked = get_or_404(DocumentRequest, request_id)
    require("document_request.answer", asked)
    form = SupplyDocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            flash(_("Choose the file to upload."), "error")
        else:
            try:
                requests.supply_document(
                    get_session(),
                    asked,
                    current_user,
                    upload.filename,
                    upload.stream,
                    file_store(),
                    current_app.config["UPLOAD_MAX_BYTES"],
                    now(),
                )
            except DomainError as error:
                flash_domain_error(error)
            else:
                flash(_("The document is sent to the commission."), "success")
                return redirect(url_for("commission_firm.answer_request", request_id=asked.id))
    return render_template(
        "commission/answer.html",
        asked=asked,
        document=document_label(asked.document),
        form=form,
        is_open=now() <= asked.due_at,
    ), 422 if request.method == "POST" else 200
