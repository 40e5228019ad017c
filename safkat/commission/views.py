"""The commission's pages: naming it, the opening session, reading the opened bids, and
asking bidders for missing documents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from safkat import audit
from safkat.bids.models import OpenedBid, OpenedDocument, Opening
from safkat.bids.services import minutes_rows
from safkat.commission import keys, requests, services
from safkat.commission.forms import CommissionForm, DocumentRequestForm, PresenceForm
from safkat.commission.labels import document_choices, document_label
from safkat.commission.models import Commission, DocumentRequest, SuppliedDocument
from safkat.db import writes_on_get
from safkat.errors import DomainError
from safkat.notifications.dispatch import notify_tender_event
from safkat.tenders.models import Tender, TenderStatus
from safkat.web import file_store, flash_domain_error, get_or_404, get_session, now, platform_keys, require

bp = Blueprint("commission", __name__, url_prefix="/officer/tenders/<int:tender_id>")


ENVELOPE_LABELS = {
    "application": _l("Application file"),
    "technical": _l("Technical offer"),
    "financial": _l("Financial offer"),
}


@bp.before_request
@login_required
def only_logged_in():
    pass


@bp.app_context_processor
def commission_labels():
    return {"ENVELOPE_LABELS": ENVELOPE_LABELS, "document_label": document_label}


def _tender(tender_id: int, action: str) -> Tender:
    tender = get_or_404(Tender, tender_id)
    if tender.status == TenderStatus.DELETED:
        abort(404)
    require(action, tender)
    return tender


def _commission_form(tender: Tender) -> CommissionForm:
    commission = tender.commission
    data = None
    if request.method == "GET":
        data = {
            "members": [m.user_id for m in commission.members] if commission else [],
            "chair": commission.chair.user_id if commission and commission.chair else None,
            "quorum": commission.quorum if commission else tender.authority.commission_quorum,
        }
    form = CommissionForm(data=data) if data else CommissionForm()
    officers = services.eligible_officers(get_session(), tender.authority_id)
    form.members.choices = [(officer.id, officer.full_name) for officer in officers]
    form.chair.choices = list(form.members.choices)
    return form


@bp.route("/commission", methods=["GET", "POST"])
def edit(tender_id: int):
    tender = _tender(tender_id, "tender.manage")
    form = _commission_form(tender)
    if form.validate_on_submit():
        data = services.CommissionInput(form.members.data, form.chair.data, form.quorum.data, form.reason.data or "")
        try:
            services.name_commission(get_session(), tender, current_user, data, now(), platform_keys().kek)
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("The commission is named."), "success")
            return redirect(url_for("officer.manage_tender", tender_id=tender.id))
    status = 422 if request.method == "POST" else 200
    is_amendment = tender.status != TenderStatus.DRAFT
    return render_template("commission/edit.html", tender=tender, form=form, is_amendment=is_amendment), status


@bp.route("/opening")
def opening(tender_id: int):
    """The opening session: who is present, the bidders, and this member's confirmation."""
    tender = _tender(tender_id, "tender.open")
    session = get_session()
    existing = session.get(Opening, tender.id)
    present = services.presences(session, tender.id)
    if existing is not None:
        return render_template(
            "bids/minutes.html",
            tender=tender,
            opening=existing,
            rows=minutes_rows(existing),
            presences=present,
            officer_view=True,
        )
    is_ready = services.is_ready_to_open(tender, now())
    needs_share = keys.needs_shares(session, tender.id)
    commission = session.get(Commission, tender.id)
    share = keys.current_share(session, tender.id, current_user.id) if needs_share else None
    return render_template(
        "commission/opening.html",
        tender=tender,
        commission=commission,
        needed=keys.presences_needed(session, commission),
        presences=present,
        has_confirmed=any(p.user_id == current_user.id for p in present),
        is_ready=is_ready,
        bidders=services.bidders(session, tender) if is_ready else [],  # known only once the deadline has passed
        form=PresenceForm(),
        needs_share=needs_share,
        share=share,
        share_request=json.dumps(keys.share_request(share)) if share and is_ready else None,
    )


@bp.route("/opening", methods=["POST"])
def confirm_presence(tender_id: int):
    tender = _tender(tender_id, "tender.open")
    form = PresenceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        opened = services.confirm_presence(
            get_session(),
            tender,
            current_user,
            form.no_conflict.data,
            platform_keys(),
            file_store(),
            now(),
            share=form.share.data,
        )
    except DomainError as error:
        flash_domain_error(error)
        return redirect(url_for("commission.opening", tender_id=tender.id)), 303
    if opened is None:
        flash(_("Your presence is recorded. The bids open when the quorum is present."), "success")
    else:
        notify_tender_event(tender, "tender_opened")
        flash(_("The quorum is present: the bids are open."), "success")
    return redirect(url_for("commission.opening", tender_id=tender.id))


# --- reading the opened bids ------------------------------------------------------------


def send_document(document, *, audit_as: str, subject_id: int, tender_id: int):
    """A decrypted bid document or a supplied one: inline (PDFs and images) or as a download,
    sandboxed like every attachment; each reading goes into the audit chain."""
    download = request.args.get("download") == "1"
    audit.record(
        get_session(),
        actor=current_user,
        action=audit_as,
        object_type="tender",
        object_id=tender_id,
        now=now(),
        document=subject_id,
        reader=current_user.full_name,
        sha256=document.sha256,
        download=download,
    )
    response = send_file(
        file_store().path_for(document.storage_key),
        mimetype=document.content_type,
        as_attachment=download,
        download_name=document.original_name,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def opened_document(opened_bid_id: int, document_id: int) -> tuple[OpenedBid, OpenedDocument]:
    """A document of an opened bid (404 unless it belongs to that bid); the caller checks who asks."""
    opened_bid = get_or_404(OpenedBid, opened_bid_id)
    document = get_or_404(OpenedDocument, document_id)
    if document.opened_bid_id != opened_bid.id:
        abort(404)
    return opened_bid, document


@bp.route("/bids/<int:opened_bid_id>/documents/<int:document_id>")
@writes_on_get  # each reading goes into the audit chain
def bid_document(tender_id: int, opened_bid_id: int, document_id: int):
    tender = _tender(tender_id, "tender.evaluate")
    opened_bid, document = opened_document(opened_bid_id, document_id)
    if opened_bid.tender_id != tender.id:
        abort(404)
    return send_document(document, audit_as="commission.document_read", subject_id=document.id, tender_id=tender_id)


# --- missing documents --------------------------------------------------------------------


def request_rules() -> requests.RequestRules:
    config = current_app.config
    return requests.RequestRules(tuple(config["COMPLETABLE_DOCUMENTS"]), config["MISSING_DOCUMENT_DAYS"])


def request_form() -> DocumentRequestForm:
    form = DocumentRequestForm()
    form.document.choices = document_choices(current_app.config["COMPLETABLE_DOCUMENTS"])
    return form


@bp.route("/bids/<int:opened_bid_id>/document-requests", methods=["POST"])
def request_document(tender_id: int, opened_bid_id: int):
    tender = _tender(tender_id, "tender.evaluate")
    opened_bid = get_or_404(OpenedBid, opened_bid_id)
    form = request_form()
    if not form.validate_on_submit():
        abort(400)
    try:
        asked = requests.request_document(
            get_session(), tender, opened_bid, current_user, form.document.data, form.note.data, request_rules(), now()
        )
    except DomainError as error:
        flash_domain_error(error)
    else:
        from safkat.commission.notify import tell_firm_of_request

        tell_firm_of_request(asked)
        flash(_("The request is sent; the firm is told."), "success")
    return redirect(request.form.get("back") or url_for("evaluation.overview", tender_id=tender.id))


@bp.route("/document-requests/<int:request_id>/files/<int:file_id>")
@writes_on_get  # each reading goes into the audit chain
def supplied_document(tender_id: int, request_id: int, file_id: int):
    asked = get_or_404(DocumentRequest, request_id)
    supplied = get_or_404(SuppliedDocument, file_id)
    if supplied.request_id != asked.id or asked.tender_id != tender_id:
        abort(404)
    require("supplied_document.read", asked)
    return send_document(supplied, audit_as="commission.supplied_read", subject_id=supplied.id, tender_id=tender_id)


@dataclass
class BidFiles:
    """What the commission reads of one opened bid on the evaluation screen."""

    opened: OpenedBid
    requests: list[DocumentRequest]


def bid_files(tender: Tender, bid_ids: list[int]) -> dict[int, BidFiles]:
    """For the evaluation screen: each bid's opened documents and its document requests."""
    session = get_session()
    opened = session.scalars(select(OpenedBid).where(OpenedBid.tender_id == tender.id, OpenedBid.bid_id.in_(bid_ids)))
    asked = requests.requests_of(session, tender.id, bid_ids)
    return {row.bid_id: BidFiles(row, [request for request in asked if request.bid_id == row.bid_id]) for row in opened}


def overdue(authority_id: int):
    """For the dashboard: tenders whose commission has not met in the configured delay."""
    delay = timedelta(hours=current_app.config["COMMISSION_MEETING_DELAY_HOURS"])
    return services.overdue_openings(get_session(), authority_id, now(), delay)
