"""After the draft: publication, amendments, cancellation (bidders are told) and the opening session."""

from __future__ import annotations

from flask import abort, current_app, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from safkat.accounts.forms import EmptyForm
from safkat.errors import DomainError
from safkat.notifications import emails
from safkat.tenders import services
from safkat.tenders.forms import AmendmentForm, CancelForm, to_utc
from safkat.tenders.models import Tender
from safkat.tenders.officer_views.blueprint import back_to_tender, bp, managed_tender, max_upload, to_tender_page
from safkat.tenders.officer_views.tender_page import render_manage
from safkat.web import file_store, flash_domain_error, get_session, now, platform_keys, require


@bp.route("/tenders/<int:tender_id>/publish", methods=["POST"])
def publish_tender(tender_id: int):
    tender = managed_tender(tender_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.publish(
            get_session(), tender, current_user, now(), current_app.config["TENDER_MIN_DAYS"], platform_keys().kek
        )
    except DomainError as error:
        flash_domain_error(error)
        return render_manage(tender, 422)
    from safkat.notifications.dispatch import notify_new_tender

    notify_new_tender(tender)
    return back_to_tender(tender, _("Published under the reference %(ref)s.", ref=tender.reference))


@bp.route("/tenders/<int:tender_id>/amend", methods=["POST"])
def amend_tender(tender_id: int):
    tender = managed_tender(tender_id)
    form = AmendmentForm()
    form.replaces.choices = [(0, "")] + [(d.id, d.title) for d in tender.current_documents]
    if not form.validate_on_submit():
        return render_manage(tender, 422, amendment_form=form)
    documents, replaces = [], {}
    if form.document.data:
        documents = [
            services.NewDocument(
                form.document_title.data or form.document.data.filename,
                form.document.data.filename,
                form.document.data.stream,
            )
        ]
        if form.replaces.data:
            replaces = {0: form.replaces.data}
    try:
        amendment = services.amend(
            get_session(),
            tender,
            current_user,
            reason=form.reason.data,
            reason_ar=form.reason_ar.data,
            now=now(),
            new_deadline=to_utc(form.new_deadline.data),
            new_enquiry_deadline=to_utc(form.new_enquiry_deadline.data),
            documents=documents,
            replaces=replaces,
            store=file_store(),
            max_bytes=max_upload(),
        )
    except DomainError as error:
        flash_domain_error(error)
        return render_manage(tender, 422, amendment_form=form)
    _notify(tender, "tender_amended", amendment=amendment)
    return back_to_tender(tender, _("Amendment no. %(n)s is published; bidders are told.", n=amendment.number))


@bp.route("/tenders/<int:tender_id>/cancel", methods=["POST"])
def cancel_tender(tender_id: int):
    tender = managed_tender(tender_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return render_manage(tender, 422, cancel_form=form)
    try:
        services.cancel(get_session(), tender, current_user, form.reason.data, now(), form.reason_ar.data)
    except DomainError as error:
        flash_domain_error(error)
        return render_manage(tender, 422, cancel_form=form)
    _notify(tender, "tender_cancelled")
    return back_to_tender(tender, _("The call for tender is cancelled; bidders are told."))


def _notify(tender: Tender, template: str, **context) -> None:
    link = emails.absolute_url("tenders.show_tender", url_reference=tender.url_reference)
    for user in services.interested_users(get_session(), tender):
        emails.queue(
            template, user.email, user.locale or "fr", template, user_id=user.id, tender=tender, link=link, **context
        )


@bp.route("/tenders/<int:tender_id>/opening", methods=["GET", "POST"])
def opening(tender_id: int):
    """The opening session: the first visit after the deadline opens the bids."""
    from safkat.bids import opening as bid_opening
    from safkat.bids.forms import OpeningForm
    from safkat.bids.models import Opening
    from safkat.bids.services import minutes_rows

    tender = managed_tender(tender_id)
    require("tender.open", tender)
    form = OpeningForm()
    existing = get_session().get(Opening, tender.id)
    if existing is None and bid_opening.is_due(tender, now()):
        commission = form.commission.data if form.validate_on_submit() else current_user.full_name
        try:
            existing = bid_opening.open_bids(
                get_session(),
                tender,
                current_user,
                platform_keys(),
                file_store(),
                now(),
                commission or current_user.full_name,
            )
        except DomainError as error:
            flash_domain_error(error)
    if existing is None:
        flash(_("The bids stay sealed until the submission deadline."), "info")
        return to_tender_page(tender)
    return render_template(
        "bids/minutes.html", tender=tender, opening=existing, rows=minutes_rows(existing), officer_view=True
    )
