"""The officer's workspace: dashboard, drafting, publication, amendments, answers."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from safkat.accounts.forms import EmptyForm
from safkat.accounts.models import Sector
from safkat.errors import DomainError
from safkat.i18n import current_language
from safkat.notifications import emails
from safkat.tenders import services
from safkat.tenders.forms import (
    AmendmentForm,
    AnswerForm,
    CancelForm,
    DocumentForm,
    LotForm,
    TenderForm,
    from_centimes,
    parse_criteria,
    to_centimes,
    to_local,
    to_utc,
)
from safkat.tenders.models import Lot, Question, Tender, TenderDocument, TenderStatus
from safkat.web import file_store, flash_domain_error, get_or_404, get_session, now, platform_keys, require
from safkat.wilayas import wilaya_choices

bp = Blueprint("officer", __name__, url_prefix="/officer")


@bp.before_request
@login_required
def only_officers():
    require("tender.create")


def _tender(tender_id: int) -> Tender:
    tender = get_or_404(Tender, tender_id)
    if tender.status == TenderStatus.DELETED:
        abort(404)
    require("tender.manage", tender)
    return tender


def _max_upload() -> int:
    return current_app.config["TENDER_UPLOAD_MAX_BYTES"]


@bp.route("/")
def dashboard():
    session = get_session()
    authority_id = current_user.authority_id
    tenders = list(
        session.scalars(
            select(Tender)
            .where(Tender.authority_id == authority_id, Tender.status != TenderStatus.DELETED)
            .order_by(Tender.created_at.desc())
        )
    )
    by_state: dict[str, list[Tender]] = {}
    for tender in tenders:
        by_state.setdefault(services.public_status(tender, now()), []).append(tender)
    soon = [t for t in by_state.get("open", []) if t.submission_deadline_at <= now() + timedelta(days=14)]
    waiting = list(
        session.scalars(
            select(Question)
            .join(Tender)
            .where(
                Tender.authority_id == authority_id, Question.answer.is_(None), Tender.status == TenderStatus.PUBLISHED
            )
            .order_by(Question.asked_at)
        )
    )
    downloads = dict(
        session.execute(
            select(TenderDocument.tender_id, func.sum(TenderDocument.download_count))
            .join(Tender)
            .where(Tender.authority_id == authority_id)
            .group_by(TenderDocument.tender_id)
        ).all()
    )
    return render_template(
        "tenders/officer/dashboard.html",
        by_state=by_state,
        soon=sorted(soon, key=lambda t: t.submission_deadline_at),
        waiting=waiting,
        downloads=downloads,
    )


def _tender_form(tender: Tender | None = None) -> TenderForm:
    data = None
    if tender is not None and request.method == "GET":
        data = {
            "title_fr": tender.title_fr,
            "title_ar": tender.title_ar,
            "description_fr": tender.description_fr,
            "description_ar": tender.description_ar,
            "category": tender.category,
            "procedure": tender.procedure,
            "wilayas": tender.wilaya_codes,
            "sectors": [s.id for s in tender.sectors],
            "estimated_budget": from_centimes(tender.estimated_budget),
            "is_budget_public": tender.is_budget_public,
            "enquiry_deadline": to_local(tender.enquiry_deadline_at),
            "submission_deadline": to_local(tender.submission_deadline_at),
            "opening_at": to_local(tender.opening_at),
            "opening_place": tender.opening_place,
            "bid_validity_days": tender.bid_validity_days,
            "award_method": tender.award_method,
            "technical_weight": tender.technical_weight,
            "financial_weight": tender.financial_weight,
            "criteria": "\n".join(f"{c.label} ; {c.max_points}" for c in tender.criteria),
            "national_preference": tender.national_preference,
            "requires_technical_offer": tender.requires_technical_offer,
            "required_documents": tender.required_documents,
        }
    form = TenderForm(data=data) if data else TenderForm()
    language = current_language()
    form.wilayas.choices = wilaya_choices(language)
    form.sectors.choices = [
        (s.id, s.name(language)) for s in get_session().scalars(select(Sector).order_by(Sector.code))
    ]
    return form


def _tender_data(form: TenderForm) -> services.TenderData:
    return services.TenderData(
        title_fr=form.title_fr.data,
        title_ar=form.title_ar.data,
        description_fr=form.description_fr.data or "",
        description_ar=form.description_ar.data,
        category=form.category.data,
        procedure=form.procedure.data,
        wilaya_codes=form.wilayas.data or [],
        sector_ids=form.sectors.data or [],
        estimated_budget=to_centimes(form.estimated_budget.data),
        is_budget_public=form.is_budget_public.data,
        enquiry_deadline_at=to_utc(form.enquiry_deadline.data),
        submission_deadline_at=to_utc(form.submission_deadline.data),
        opening_at=to_utc(form.opening_at.data),
        opening_place=form.opening_place.data or "",
        bid_validity_days=form.bid_validity_days.data,
        award_method=form.award_method.data,
        technical_weight=form.technical_weight.data or 0,
        financial_weight=form.financial_weight.data or 0,
        criteria=parse_criteria(form.criteria.data),
        national_preference=form.national_preference.data,
        requires_technical_offer=form.requires_technical_offer.data,
        required_documents=form.required_documents.data or "",
    )


@bp.route("/tenders/new", methods=["GET", "POST"])
def new_tender():
    form = _tender_form()
    if form.validate_on_submit():
        try:
            tender = services.create_draft(
                get_session(), current_user.authority, current_user, _tender_data(form), now()
            )
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("The draft is saved. Add its lots and documents, then publish it."), "success")
            return redirect(url_for("officer.manage_tender", tender_id=tender.id))
    return render_template(
        "tenders/officer/form.html", form=form, tender=None
    ), 422 if form.errors or request.method == "POST" else 200


@bp.route("/tenders/<int:tender_id>/edit", methods=["GET", "POST"])
def edit_tender(tender_id: int):
    tender = _tender(tender_id)
    form = _tender_form(tender)
    if form.validate_on_submit():
        try:
            services.update_draft(get_session(), tender, current_user, _tender_data(form), now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("The draft is saved."), "success")
            return redirect(url_for("officer.manage_tender", tender_id=tender.id))
    status = 422 if request.method == "POST" else 200
    return render_template("tenders/officer/form.html", form=form, tender=tender), status


@bp.route("/tenders/<int:tender_id>")
def manage_tender(tender_id: int):
    tender = _tender(tender_id)
    return _render_manage(tender)


def _render_manage(tender: Tender, status: int = 200, **forms):
    amendment_form = forms.get("amendment_form") or AmendmentForm()
    amendment_form.replaces.choices = [(0, _("Nothing (a new document)"))] + [
        (d.id, d.title) for d in tender.current_documents
    ]
    problems = (
        services.publication_problems(tender, now(), current_app.config["TENDER_MIN_DAYS"])
        if tender.status == TenderStatus.DRAFT
        else []
    )
    from safkat.bids.services import count_bids

    return render_template(
        "tenders/officer/manage.html",
        bid_count=count_bids(get_session(), tender) if tender.status != TenderStatus.DRAFT else 0,
        tender=tender,
        state=services.public_status(tender, now()),
        problems=problems,
        lot_form=forms.get("lot_form") or LotForm(),
        document_form=forms.get("document_form") or DocumentForm(),
        amendment_form=amendment_form,
        answer_form=AnswerForm(),
        cancel_form=forms.get("cancel_form") or CancelForm(),
        button_form=EmptyForm(),
        min_days=current_app.config["TENDER_MIN_DAYS"],
    ), status


def _after(tender: Tender, message: str):
    flash(message, "success")
    return redirect(url_for("officer.manage_tender", tender_id=tender.id))


@bp.route("/tenders/<int:tender_id>/lots", methods=["POST"])
@bp.route("/tenders/<int:tender_id>/lots/<int:lot_id>", methods=["GET", "POST"])
def save_lot(tender_id: int, lot_id: int | None = None):
    tender = _tender(tender_id)
    lot = get_or_404(Lot, lot_id) if lot_id else None
    if lot is not None and lot.tender_id != tender.id:
        abort(404)
    form = (
        LotForm(obj=lot, estimated_amount=from_centimes(lot.estimated_amount) if lot else None)
        if request.method == "GET"
        else LotForm()
    )
    if form.validate_on_submit():
        data = services.LotData(
            form.title_fr.data,
            form.title_ar.data,
            form.description.data or "",
            to_centimes(form.estimated_amount.data),
            form.is_reserved.data,
        )
        try:
            services.save_lot(get_session(), tender, current_user, data, now(), lot)
        except DomainError as error:
            flash_domain_error(error)
        else:
            return _after(tender, _("The lot is saved."))
    if lot is None:
        return _render_manage(tender, 422, lot_form=form)
    return render_template(
        "tenders/officer/lot.html", tender=tender, lot=lot, form=form
    ), 422 if request.method == "POST" else 200


@bp.route("/tenders/<int:tender_id>/lots/<int:lot_id>/delete", methods=["POST"])
def delete_lot(tender_id: int, lot_id: int):
    tender = _tender(tender_id)
    lot = get_or_404(Lot, lot_id)
    if lot.tender_id != tender.id or not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.remove_lot(get_session(), tender, current_user, lot, now())
    except DomainError as error:
        flash_domain_error(error)
        return redirect(url_for("officer.manage_tender", tender_id=tender.id))
    return _after(tender, _("The lot is removed."))


@bp.route("/tenders/<int:tender_id>/documents", methods=["POST"])
def add_document(tender_id: int):
    tender = _tender(tender_id)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = services.NewDocument(form.title.data, form.file.data.filename, form.file.data.stream)
        try:
            services.add_draft_documents(
                get_session(), tender, current_user, [upload], file_store(), _max_upload(), now()
            )
        except DomainError as error:
            flash_domain_error(error)
        else:
            return _after(tender, _("The document is attached."))
    return _render_manage(tender, 422, document_form=form)


@bp.route("/tenders/<int:tender_id>/documents/<int:document_id>/delete", methods=["POST"])
def delete_document(tender_id: int, document_id: int):
    tender = _tender(tender_id)
    document = get_or_404(TenderDocument, document_id)
    if document.tender_id != tender.id or not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.remove_draft_document(get_session(), tender, current_user, document, now())
    except DomainError as error:
        flash_domain_error(error)
        return redirect(url_for("officer.manage_tender", tender_id=tender.id))
    return _after(tender, _("The document is removed."))


@bp.route("/tenders/<int:tender_id>/publish", methods=["POST"])
def publish_tender(tender_id: int):
    tender = _tender(tender_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.publish(
            get_session(), tender, current_user, now(), current_app.config["TENDER_MIN_DAYS"], platform_keys().kek
        )
    except DomainError as error:
        flash_domain_error(error)
        return _render_manage(tender, 422)
    from safkat.notifications.dispatch import notify_new_tender

    notify_new_tender(tender)
    return _after(tender, _("Published under the reference %(ref)s.", ref=tender.reference))


@bp.route("/tenders/<int:tender_id>/delete", methods=["POST"])
def delete_tender(tender_id: int):
    tender = _tender(tender_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.delete_draft(get_session(), tender, current_user, now())
    except DomainError as error:
        flash_domain_error(error)
        return _render_manage(tender, 422)
    flash(_("The draft is deleted."), "success")
    return redirect(url_for("officer.dashboard"))


@bp.route("/tenders/<int:tender_id>/amend", methods=["POST"])
def amend_tender(tender_id: int):
    tender = _tender(tender_id)
    form = AmendmentForm()
    form.replaces.choices = [(0, "")] + [(d.id, d.title) for d in tender.current_documents]
    if not form.validate_on_submit():
        return _render_manage(tender, 422, amendment_form=form)
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
            now=now(),
            new_deadline=to_utc(form.new_deadline.data),
            new_enquiry_deadline=to_utc(form.new_enquiry_deadline.data),
            documents=documents,
            replaces=replaces,
            store=file_store(),
            max_bytes=_max_upload(),
        )
    except DomainError as error:
        flash_domain_error(error)
        return _render_manage(tender, 422, amendment_form=form)
    _notify(tender, "tender_amended", amendment=amendment)
    return _after(tender, _("Amendment no. %(n)s is published; bidders are told.", n=amendment.number))


@bp.route("/tenders/<int:tender_id>/questions/<int:question_id>/answer", methods=["POST"])
def answer_question(tender_id: int, question_id: int):
    tender = _tender(tender_id)
    question = get_or_404(Question, question_id)
    if question.tender_id != tender.id:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Write the answer."), "error")
        return redirect(url_for("officer.manage_tender", tender_id=tender.id, _anchor="questions"))
    try:
        services.answer_question(get_session(), question, current_user, form.answer.data, now())
    except DomainError as error:
        flash_domain_error(error)
        return _render_manage(tender, 422)
    return _after(tender, _("The answer is published on the tender page."))


@bp.route("/tenders/<int:tender_id>/cancel", methods=["POST"])
def cancel_tender(tender_id: int):
    tender = _tender(tender_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _render_manage(tender, 422, cancel_form=form)
    try:
        services.cancel(get_session(), tender, current_user, form.reason.data, now())
    except DomainError as error:
        flash_domain_error(error)
        return _render_manage(tender, 422, cancel_form=form)
    _notify(tender, "tender_cancelled")
    return _after(tender, _("The call for tender is cancelled; bidders are told."))


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

    tender = _tender(tender_id)
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
        return redirect(url_for("officer.manage_tender", tender_id=tender.id))
    return render_template(
        "bids/minutes.html", tender=tender, opening=existing, rows=minutes_rows(existing), officer_view=True
    )
