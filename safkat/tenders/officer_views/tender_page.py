"""The page of one tender: its state, and every form of the officer's work on it."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _

from safkat.accounts.forms import EmptyForm
from safkat.tenders import services
from safkat.tenders.forms import AmendmentForm, AnswerForm, CancelForm, DocumentForm, LotForm
from safkat.tenders.models import Tender, TenderStatus
from safkat.tenders.officer_views.blueprint import bp, managed_tender
from safkat.web import get_session, now


@bp.route("/tenders/<int:tender_id>")
def manage_tender(tender_id: int):
    tender = managed_tender(tender_id)
    return render_manage(tender)


def render_manage(tender: Tender, status: int = 200, **forms):
    """The tender's page; ``forms`` (``lot_form=``…) show a form that failed, with its errors."""
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
