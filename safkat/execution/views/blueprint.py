"""The blueprint ``execution``, its status labels, and the helpers every view uses: load a
contract or an invoice and check the permission (404, then 403), run one service behind a
validated form and flash the outcome, go back to the contract's page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from safkat.awards.models import Contract
from safkat.errors import DomainError
from safkat.execution import services as ex
from safkat.execution.models import Invoice
from safkat.web import flash_domain_error, get_or_404, require

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


def load_contract(contract_id: int, action: str) -> Contract:
    contract = get_or_404(Contract, contract_id)
    require(action, contract)
    return contract


def load_invoice(invoice_id: int, action: str) -> Invoice:
    invoice = get_or_404(Invoice, invoice_id)
    require(action, invoice.contract)
    return invoice


def back_to(contract_id: int, anchor: str = "invoices"):
    return redirect(url_for("execution.show_contract", contract_id=contract_id, _anchor=anchor))


def perform(form, call: Callable[[], object], success: str) -> bool:
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


@bp.app_template_filter("day")
def format_day(value) -> str:
    """A calendar date in the page's language."""
    from flask_babel import format_date

    return format_date(value, "medium") if value else ""
