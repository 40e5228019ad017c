"""A redistribution of a tender's key to a new commission: each member's part, from their
own session (see :mod:`safkat.commission.rekeying`). The page's script does the member's
side in the browser; without it, the member pastes the command-line tool's answer."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from safkat.commission import redistribution, rekeying
from safkat.commission.forms import RedistributionReplyForm
from safkat.commission.reshare_models import RoundStatus
from safkat.errors import DomainError
from safkat.tenders.models import Tender, TenderStatus
from safkat.web import flash_domain_error, get_or_404, get_session, now, require

bp = Blueprint("rekeying", __name__, url_prefix="/officer/tenders/<int:tender_id>/key-redistribution")

ROUND_STATUS_LABELS = {
    RoundStatus.COLLECTING: _l("Waiting for the old members to re-share their parts"),
    RoundStatus.COMBINING: _l("Waiting for the new members to combine their parts"),
    RoundStatus.COMPLETE: _l("Complete: the new commission holds the tender's key"),
    RoundStatus.ABANDONED: _l("Abandoned: the commission changed again"),
}


@bp.before_request
@login_required
def only_logged_in():
    pass


@bp.app_template_global()
def redistribution_of(tender):
    """The tender's latest redistribution round, for the status block of the commission's pages."""
    return rekeying.latest_round(get_session(), tender.id)


@bp.app_template_global()
def holders_of_replaced_keys(tender):
    return rekeying.holders_of_replaced_keys(get_session(), tender)


@bp.app_template_global()
def redistribution_too_late(round_) -> bool:
    """A round still under way at the deadline: it can no longer end (nothing changes after it)."""
    return round_.status in RoundStatus.PENDING and now() >= round_.tender.submission_deadline_at


@bp.app_context_processor
def round_labels():
    return {"ROUND_STATUS_LABELS": ROUND_STATUS_LABELS}


def _tender(tender_id: int) -> Tender:
    tender = get_or_404(Tender, tender_id)
    if tender.status == TenderStatus.DELETED:
        abort(404)
    require("tender.manage", tender)
    return tender


@bp.route("")
def show(tender_id: int):
    tender = _tender(tender_id)
    session = get_session()
    round_ = rekeying.latest_round(session, tender.id)
    if round_ is None:
        abort(404)
    kind, request = redistribution.request_for(session, round_, current_user.id, now()) or (None, None)
    return render_template(
        "commission/redistribution.html",
        tender=tender,
        round=round_,
        kind=kind,
        request_json=json.dumps(request) if request else "",
        form=RedistributionReplyForm(),
    )


def _answer(tender_id: int, permission: str, accept, done: str):
    tender = _tender(tender_id)
    round_ = rekeying.pending_round(get_session(), tender.id)
    if round_ is None:
        flash(_("No redistribution of this tender's key is under way."), "error")
        return redirect(url_for("commission.edit", tender_id=tender.id)), 303
    require(permission, round_)
    form = RedistributionReplyForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(error) for error in errors), "error")
        return redirect(url_for("rekeying.show", tender_id=tender.id)), 303
    try:
        accept(get_session(), tender, current_user, form.reply.data.strip(), now())
    except DomainError as error:
        flash_domain_error(error)
        return redirect(url_for("rekeying.show", tender_id=tender.id)), 303
    flash(done, "success")
    return redirect(url_for("rekeying.show", tender_id=tender.id))


@bp.route("/reshare", methods=["POST"])
def reshare(tender_id: int):
    return _answer(
        tender_id,
        "redistribution.reshare",
        redistribution.accept_reshare,
        _("Your part is re-shared to the new commission."),
    )


@bp.route("/combine", methods=["POST"])
def combine(tender_id: int):
    return _answer(
        tender_id,
        "redistribution.combine",
        redistribution.accept_combine,
        _("Your new share of the tender's key is kept."),
    )
