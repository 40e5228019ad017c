"""An enterprise's own page, its verification documents, and their review by officers."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from safkat.accounts import services
from safkat.accounts.forms import EnterpriseDocumentsForm, ReviewForm
from safkat.accounts.models import DocumentKind, Enterprise, EnterpriseDocument, EnterpriseStatus
from safkat.errors import DomainError
from safkat.filenames import content_disposition
from safkat.pagination import paginate
from safkat.web import file_store, flash_domain_error, get_or_404, get_session, now, require

bp = Blueprint("enterprise", __name__)

STATUS_LABELS = {
    EnterpriseStatus.REGISTERED: _l("Documents not yet sent"),
    EnterpriseStatus.PENDING: _l("Waiting for verification"),
    EnterpriseStatus.VERIFIED: _l("Verified"),
    EnterpriseStatus.REJECTED: _l("Rejected"),
    EnterpriseStatus.SUSPENDED: _l("Suspended"),
}
ACTION_LABELS = {
    "approve": _l("Approve: the enterprise may bid"),
    "reject": _l("Reject, with the reason"),
    "suspend": _l("Suspend, with the reason"),
    "reinstate": _l("Reinstate"),
}
DOCUMENT_LABELS = {
    DocumentKind.TRADE_REGISTER: _l("Trade register extract or artisan card"),
    DocumentKind.SUPPORT_ATTESTATION: _l("Attestation of the support scheme"),
    DocumentKind.TAX_CARD: _l("Tax registration card"),
    DocumentKind.OTHER: _l("Other document"),
}


@bp.app_context_processor
def labels():
    return {"ENTERPRISE_STATUS_LABELS": STATUS_LABELS, "DOCUMENT_LABELS": DOCUMENT_LABELS}


@bp.route("/enterprise", methods=["GET", "POST"])
@login_required
def overview():
    enterprise = current_user.enterprise
    if enterprise is None:
        abort(404)
    require("enterprise.view", enterprise)
    if not current_user.is_email_verified:
        return redirect(url_for("auth.verify_email_sent"))
    form = EnterpriseDocumentsForm()
    if form.validate_on_submit():
        require("enterprise.submit_documents", enterprise)
        uploads = [
            services.UploadedDocument(kind, field.data.filename or "", field.data.stream)
            for kind, field in (
                (DocumentKind.TRADE_REGISTER, form.trade_register),
                (DocumentKind.SUPPORT_ATTESTATION, form.support_attestation),
                (DocumentKind.TAX_CARD, form.tax_card),
            )
            if field.data
        ]
        try:
            services.submit_enterprise_documents(
                get_session(),
                enterprise,
                current_user,
                uploads,
                file_store(),
                current_app.config["UPLOAD_MAX_BYTES"],
                now(),
            )
        except DomainError as error:
            flash_domain_error(error)
            return render_template("accounts/enterprise.html", enterprise=enterprise, form=form), 422
        flash(_("Your documents are sent. An officer will check them; you will get an e-mail."), "success")
        return redirect(url_for("enterprise.overview"))
    return render_template("accounts/enterprise.html", enterprise=enterprise, form=form)


@bp.route("/enterprise/documents/<int:document_id>")
@login_required
def download_document(document_id: int):
    document = get_or_404(EnterpriseDocument, document_id)
    require("enterprise.download_document", document.enterprise)
    response = send_file(
        file_store().path_for(document.storage_key),
        mimetype=document.content_type,
    )
    response.headers["Content-Disposition"] = content_disposition(document.original_name)
    return response


@bp.route("/review/enterprises")
@login_required
def review_list():
    require("enterprise.review")
    status = request.args.get("status", EnterpriseStatus.PENDING)
    query = select(Enterprise).order_by(Enterprise.created_at, Enterprise.id)
    if status in STATUS_LABELS:
        query = query.where(Enterprise.status == status)
    else:
        status = ""
    counts = dict(get_session().execute(select(Enterprise.status, func.count()).group_by(Enterprise.status)).all())
    page = paginate(get_session(), query, request.args.get("page"))
    return render_template("accounts/review_list.html", page=page, status=status, counts=counts)


@bp.route("/review/enterprises/<int:enterprise_id>", methods=["GET", "POST"])
@login_required
def review_detail(enterprise_id: int):
    enterprise = get_or_404(Enterprise, enterprise_id)
    require("enterprise.review", enterprise)
    form = ReviewForm()
    allowed = [a for a in services.ENTERPRISE_LIFECYCLE.allowed_actions(enterprise.status) if a in ACTION_LABELS]
    form.action.choices = [(action, ACTION_LABELS[action]) for action in allowed]
    if form.validate_on_submit():
        try:
            services.review_enterprise(
                get_session(), enterprise, current_user, form.action.data, form.reason.data, now()
            )
        except DomainError as error:
            flash_domain_error(error)
        else:
            _notify_enterprise(enterprise)
            flash(
                _(
                    "Decision recorded: %(name)s is now “%(status)s”.",
                    name=enterprise.name,
                    status=STATUS_LABELS[enterprise.status],
                ),
                "success",
            )
            return redirect(url_for("enterprise.review_list"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/review_detail.html", enterprise=enterprise, form=form), status


def _notify_enterprise(enterprise: Enterprise) -> None:
    from safkat.notifications import emails

    for member in enterprise.members:
        emails.queue(
            "enterprise_status",
            member.email,
            member.locale or "fr",
            "enterprise_status",
            user_id=member.id,
            enterprise=enterprise,
            status_labels=STATUS_LABELS,
            link=emails.absolute_url("enterprise.overview"),
        )
