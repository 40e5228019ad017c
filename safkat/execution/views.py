"""Contract execution pages: the firm's and the officers' side of one contract.

Each POST loads the contract (404), checks the permission (403), validates its form and
calls one service; a refused operation is flashed and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from safkat.awards.models import Contract
from safkat.db import writes_on_get
from safkat.errors import DomainError
from safkat.execution import forms, notify
from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.execution.models import Invoice, Milestone
from safkat.execution.payment_clock import local_date
from safkat.money import parse_amount
from safkat.permissions import can, is_officer
from safkat.storage import UploadRejected
from safkat.web import file_store, flash_domain_error, get_or_404, get_session, now, platform_keys, require

bp = Blueprint("execution", __name__)

EXECUTION_STATUS_LABELS = {
    None: _l("Awaiting the service order"),
    "in_progress": _l("In progress"),
    "provisionally_accepted": _l("Provisionally accepted"),
    "finally_accepted": _l("Finally accepted"),
}
MILESTONE_STATUS_LABELS = {
    "pending": _l("To deliver"),
    "delivered": _l("Delivered, awaiting decision"),
    "accepted": _l("Accepted"),
    "refused": _l("Refused"),
}
INVOICE_STATUS_LABELS = {
    "submitted": _l("Received, awaiting approval"),
    "disputed": _l("Sent back for correction"),
    "approved": _l("Approved, awaiting payment order"),
    "ordered": _l("Payment ordered"),
    "paid": _l("Paid"),
}


@bp.app_context_processor
def execution_labels():
    return {
        "EXECUTION_STATUS_LABELS": EXECUTION_STATUS_LABELS,
        "MILESTONE_STATUS_LABELS": MILESTONE_STATUS_LABELS,
        "INVOICE_STATUS_LABELS": INVOICE_STATUS_LABELS,
    }


def terms() -> ex.PaymentTerms:
    config = current_app.config
    return ex.PaymentTerms(
        payment_days=config["PAYMENT_DAYS"],
        interest_rate_bp=config["MORATORY_INTEREST_BP"],
        amendment_max_percent=config["AMENDMENT_MAX_PERCENT"],
        holidays=config["PUBLIC_HOLIDAYS"],
    )


def _contract(contract_id: int, action: str) -> Contract:
    contract = get_or_404(Contract, contract_id)
    require(action, contract)
    return contract


def _invoice(invoice_id: int, action: str) -> Invoice:
    invoice = get_or_404(Invoice, invoice_id)
    require(action, invoice.contract)
    return invoice


def _back(contract_id: int, anchor: str = "invoices"):
    return redirect(url_for("execution.show_contract", contract_id=contract_id, _anchor=anchor))


def _perform(form, call: Callable[[], object], success: str) -> bool:
    """Validate ``form``, run ``call``; flash the outcome. True when it succeeded."""
    if not form.validate_on_submit():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        flash(" ".join(str(error) for error in errors) or _("Please correct the fields marked below."), "error")
        return False
    try:
        call()
    except DomainError as error:
        flash_domain_error(error)
        return False
    flash(success, "success")
    return True


@bp.route("/contracts")
@login_required
def list_contracts():
    require("contract.list")
    session = get_session()
    if is_officer(current_user):
        contracts = ex.signed_contracts(session, authority_id=current_user.authority_id)
    else:
        contracts = ex.signed_contracts(session, enterprise_id=current_user.enterprise_id)
    rows = [(contract, ex.execution_of(session, contract)) for contract in contracts]
    return render_template("execution/list.html", rows=rows)


@bp.route("/contracts/<int:contract_id>")
@login_required
def show_contract(contract_id: int):
    contract = _contract(contract_id, "contract.view")
    session = get_session()
    execution = ex.execution_of(session, contract)
    today = local_date(now())
    invoices = [(invoice, invoicing.invoice_clock(invoice, today)) for invoice in invoicing.invoices(session, contract)]
    return render_template(
        "execution/contract.html",
        contract=contract,
        tender=contract.lot.tender,
        execution=execution,
        ends_on=ex.ends_on(session, execution) if execution else None,
        changes=ex.changes(session, contract),
        milestones=ex.milestones(session, contract),
        invoices=invoices,
        total=ex.contract_total(session, contract),
        remaining=ex.remaining(session, contract),
        interest_due=sum(clock.interest for _invoice, clock in invoices),
        terms=terms(),
        forms=forms,
        can_execute=can(current_user, "contract.execute", contract),
        can_invoice=can(current_user, "contract.invoice", contract),
    )


# -- officer side ------------------------------------------------------------------------


@bp.route("/contracts/<int:contract_id>/service-order", methods=["POST"])
@login_required
def order_service(contract_id: int):
    contract = _contract(contract_id, "contract.execute")
    form = forms.ServiceOrderForm()
    _perform(
        form,
        lambda: ex.order_service(
            get_session(),
            contract,
            current_user,
            starts_on=form.starts_on.data,
            execution_days=form.execution_days.data,
            now=now(),
        ),
        _("The service order is recorded: the execution period runs."),
    )
    return _back(contract.id, "execution")


@bp.route("/contracts/<int:contract_id>/extensions", methods=["POST"])
@login_required
def extend(contract_id: int):
    contract = _contract(contract_id, "contract.execute")
    form = forms.ExtensionForm()
    _perform(
        form,
        lambda: ex.extend(
            get_session(), contract, current_user, days=form.days.data, reason=form.reason.data, now=now()
        ),
        _("The extension is recorded."),
    )
    return _back(contract.id, "execution")


@bp.route("/contracts/<int:contract_id>/amendments", methods=["POST"])
@login_required
def amend(contract_id: int):
    contract = _contract(contract_id, "contract.execute")
    form = forms.AmendmentForm()

    def call():
        amount = parse_amount(form.amount.data) if (form.amount.data or "").strip() else 0
        sign = -1 if form.direction.data == "decrease" else 1
        ex.amend(
            get_session(),
            contract,
            current_user,
            amount_delta=sign * amount,
            days_delta=form.days.data or 0,
            reason=form.reason.data,
            terms=terms(),
            now=now(),
        )

    _perform(form, call, _("The amendment is recorded."))
    return _back(contract.id, "execution")


@bp.route("/contracts/<int:contract_id>/milestones", methods=["POST"])
@login_required
def add_milestone(contract_id: int):
    contract = _contract(contract_id, "contract.execute")
    form = forms.MilestoneForm()
    _perform(
        form,
        lambda: ex.add_milestone(
            get_session(), contract, current_user, title=form.title.data, due_on=form.due_on.data, now=now()
        ),
        _("The milestone is added."),
    )
    return _back(contract.id, "milestones")


@bp.route("/milestones/<int:milestone_id>/decision", methods=["POST"])
@login_required
def decide_milestone(milestone_id: int):
    milestone = get_or_404(Milestone, milestone_id)
    contract = _contract(milestone.contract_id, "contract.execute")
    form = forms.MilestoneDecisionForm()
    _perform(
        form,
        lambda: ex.decide_milestone(
            get_session(),
            milestone,
            current_user,
            accepted=form.decision.data == "accept",
            reason=form.reason.data,
            now=now(),
        ),
        _("The decision is recorded."),
    )
    return _back(contract.id, "milestones")


@bp.route("/contracts/<int:contract_id>/acceptance", methods=["POST"])
@login_required
def record_acceptance(contract_id: int):
    contract = _contract(contract_id, "contract.execute")
    form = forms.AcceptanceForm()
    _perform(
        form,
        lambda: ex.record_acceptance(
            get_session(),
            contract,
            current_user,
            final=form.kind.data == "final",
            on=form.on.data,
            reserves=form.reserves.data,
            now=now(),
        ),
        _("The acceptance record is recorded."),
    )
    return _back(contract.id, "execution")


@bp.route("/invoices/<int:invoice_id>/approve", methods=["POST"])
@login_required
def approve_invoice(invoice_id: int):
    invoice = _invoice(invoice_id, "contract.execute")
    _perform(
        forms.ActionForm(),
        lambda: invoicing.approve_invoice(get_session(), invoice, current_user, now()),
        _("The invoice is approved."),
    )
    return _back(invoice.contract_id)


@bp.route("/invoices/<int:invoice_id>/dispute", methods=["POST"])
@login_required
def dispute_invoice(invoice_id: int):
    invoice = _invoice(invoice_id, "contract.execute")
    form = forms.DisputeForm()
    _perform(
        form,
        lambda: invoicing.dispute_invoice(get_session(), invoice, current_user, reason=form.reason.data, now=now()),
        _("The invoice is sent back to the firm with your reason."),
    )
    return _back(invoice.contract_id)


@bp.route("/invoices/<int:invoice_id>/payment-order", methods=["POST"])
@login_required
def order_payment(invoice_id: int):
    invoice = _invoice(invoice_id, "contract.execute")
    form = forms.DayForm()
    if _perform(
        form,
        lambda: invoicing.order_payment(get_session(), invoice, current_user, ordered_on=form.on.data, now=now()),
        _("The payment order is recorded; the firm is told."),
    ):
        notify.payment_ordered(invoice, invoicing.invoice_clock(invoice, local_date(now())))
    return _back(invoice.contract_id)


@bp.route("/invoices/<int:invoice_id>/payment", methods=["POST"])
@login_required
def record_payment(invoice_id: int):
    invoice = _invoice(invoice_id, "contract.execute")
    form = forms.DayForm()
    _perform(
        form,
        lambda: invoicing.record_payment(get_session(), invoice, current_user, paid_on=form.on.data, now=now()),
        _("The payment is recorded."),
    )
    return _back(invoice.contract_id)


# -- firm side ---------------------------------------------------------------------------


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

    if not _perform(form, run, success) and stored:
        file_store().delete(stored[0][1])


@bp.route("/contracts/<int:contract_id>/invoices", methods=["POST"])
@login_required
def submit_invoice(contract_id: int):
    contract = _contract(contract_id, "contract.invoice")
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
    return _back(contract.id)


@bp.route("/invoices/<int:invoice_id>/resubmit", methods=["POST"])
@login_required
def resubmit_invoice(invoice_id: int):
    invoice = _invoice(invoice_id, "contract.invoice")
    form = forms.ResubmitForm()
    _with_document(
        form,
        lambda document: invoicing.resubmit_invoice(
            get_session(),
            invoice,
            current_user,
            amount=parse_amount(form.amount.data),
            document=document,
            holidays=current_app.config["PUBLIC_HOLIDAYS"],
            signing_key=platform_keys().signing_key,
            now=now(),
        ),
        _("Your corrected invoice is received: the payment period runs again from today."),
    )
    return _back(invoice.contract_id)


@bp.route("/milestones/<int:milestone_id>/delivery", methods=["POST"])
@login_required
def deliver_milestone(milestone_id: int):
    milestone = get_or_404(Milestone, milestone_id)
    contract = _contract(milestone.contract_id, "contract.invoice")
    _perform(
        forms.ActionForm(),
        lambda: ex.deliver_milestone(get_session(), milestone, current_user, now()),
        _("The delivery is declared: the contracting authority will accept or refuse it."),
    )
    return _back(contract.id, "milestones")


# -- documents of an invoice (both sides) ------------------------------------------------


@bp.route("/invoices/<int:invoice_id>/document")
@login_required
def invoice_document(invoice_id: int):
    invoice = _invoice(invoice_id, "contract.view")
    path = file_store().path_for(invoice.document_key)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=invoice.document_name)


@bp.route("/invoices/<int:invoice_id>/receipt.json")
@login_required
def invoice_receipt(invoice_id: int):
    from safkat.bids.receipts import receipt_document

    invoice = _invoice(invoice_id, "contract.view")
    document = receipt_document(invoice.receipt_payload, invoice.receipt_signature, platform_keys().verify_key)
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="invoice-{invoice.id}-receipt.json"'
    return response


# -- signed documents (PDF, French or Arabic, with a verification code) -----------------


def _send_document(kind: str, subject, contract: Contract, edition: str):
    from safkat.documents import services as documents
    from safkat.documents.kinds import KINDS
    from safkat.documents.views import make_issuer

    document = documents.document_for(get_session(), kind, subject, edition, make_issuer(), now(), current_user)
    response = send_file(
        file_store().path_for(document.storage_key),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=KINDS[kind].file_name(contract.lot.tender.url_reference, edition, document.version),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/contracts/<int:contract_id>/<any('service-order', acceptance):kind>/<any(fr, ar):edition>.pdf")
@writes_on_get  # issues the signed PDF on its first download
@login_required
def execution_document(contract_id: int, kind: str, edition: str):
    contract = _contract(contract_id, "contract.view")
    record = ex.execution_of(get_session(), contract)
    if record is None or (kind == "acceptance" and record.provisional_acceptance_on is None):
        abort(404)
    return _send_document(
        "service_order" if kind == "service-order" else "acceptance_record", record, contract, edition
    )


@bp.route("/invoices/<int:invoice_id>/certificate/<any(fr, ar):edition>.pdf")
@writes_on_get  # issues the signed PDF on its first download
@login_required
def payment_certificate(invoice_id: int, edition: str):
    invoice = _invoice(invoice_id, "contract.view")
    if invoice.ordered_on is None:
        abort(404)
    return _send_document("payment_certificate", invoice, invoice.contract, edition)


@bp.app_template_filter("day")
def format_day(value) -> str:
    """A calendar date in the page's language."""
    from flask_babel import format_date

    return format_date(value, "medium") if value else ""
