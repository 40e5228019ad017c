"""After the draft: publication, amendments and cancellation (bidders are told)."""

from __future__ import annotations

from flask import abort, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from safkat.accounts.forms import EmptyForm
from safkat.errors import DomainError
from safkat.i18n import current_language
from safkat.notifications.dispatch import notify_new_tender, notify_tender_event
from safkat.tenders import services
from safkat.tenders.forms import AmendmentForm, CancelForm, to_utc
from safkat.tenders.models import TenderStatus
from safkat.tenders.officer_views.blueprint import back_to_tender, bp, managed_tender, max_upload, to_tender_page
from safkat.tenders.officer_views.tender_page import render_manage
from safkat.web import file_store, flash_domain_error, get_session, now, platform_keys


@bp.route("/tenders/<int:tender_id>/publish", methods=["GET"])
def confirm_publish(tender_id: int):
    """Publishing cannot be undone: say what it does, and ask (the button posts to the same URL)."""
    tender = managed_tender(tender_id)
    if tender.status != TenderStatus.DRAFT:
        return to_tender_page(tender)
    problems = services.publication_problems(tender, now(), current_app.config["TENDER_MIN_DAYS"])
    return render_template(
        "core/confirm.html",
        heading=_("Publish this call for tender?"),
        subject=tender.title(current_language()),
        problems=problems,
        consequences=[
            _("It becomes public at once, under a reference that never changes."),
            _("Firms whose alerts match it are told."),
            _("After this, it changes only through public amendments."),
        ],
        action=url_for("officer.publish_tender", tender_id=tender.id),
        confirm_label=_("Publish"),
        back_url=url_for("officer.manage_tender", tender_id=tender.id),
        form=EmptyForm(),
    )


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
    notify_tender_event(tender, "tender_amended", amendment=amendment)
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
    notify_tender_event(tender, "tender_cancelled")
    return back_to_tender(tender, _("The call for tender is cancelled; bidders are told."))


