"""Drafting: the call for tender's form, its lots and documents, and deleting a draft."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from safkat.accounts.forms import EmptyForm
from safkat.accounts.models import Sector
from safkat.bilingual import text_lines
from safkat.errors import DomainError
from safkat.i18n import current_language
from safkat.tenders import services
from safkat.tenders.forms import (
    DocumentForm,
    LotForm,
    TenderForm,
    from_centimes,
    parse_criteria,
    to_centimes,
    to_local,
    to_utc,
)
from safkat.tenders.models import Lot, Tender, TenderDocument
from safkat.tenders.officer_views.blueprint import back_to_tender, bp, managed_tender, max_upload, to_tender_page
from safkat.tenders.officer_views.tender_page import render_manage
from safkat.web import file_store, flash_domain_error, get_or_404, get_session, now
from safkat.wilayas import wilaya_choices


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
            "opening_place_ar": tender.opening_place_ar,
            "bid_validity_days": tender.bid_validity_days,
            "execution_days": tender.execution_days,
            "award_method": tender.award_method,
            "technical_weight": tender.technical_weight,
            "financial_weight": tender.financial_weight,
            "criteria": "\n".join(f"{c.label} ; {c.max_points}" for c in tender.criteria),
            "criteria_ar": "\n".join(c.label_ar or "" for c in tender.criteria).strip(),
            "national_preference": tender.national_preference,
            "requires_technical_offer": tender.requires_technical_offer,
            "required_documents": tender.required_documents,
            "required_documents_ar": tender.required_documents_ar,
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
        opening_place_ar=form.opening_place_ar.data,
        bid_validity_days=form.bid_validity_days.data,
        execution_days=form.execution_days.data,
        award_method=form.award_method.data,
        technical_weight=form.technical_weight.data or 0,
        financial_weight=form.financial_weight.data or 0,
        criteria=parse_criteria(form.criteria.data),
        criteria_ar=text_lines(form.criteria_ar.data),
        national_preference=form.national_preference.data,
        requires_technical_offer=form.requires_technical_offer.data,
        required_documents=form.required_documents.data or "",
        required_documents_ar=form.required_documents_ar.data,
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
            return back_to_tender(tender, _("The draft is saved. Add its lots and documents, then publish it."))
    return render_template(
        "tenders/officer/form.html", form=form, tender=None
    ), 422 if form.errors or request.method == "POST" else 200


@bp.route("/tenders/<int:tender_id>/edit", methods=["GET", "POST"])
def edit_tender(tender_id: int):
    tender = managed_tender(tender_id)
    form = _tender_form(tender)
    if form.validate_on_submit():
        try:
            services.update_draft(get_session(), tender, current_user, _tender_data(form), now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            return back_to_tender(tender, _("The draft is saved."))
    status = 422 if request.method == "POST" else 200
    return render_template("tenders/officer/form.html", form=form, tender=tender), status


@bp.route("/tenders/<int:tender_id>/lots", methods=["POST"])
@bp.route("/tenders/<int:tender_id>/lots/<int:lot_id>", methods=["GET", "POST"])
def save_lot(tender_id: int, lot_id: int | None = None):
    tender = managed_tender(tender_id)
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
            return back_to_tender(tender, _("The lot is saved."))
    if lot is None:
        return render_manage(tender, 422, lot_form=form)
    return render_template(
        "tenders/officer/lot.html", tender=tender, lot=lot, form=form
    ), 422 if request.method == "POST" else 200


@bp.route("/tenders/<int:tender_id>/lots/<int:lot_id>/delete", methods=["POST"])
def delete_lot(tender_id: int, lot_id: int):
    tender = managed_tender(tender_id)
    return _remove(tender, get_or_404(Lot, lot_id), services.remove_lot, _("The lot is removed."))


@bp.route("/tenders/<int:tender_id>/documents", methods=["POST"])
def add_document(tender_id: int):
    tender = managed_tender(tender_id)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = services.NewDocument(form.title.data, form.file.data.filename, form.file.data.stream)
        try:
            services.add_draft_documents(
                get_session(), tender, current_user, [upload], file_store(), max_upload(), now()
            )
        except DomainError as error:
            flash_domain_error(error)
        else:
            return back_to_tender(tender, _("The document is attached."))
    return render_manage(tender, 422, document_form=form)


@bp.route("/tenders/<int:tender_id>/documents/<int:document_id>/delete", methods=["POST"])
def delete_document(tender_id: int, document_id: int):
    tender = managed_tender(tender_id)
    document = get_or_404(TenderDocument, document_id)
    return _remove(tender, document, services.remove_draft_document, _("The document is removed."))


def _remove(tender: Tender, item: Lot | TenderDocument, remove, message: str):
    """Remove a lot or a document of a draft with ``remove`` (a service), from a button's form."""
    if item.tender_id != tender.id or not EmptyForm().validate_on_submit():
        abort(400)
    try:
        remove(get_session(), tender, current_user, item, now())
    except DomainError as error:
        flash_domain_error(error)
        return to_tender_page(tender)
    return back_to_tender(tender, message)


@bp.route("/tenders/<int:tender_id>/delete", methods=["POST"])
def delete_tender(tender_id: int):
    tender = managed_tender(tender_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.delete_draft(get_session(), tender, current_user, now())
    except DomainError as error:
        flash_domain_error(error)
        return render_manage(tender, 422)
    flash(_("The draft is deleted."), "success")
    return redirect(url_for("officer.dashboard"))
