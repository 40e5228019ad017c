"""The ``officer`` blueprint, its guard, and what its views share: the tender, the way back to its page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_login import login_required

from safkat.tenders.models import Tender, TenderStatus
from safkat.web import get_or_404, require

bp = Blueprint("officer", __name__, url_prefix="/officer")


@bp.before_request
@login_required
def only_officers():
    require("tender.create")


def managed_tender(tender_id: int) -> Tender:
    """The tender, if the current officer manages it (404 when deleted, 403 when not theirs)."""
    tender = get_or_404(Tender, tender_id)
    if tender.status == TenderStatus.DELETED:
        abort(404)
    require("tender.manage", tender)
    return tender


def max_upload() -> int:
    return current_app.config["TENDER_UPLOAD_MAX_BYTES"]


def to_tender_page(tender: Tender, **anchor):
    return redirect(url_for("officer.manage_tender", tender_id=tender.id, **anchor))


def back_to_tender(tender: Tender, message: str):
    """After a change: say it worked, and show the tender's page again."""
    flash(message, "success")
    return to_tender_page(tender)
