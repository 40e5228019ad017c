"""Bidders' pages (the sealed bid form, my bids, receipts) and the public opening minutes."""

from __future__ import annotations

import json
import secrets

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from safkat.bids import review, services, uploads
from safkat.bids.forms import ConfirmBidForm, ReceiptCheckForm, WithdrawForm, bid_form_class, chosen_lots, prefill
from safkat.bids.models import Bid, BidStatus, EnvelopeKind, Opening, Receipt, TenderKey
from safkat.bids.receipts import receipt_document, verify_receipt
from safkat.errors import DomainError
from safkat.numbers import parse_int
from safkat.tenders.lot_labels import title_after_label
from safkat.tenders.models import Tender
from safkat.tenders.services import find_by_reference
from safkat.web import (
    clock,
    file_store,
    flash_domain_error,
    get_or_404,
    get_session,
    now,
    platform_keys,
    require,
    translate_error,
)

bp = Blueprint("bids", __name__)

BID_STATUS_LABELS = {
    BidStatus.DRAFT: _l("Draft, not submitted"),
    BidStatus.SUBMITTED: _l("Submitted, sealed"),
    BidStatus.SUPERSEDED: _l("Replaced by a newer bid"),
    BidStatus.WITHDRAWN: _l("Withdrawn"),
    BidStatus.DISCARDED: _l("Draft discarded"),
}
RECEIPT_KIND_LABELS = {
    "submission": _l("Submission"),
    "replacement": _l("Replacement"),
    "withdrawal": _l("Withdrawal"),
}


@bp.app_context_processor
def bid_labels():
    return {"BID_STATUS_LABELS": BID_STATUS_LABELS, "RECEIPT_KIND_LABELS": RECEIPT_KIND_LABELS}


@bp.app_template_global()
def tender_key_fingerprint(tender) -> str:
    key = get_session().get(TenderKey, tender.id)
    return key.fingerprint if key else ""


bp.add_app_template_global(title_after_label, "lot_title_after_label")


@bp.app_template_global()
def opening_of(tender):
    return get_session().get(Opening, tender.id)


FILE_FIELDS = (
    ("application_files", EnvelopeKind.APPLICATION),
    ("technical_files", EnvelopeKind.TECHNICAL),
    ("financial_files", EnvelopeKind.FINANCIAL),
)


def _tender_or_404(url_reference: str):
    tender = find_by_reference(get_session(), url_reference)
    if tender is None:
        abort(404)
    return tender


def _bid_input(form, tender) -> services.BidInput:
    lot_ids, amounts = chosen_lots(form, tender)
    documents = [
        services.NewBidDocument(kind, upload.filename or "document", upload.stream)
        for name, kind in FILE_FIELDS
        for upload in (form[name].data or [])
        if upload and upload.filename
    ]
    removed = [
        number
        for key in request.form
        if key.startswith("remove_") and (number := parse_int(key.removeprefix("remove_"))) is not None
    ]
    return services.BidInput(
        lot_ids=lot_ids,
        amounts=amounts,
        statement=form.statement.data or "",
        documents=documents,
        removed_envelope_ids=removed,
    )


@bp.route("/tenders/<url_reference>/bid", methods=["GET", "POST"])
@login_required
def bid_form(url_reference: str):
    """The form. Sending it saves the encrypted draft, then shows the review page (or the
    form again, saying what is missing): nothing is sealed before the firm confirms."""
    tender = _tender_or_404(url_reference)
    require("bid.prepare", tender)
    session, enterprise_id = get_session(), current_user.enterprise_id
    form = bid_form_class(tender, current_app.config["TENDER_UPLOAD_MAX_BYTES"])()
    draft = services.draft_bid(session, tender, enterprise_id)
    if form.validate_on_submit():
        try:
            return _save_then_review(tender, form)
        except DomainError as error:
            flash_domain_error(error)
    documents, offer_damaged = [], False
    if draft is not None and request.method == "GET":
        offer, documents = services.read_draft(draft, file_store(), platform_keys())
        prefill(form, tender, offer, [lot.id for lot in draft.lots])
        offer_damaged = offer.get("damaged", False)
    elif draft is not None:
        documents = services.read_draft(draft, file_store(), platform_keys())[1]
    active = services.active_bid(session, tender, enterprise_id)
    status = 422 if request.method == "POST" else 200
    return no_store(
        render_template(
            "bids/form.html",
            tender=tender,
            form=form,
            draft=draft,
            documents=documents,
            offer_damaged=offer_damaged,
            active=active,
            now=now(),
        ),
        status,
    )


def _save_then_review(tender, form):
    """Save the draft (keeping every accepted file); then the review page if it is complete."""
    data = _bid_input(form, tender)
    refused: list[services.RefusedDocument] = []
    draft = services.save_draft(
        get_session(),
        tender,
        current_user,
        data,
        file_store(),
        platform_keys(),
        current_app.config["TENDER_UPLOAD_MAX_BYTES"],
        now(),
        refused=refused,
    )
    back = redirect(url_for("bids.bid_form", url_reference=tender.url_reference), 303)
    for item in refused:
        flash(
            _(
                "“%(name)s” was not accepted: %(reason)s Your other files are kept in the draft.",
                name=item.filename,
                reason=translate_error(item.error),
            ),
            "error",
        )
    if refused:
        return back
    if request.form.get("action") == "save":
        flash(_("Your draft is saved, encrypted. It is not submitted yet."), "success")
        return back
    try:
        services.check_complete(tender, draft, data)
    except DomainError as error:
        flash_domain_error(error)
        flash(_("Your draft is saved, encrypted, with its files: complete it, then review it."), "info")
        return back
    return redirect(url_for("bids.review_bid", url_reference=tender.url_reference), 303)


@bp.route("/tenders/<url_reference>/bid/review")
@login_required
def review_bid(url_reference: str):
    """The saved draft, decrypted for the firm's eyes only, with the button that seals it."""
    tender = _tender_or_404(url_reference)
    require("bid.prepare", tender)
    draft = services.draft_bid(get_session(), tender, current_user.enterprise_id)
    if draft is None:
        return redirect(url_for("bids.bid_form", url_reference=url_reference))
    return _review_page(tender, draft, ConfirmBidForm(formdata=None))


def _review_page(tender, draft, form, status: int = 200):
    shown = review.review(draft, file_store(), platform_keys())
    form.reviewed.data = shown.fingerprint
    form.idempotency_key.data = secrets.token_hex(16)  # a fresh key for each rendering
    active = services.active_bid(get_session(), tender, current_user.enterprise_id)
    page = render_template("bids/review.html", tender=tender, review=shown, form=form, active=active, now=now())
    return no_store(page, status)


@bp.route("/tenders/<url_reference>/bid/confirm", methods=["POST"])
@login_required
def confirm_bid(url_reference: str):
    tender = _tender_or_404(url_reference)
    require("bid.prepare", tender)
    form = ConfirmBidForm()
    if not form.validate_on_submit() or not form.reviewed.data or not form.idempotency_key.data:
        abort(400)
    try:
        bid, receipt = services.submit_draft(
            get_session(),
            tender,
            current_user,
            file_store(),
            platform_keys(),
            current_app.config["TENDER_UPLOAD_MAX_BYTES"],
            now(),
            form.idempotency_key.data,
            form.reviewed.data,
            clock=clock(),
        )
    except DomainError as error:
        flash_domain_error(error)
        draft = services.draft_bid(get_session(), tender, current_user.enterprise_id)
        if draft is None:
            return redirect(url_for("bids.bid_form", url_reference=url_reference))
        return _review_page(tender, draft, ConfirmBidForm(formdata=None), 422)
    _mail_receipt(bid, receipt)
    flash(_("Your bid is sealed and received. Keep your receipt."), "success")
    return redirect(url_for("bids.show_bid", bid_id=bid.id))


def no_store(page: str, status: int = 200) -> Response:
    """A page with the firm's own bid in clear: kept by no cache, shared or not."""
    response = Response(page, status)
    response.headers["Cache-Control"] = "no-store, private"
    return response


def _mail_receipt(bid: Bid, receipt: Receipt) -> None:
    """Every member of the firm gets the receipt by e-mail, in their language: a readable
    summary, the signed PDF attached (issued by the sender: the bidder sees the receipt on
    screen at once), and a link to the signed JSON that anyone can check."""
    from safkat.documents import events
    from safkat.notifications import emails

    covered = set(json.loads(receipt.payload)["lots"])
    reference = f"{bid.tender.url_reference}-{receipt.id}"
    for member in bid.enterprise.members:
        emails.queue(
            "bid_receipt",
            member.email,
            member.locale or "fr",
            "bid_receipt",
            user_id=member.id,
            bid=bid,
            receipt=receipt,
            lots=[lot for lot in bid.tender.lots if lot.number in covered],
            verify_url=emails.absolute_url("bids.verify"),
            json_url=emails.absolute_url("bids.download_receipt", bid_id=bid.id, receipt_id=receipt.id),
            link=emails.absolute_url("bids.show_bid", bid_id=bid.id),
            attachments=[events.to_issue("bid_receipt", receipt, member.locale, reference)],
        )


@bp.route("/bids")
@login_required
def my_bids():
    require("bid.list")
    bids = (
        get_session()
        .scalars(
            select(Bid)
            .where(Bid.enterprise_id == current_user.enterprise_id, Bid.status != BidStatus.DISCARDED)
            .order_by(Bid.created_at.desc())
        )
        .all()
    )
    return render_template("bids/list.html", bids=bids)


@bp.route("/bids/<int:bid_id>", methods=["GET", "POST"])
@login_required
def show_bid(bid_id: int):
    bid = get_or_404(Bid, bid_id)
    require("bid.view", bid)
    form = WithdrawForm()
    if request.method == "POST":
        if not form.validate_on_submit() or not form.confirm.data:
            flash(_("Tick the box to confirm the withdrawal."), "error")
        else:
            try:
                receipt = services.withdraw(get_session(), bid, current_user, platform_keys(), now(), clock=clock())
            except DomainError as error:
                flash_domain_error(error)
            else:
                _mail_receipt(bid, receipt)
                flash(_("Your bid is withdrawn. A receipt records it."), "success")
                return redirect(url_for("bids.show_bid", bid_id=bid.id))
    opening = get_session().get(Opening, bid.tender_id)
    opened_row = next((row for row in opening.rows if row.bid_id == bid.id), None) if opening else None
    in_minutes = opening is not None and any(row.digest == bid.digest for row in opening.rows)
    from safkat.awards.views import my_assessments
    from safkat.commission.requests import requests_of
    from safkat.evaluation.forms import ExplanationAnswerForm

    return render_template(
        "bids/show.html",
        bid=bid,
        form=form,
        opening=opening,
        in_minutes=in_minutes,
        opened_row=opened_row,
        document_requests=requests_of(get_session(), bid.tender_id, [bid.id]),
        can_change=services.can_still_change(bid, now()),
        assessments=my_assessments(bid),
        explanation_form=ExplanationAnswerForm(),
    ), 422 if request.method == "POST" else 200


@bp.route("/bids/<int:bid_id>/receipts/<int:receipt_id>.json")
@login_required
def download_receipt(bid_id: int, receipt_id: int):
    bid = get_or_404(Bid, bid_id)
    require("bid.view", bid)
    receipt = get_or_404(Receipt, receipt_id)
    if receipt.bid_id != bid.id:
        abort(404)
    body = json.dumps(
        receipt_document(receipt.payload, receipt.signature, platform_keys().verify_key), ensure_ascii=False, indent=2
    )
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=safkat-receipt-{bid.id}-{receipt.id}.json"},
    )


@bp.route("/.well-known/safkat-signing-key")
def signing_key():
    key = platform_keys().verify_key.encode().hex()
    return {"algorithm": "Ed25519", "public_key": key, "use": "receipts"}


@bp.route("/receipts/verify", methods=["GET", "POST"])
def verify():
    form = ReceiptCheckForm()
    result = None
    if form.validate_on_submit():
        try:
            document = json.loads(form.receipt.data or "")
        except ValueError:
            document = None
        result = isinstance(document, dict) and verify_receipt(document, platform_keys().verify_key)
        if result:
            result = document["payload"]
    return render_template("bids/verify.html", form=form, result=result, checked=request.method == "POST")


@bp.route("/tenders/<url_reference>/opening")
def minutes(url_reference: str):
    tender = _tender_or_404(url_reference)
    opening = get_session().get(Opening, tender.id)
    if opening is None:
        abort(404)
    from safkat.commission.services import presences

    return render_template(
        "bids/minutes.html",
        tender=tender,
        opening=opening,
        rows=services.minutes_rows(opening),
        presences=presences(get_session(), tender.id),
    )


# --- resumable uploads (JSON, used by static/js/chunked-upload.js) ---------------------------


def _json_error(error: DomainError, status: int = 422):
    return {"error": translate_error(error)}, status


def _upload_state(upload) -> dict:
    return {
        "token": upload.token,
        "size": upload.declared_size,
        "received": upload.received_size,
        "chunk_size": uploads.MAX_CHUNK,
        "complete": upload.completed_at is not None,
        "chunk_url": url_for("bids.upload_chunk", token=upload.token),
        "complete_url": url_for("bids.complete_upload", token=upload.token),
    }


@bp.route("/tenders/<url_reference>/bid/uploads", methods=["POST"])
@login_required
def start_upload(url_reference: str):
    tender = _tender_or_404(url_reference)
    require("bid.prepare", tender)
    body = request.get_json(silent=True) or {}
    try:
        upload = uploads.start(
            get_session(),
            tender,
            current_user,
            kind=str(body.get("kind", "")),
            filename=str(body.get("filename", "")),
            size=int(body.get("size") or 0),
            sha256=str(body.get("sha256", "")).lower(),
            keys=platform_keys(),
            store=file_store(),
            max_bytes=current_app.config["TENDER_UPLOAD_MAX_BYTES"],
            now=now(),
        )
    except (TypeError, ValueError):
        return {"error": _("The announced file is not valid.")}, 400
    except DomainError as error:
        return _json_error(error)
    return _upload_state(upload), 201


def _upload(token: str):
    try:
        return uploads.find(get_session(), token, current_user, now())
    except DomainError as error:
        abort(_json_response(error, 404))


def _json_response(error, status):
    from flask import jsonify

    body, _status = _json_error(error, status)
    response = jsonify(body)
    response.status_code = status
    return response


@bp.route("/bid-uploads/<token>", methods=["GET"])
@login_required
def upload_state(token: str):
    return _upload_state(_upload(token))


@bp.route("/bid-uploads/<token>/chunks", methods=["PUT"])
@login_required
def upload_chunk(token: str):
    upload = _upload(token)
    offset = parse_int(request.args.get("offset"))
    if offset is None:
        return {"error": _("The announced file is not valid.")}, 400
    try:
        uploads.add_chunk(
            get_session(),
            upload,
            offset=offset,
            data=request.get_data(cache=False),
            sha256=request.headers.get("X-Chunk-SHA256", "").lower(),
            keys=platform_keys(),
            store=file_store(),
            now=now(),
        )
    except ValueError:
        return {"error": _("The announced file is not valid.")}, 400
    except DomainError as error:
        return {**_json_error(error)[0], **_upload_state(upload)}, 409
    return _upload_state(upload)


@bp.route("/bid-uploads/<token>/complete", methods=["POST"])
@login_required
def complete_upload(token: str):
    upload = _upload(token)
    tender = get_or_404(Tender, upload.tender_id)
    try:
        envelope = uploads.complete(get_session(), upload, tender, current_user, platform_keys(), file_store(), now())
    except DomainError as error:
        return _json_error(error)
    return {**_upload_state(upload), "envelope": envelope.id}
