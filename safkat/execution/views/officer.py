"""The contracting authority's side: service order, extensions, amendments, milestones'
decisions, acceptance records, and the invoices' approval, dispute, payment order and payment."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user, login_required

from safkat.execution import forms, notify
from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.execution.models import Milestone
from safkat.execution.payment_clock import local_date
from safkat.execution.views.blueprint import back_to, bp, load_contract, load_invoice, perform, terms
from safkat.money import parse_amount
from safkat.web import get_or_404, get_session, now


@bp.route("/contracts/<int:contract_id>/service-order", methods=["POST"])
@login_required
def order_service(contract_id: int):
    contract = load_contract(contract_id, "contract.execute")
    form = forms.ServiceOrderForm()
    perform(
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
    return back_to(contract.id, "execution")


@bp.route("/contracts/<int:contract_id>/extensions", methods=["POST"])
@login_required
def extend(contract_id: int):
    contract = load_contract(contract_id, "contract.execute")
    form = forms.ExtensionForm()
    perform(
        form,
        lambda: ex.extend(
            get_session(), contract, current_user, days=form.days.data, reason=form.reason.data, now=now()
        ),
        _("The extension is recorded."),
    )
    return back_to(contract.id, "execution")


@bp.route("/contracts/<int:contract_id>/amendments", methods=["POST"])
@login_required
def amend(contract_id: int):
    contract = load_contract(contract_id, "contract.execute")
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

    perform(form, call, _("The amendment is recorded."))
    return back_to(contract.id, "execution")


@bp.route("/contracts/<int:contract_id>/milestones", methods=["POST"])
@login_required
def add_milestone(contract_id: int):
    contract = load_contract(contract_id, "contract.execute")
    form = forms.MilestoneForm()
    perform(
        form,
        lambda: ex.add_milestone(
            get_session(), contract, current_user, title=form.title.data, due_on=form.due_on.data, now=now()
        ),
        _("The milestone is added."),
    )
    return back_to(contract.id, "milestones")


@bp.route("/milestones/<int:milestone_id>/decision", methods=["POST"])
@login_required
def decide_milestone(milestone_id: int):
    milestone = get_or_404(Milestone, milestone_id)
    contract = load_contract(milestone.contract_id, "contract.execute")
    form = forms.MilestoneDecisionForm()
    perform(
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
    return back_to(contract.id, "milestones")


@bp.route("/contracts/<int:contract_id>/acceptance", methods=["POST"])
@login_required
def record_acceptance(contract_id: int):
    contract = load_contract(contract_id, "contract.execute")
    form = forms.AcceptanceForm()
    perform(
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
    return back_to(contract.id, "execution")


@bp.route("/invoices/<int:invoice_id>/approve", methods=["POST"])
@login_required
def approve_invoice(invoice_id: int):
    invoice = load_invoice(invoice_id, "contract.execute")
    perform(
        forms.ActionForm(),
        lambda: invoicing.approve_invoice(get_session(), invoice, current_user, now()),
        _("The invoice is approved."),
    )
    return back_to(invoice.contract_id)


@bp.route("/invoices/<int:invoice_id>/dispute", methods=["POST"])
@login_required
def dispute_invoice(invoice_id: int):
    invoice = load_invoice(invoice_id, "contract.execute")
    form = forms.DisputeForm()
    perform(
        form,
        lambda: invoicing.dispute_invoice(get_session(), invoice, current_user, reason=form.reason.data, now=now()),
        _("The invoice is sent back to the firm with your reason."),
    )
    return back_to(invoice.contract_id)


@bp.route("/invoices/<int:invoice_id>/payment-order", methods=["POST"])
@login_required
def order_payment(invoice_id: int):
    invoice = load_invoice(invoice_id, "contract.execute")
    form = forms.DayForm()
    if perform(
        form,
        lambda: invoicing.order_payment(get_session(), invoice, current_user, ordered_on=form.on.data, now=now()),
        _("The payment order is recorded; the firm is told."),
    ):
        notify.payment_ordered(invoice, invoicing.invoice_clock(invoice, local_date(now())))
    return back_to(invoice.contract_id)


@bp.route("/invoices/<int:invoice_id>/payment", methods=["POST"])
@login_required
def record_payment(invoice_id: int):
    invoice = load_invoice(invoice_id, "contract.execute")
    form = forms.DayForm()
    perform(
        form,
        lambda: invoicing.record_payment(get_session(), invoice, current_user, paid_on=form.on.data, now=now()),
        _("The payment is recorded."),
    )
    return back_to(invoice.contract_id)
