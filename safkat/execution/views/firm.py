"""The firm's side: invoices and progress statements with their PDF (sent, corrected after a
dispute), and the declaration of a milestone's delivery."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user, login_required

from safkat.errors import DomainError
from safkat.execution import forms
from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.execution.models import Milestone
from safkat.execution.views.blueprint import back_to, bp, load_contract, load_invoice, perform, terms
from safkat.money import parse_amount
from safkat.storage import UploadRejected
from safkat.web import file_store, get_or_404, get_session, now, platform_keys


def _store_pdf(upload) -> tuple[str, str, str]:
    stored = file_store().save(
        upload.stream, max_bytes=current_app.config["UPLOAD_MAX_BYTES"], allowed_types={"application/pdf"}
    )
    return (upload.filename or "invoice.pdf")[-255:], stored.storage_key, stored.sha256


def _with_document(form, call: Callable[[tuple[str, str, str]], object], success: str) -> None:
    """Store the PDF, run ``call`` with it; a refused invoice leaves no file behind."""
    stored: list[tuple[str, str, str]] = []

    def run():
        try:
            stored.append(_store_pdf(form.document.data))
        except UploadRejected as error:
            raise DomainError(error.message, **error.params) from None
        call(stored[0])

    if not perform(form, run, success) and stored:
        file_store().delete(stored[0][1])


@bp.route("/contracts/<int:contract_id>/invoices", methods=["POST"])
@login_required
def submit_invoice(contract_id: int):
    contract = load_contract(contract_id, "contract.invoice")
    form = forms.InvoiceForm()
    _with_document(
        form,
        lambda document: invoicing.submit_invoice(
            get_session(),
            contract,
            current_user,
            number=form.number.data,
            amount=parse_amount(form.amount.data),
            document=document,
            terms=terms(),
            signing_key=platform_keys().signing_key,
            now=now(),
        ),
        _("Your invoice is received: its signed receipt is below, and the payment period runs from today."),
    )
    return back_to(contract.id)


@bp.route("/invoices/<int:invoice_id>/resubmit", methods=["POST"])
@login_required
def resubmit_invoice(invoice_id: int):
    invoice = load_invoice(invoice_id, "contract.invoice")
    form = forms.ResubmitForm()
    _with_document(
        form,
        lambda document: invoicing.resubmit_invoice(
            get_session(),
            invoice,
            current_user,
            amount=parse_amount(form.amount.data),
            document=document,
            holidays=terms().holidays,
            signing_key=platform_keys().signing_key,
            now=now(),
        ),
        _("Your corrected invoice is received: the payment period runs again from today."),
    )
    return back_to(invoice.contract_id)


@bp.route("/milestones/<int:milestone_id>/delivery", methods=["POST"])
@login_required
def deliver_milestone(milestone_id: int):
    milestone = get_or_404(Milestone, milestone_id)
    contract = load_contract(milestone.contract_id, "contract.invoice")
    perform(
        forms.ActionForm(),
        lambda: ex.deliver_milestone(get_session(), milestone, current_user, now()),
        _("The delivery is declared: the contracting authority will accept or refuse it."),
    )
    return back_to(contract.id, "milestones")
