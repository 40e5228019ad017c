"""What both sides read: the list of contracts, a contract's page, an invoice's PDF and
signed receipt, and the signed documents (service order, acceptance, payment certificate)."""

from __future__ import annotations

import json

from flask import abort, current_app, render_template, send_file
from flask_login import current_user, login_required

from safkat.awards.models import Contract
from safkat.db import writes_on_get
from safkat.execution import forms
from safkat.execution import invoices as invoicing
from safkat.execution import services as ex
from safkat.execution.payment_clock import local_date
from safkat.execution.views.blueprint import bp, load_contract, load_invoice, terms
from safkat.permissions import can, is_officer
from safkat.web import file_store, get_session, now, platform_keys, require


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
    contract = load_contract(contract_id, "contract.view")
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


@bp.route("/invoices/<int:invoice_id>/document")
@login_required
def invoice_document(invoice_id: int):
    invoice = load_invoice(invoice_id, "contract.view")
    path = file_store().path_for(invoice.document_key)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=invoice.document_name)


@bp.route("/invoices/<int:invoice_id>/receipt.json")
@login_required
def invoice_receipt(invoice_id: int):
    from safkat.bids.receipts import receipt_document

    invoice = load_invoice(invoice_id, "contract.view")
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
    contract = load_contract(contract_id, "contract.view")
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
    invoice = load_invoice(invoice_id, "contract.view")
    if invoice.ordered_on is None:
        abort(404)
    return _send_document("payment_certificate", invoice, invoice.contract, edition)
