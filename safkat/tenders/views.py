"""Public pages of tenders: the searchable list, a tender's page, downloads, questions."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from safkat.db import writes_on_get
from safkat.errors import DomainError
from safkat.filenames import content_disposition
from safkat.http_cache import cacheable, make_etag, not_modified, public_body
from safkat.layout_frame import render_page
from safkat.tenders import detail, queries, services
from safkat.tenders.cards import CardWriter
from safkat.tenders.forms import QuestionForm
from safkat.tenders.labels import tender_labels
from safkat.tenders.listing_html import listing_html, listing_view
from safkat.tenders.models import Tender, TenderDocument
from safkat.tenders.search_form import search_form_html
from safkat.web import file_store, flash_domain_error, get_session, now, require

bp = Blueprint("tenders", __name__)
bp.app_context_processor(tender_labels)


@bp.app_template_global()
def tender_status(tender: Tender) -> str:
    return services.public_status(tender, now())


bp.add_app_template_global(services.public_status, "public_status")  # (tender, now): cards ask the clock once
bp.add_app_template_global(now, "current_time")


@bp.route("/tenders")
def list_tenders():
    session = get_session()
    filters = queries.TenderFilters.from_args(request.args)
    last_change = queries.last_change(session, now())
    etag = make_etag("tenders", sorted(request.args.items(multi=True)), last_change)
    cached = not_modified(etag, last_change)
    if cached:
        return cached

    def render() -> str:
        cards = CardWriter(now())
        page = queries.listing_page(session, filters, now(), request.args.get("page"), load=cards.load)
        form = search_form_html(session, filters, now())
        return listing_html(listing_view(page, filters, form))

    html = public_body(etag, render)
    return cacheable(current_app.make_response(html), etag, last_change)


def _public_tender(url_reference: str) -> Tender:
    tender = services.find_by_reference(get_session(), url_reference)
    if tender is None:
        abort(404)
    require("tender.view", tender)
    return tender


@bp.route("/tenders/<url_reference>")
def show_tender(url_reference: str):
    loaded = detail.load(get_session(), url_reference)
    if loaded is None:
        abort(404)
    tender = loaded.tender
    require("tender.view", tender)
    moment = now()
    modified = services.last_modified(tender, moment)
    status = services.public_status(tender, moment)
    # While open, the page shows the time left: a cached copy is good for a minute at most.
    minute = moment.strftime("%Y%m%d%H%M") if status == "open" else ""
    red_flags = loaded.red_flags(current_app.config.get("REDFLAG_SHORT_PERIOD_DAYS", 15))
    etag = make_etag("tender", tender.id, modified, minute, [flag.code for flag in red_flags])
    # Revalidated on every visit (max-age=0, answered by a 304 while unchanged): an
    # amendment, such as a deadline extension, or an answer must show at once.
    cached = not_modified(etag, modified, max_age=0)
    if cached:
        return cached
    page = render_tender_page(loaded, red_flags, moment)
    return cacheable(current_app.make_response(page), etag, modified, max_age=0)


def render_tender_page(loaded: detail.TenderDetail, red_flags: list, moment: datetime | None = None) -> str:
    """The tender's page at ``moment`` (now by default; ``scripts/bench/profile_pages.py
    --templates`` times it alone)."""
    tender, moment = loaded.tender, moment or now()
    can_ask = services.is_open_for_questions(tender, moment)
    return render_page(
        "tenders/show.html",
        tender=tender,
        detail=loaded,
        status=services.public_status(tender, moment),
        # Built only for a visitor who may be shown it (a logged-in bidder, while questions are open).
        question_form=QuestionForm() if can_ask and current_user.is_authenticated else None,
        can_ask=can_ask,
        answered=[q for q in tender.questions if q.is_answered],
        red_flags=red_flags,
        now=moment,
        # The tender's own links, from its path (a url_for per document and form cost more than the rest of a row).
        tender_path=url_for("tenders.show_tender", url_reference=tender.url_reference),
    )


@bp.route("/tenders/<url_reference>/documents/<int:document_id>")
@writes_on_get
def download_document(url_reference: str, document_id: int):
    tender = _public_tender(url_reference)
    document = get_session().get(TenderDocument, document_id)
    if document is None or document.tender_id != tender.id:
        abort(404)
    user = current_user if current_user.is_authenticated else None
    services.record_download(get_session(), document, user, now())
    response = send_file(
        file_store().path_for(document.storage_key),
        mimetype=document.content_type,
    )
    response.headers["Content-Disposition"] = content_disposition(document.original_name)
    return response


@bp.route("/tenders/<url_reference>/questions", methods=["POST"])
@login_required
def ask_question(url_reference: str):
    tender = _public_tender(url_reference)
    require("tender.ask", tender)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.ask_question(get_session(), tender, current_user, form.text.data, now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("Your question is sent. The answer will be published on this page."), "success")
    else:
        flash(_("Write your question (at most 4,000 characters)."), "error")
    return redirect(url_for("tenders.show_tender", url_reference=url_reference, _anchor="questions"))
