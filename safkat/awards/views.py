"""Bidders' side of the award (results, explanations, complaints) and the public notice."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from safkat.accounts.models import User
from safkat.awards import services as awards
from safkat.awards.models import Complaint, Contract
from safkat.errors import DomainError
from safkat.evaluation import services as evaluation
from safkat.evaluation.forms import ComplaintForm, ExplanationAnswerForm
from safkat.evaluation.models import Assessment
from safkat.filenames import clean_file_name
from safkat.notifications import emails
from safkat.notifications.dispatch import notify_tender_event
from safkat.storage import UploadRejected
from safkat.tenders.services import find_by_reference
from safkat.web import file_store, flash_domain_error, get_or_404, get_session, now, require

bp = Blueprint("awards", __name__)

EVALUATION_STATUS_LABELS = {"in_progress": _l("In progress"), "reviewed": _l("Reviewed"), "locked": _l("Locked")}
AWARD_STATUS_LABELS = {
    "provisional": _l("Provisionally awarded"),
    "final": _l("Awarded (final)"),
    "withdrawn": _l("Withdrawn after a complaint"),
    "unsuccessful": _l("Unsuccessful"),
}
COMPLAINT_STATUS_LABELS = {"pending": _l("Pending"), "upheld": _l("Upheld"), "rejected": _l("Rejected")}
CONTRACT_STATUS_LABELS = {"pending_signature": _l("Awaiting signature"), "signed": _l("Signed")}
ALO_STATUS_LABELS = {
    "flagged": _l("Abnormally low: explanation to ask"),
    "explanation_requested": _l("Abnormally low: explanation requested"),
    "explained": _l("Abnormally low: explanation received"),
    "kept": _l("Abnormally low: kept, justified"),
    "rejected": _l("Abnormally low: rejected"),
}


@bp.app_context_processor
def award_labels():
    return {
        "EVALUATION_STATUS_LABELS": EVALUATION_STATUS_LABELS,
        "AWARD_STATUS_LABELS": AWARD_STATUS_LABELS,
        "COMPLAINT_STATUS_LABELS": COMPLAINT_STATUS_LABELS,
        "CONTRACT_STATUS_LABELS": CONTRACT_STATUS_LABELS,
        "ALO_STATUS_LABELS": ALO_STATUS_LABELS,
    }


@bp.app_template_global()
def award_of(tender):
    """Whether the tender has an award notice to link to."""
    return any(awards.current_award(get_session(), lot.id) for lot in tender.lots)


def _tender(url_reference: str):
    tender = find_by_reference(get_session(), url_reference)
    if tender is None:
        abort(404)
    return tender


@bp.route("/tenders/<url_reference>/award")
def notice(url_reference: str):
    """The public provisional (then final) award notice, complaints and their outcome."""
    tender = _tender(url_reference)
    session = get_session()
    lot_awards = [(lot, awards.current_award(session, lot.id)) for lot in tender.lots]
    if not any(award for _lot, award in lot_awards):
        abort(404)
    winners = {
        award.id: session.get(Assessment, award.assessment_id)
        for _lot, award in lot_awards
        if award and award.assessment_id
    }
    complaints = session.scalars(select(Complaint).where(Complaint.tender_id == tender.id).order_by(Complaint.id)).all()
    contracts = session.scalars(select(Contract).where(Contract.tender_id == tender.id)).all()
    form = None
    if current_user.is_authenticated and can_complain(tender):
        form = ComplaintForm()
        form.lot.choices = [
            (lot.id, _("Lot %(n)s", n=lot.number))
            for lot, award in lot_awards
            if award and award.status in ("provisional", "unsuccessful") and now() < award.standstill_ends_at
        ]
    return render_template(
        "awards/notice.html",
        tender=tender,
        lot_awards=lot_awards,
        winners=winners,
        complaints=complaints,
        contracts=contracts,
        complaint_form=form,
        now=now(),
    )


def can_complain(tender) -> bool:
    from safkat.permissions import can

    return can(current_user, "bid.list")


@bp.route("/tenders/<url_reference>/complaints", methods=["POST"])
@login_required
def lodge(url_reference: str):
    tender = _tender(url_reference)
    require("bid.list")
    form = ComplaintForm()
    form.lot.choices = [(lot.id, str(lot.number)) for lot in tender.lots]
    back = redirect(url_for("awards.notice", url_reference=url_reference, _anchor="complaints"))
    if not form.validate_on_submit():
        flash(_("Write the grounds of your complaint."), "error")
        return back
    document = None
    try:
        if form.document.data:
            stored = file_store().save(
                form.document.data.stream,
                max_bytes=current_app.config["UPLOAD_MAX_BYTES"],
                allowed_types={"application/pdf", "image/jpeg", "image/png"},
            )
            document = (clean_file_name(form.document.data.filename), stored.storage_key, stored.sha256)
        awards.lodge_complaint(get_session(), tender, form.lot.data, current_user, form.grounds.data, now(), document)
    except (DomainError, UploadRejected) as error:
        if document:
            file_store().delete(document[1])
        flash_domain_error(error)
        return back
    flash(
        _("Your complaint is recorded. The contracting authority must answer it before the award becomes final."),
        "success",
    )
    return back


@bp.route("/assessments/<int:assessment_id>/explanation", methods=["POST"])
@login_required
def explain(assessment_id: int):
    """The bidder answers a request to explain an abnormally low price."""
    assessment = get_or_404(Assessment, assessment_id)
    require("bid.view", assessment.bid)
    form = ExplanationAnswerForm()
    if form.validate_on_submit():
        try:
            evaluation.answer_explanation(get_session(), assessment, current_user, form.answer.data, now())
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("Your explanation is sent to the commission."), "success")
    return redirect(url_for("bids.show_bid", bid_id=assessment.bid_id))


def notify_outcomes(tender, outcomes: list[awards.Outcome]) -> None:
    """Tell each bidder its own results, one e-mail per member of the firm whatever the number
    of its lots: the winner, and the others with score, rank and reasons, with its signed
    letters attached (issued by the sender; the notice and reports are issued here). Then
    everyone else with a stake hears of the award once (:func:`notify_tender_event`)."""
    from safkat.documents import events

    session = get_session()
    letters = events.provisional_award_published(tender, outcomes)
    link = emails.absolute_url("awards.notice", url_reference=tender.url_reference)
    by_firm: dict[int, list[awards.Outcome]] = {}
    for outcome in outcomes:
        by_firm.setdefault(outcome.enterprise_id, []).append(outcome)
    told = set()
    for enterprise_id, firm_outcomes in by_firm.items():
        for member in session.scalars(select(User).where(User.enterprise_id == enterprise_id)):
            told.add(member.id)
            attachments = [
                events.to_issue(*letters[key], member.locale, f"{tender.url_reference}-{outcome.lot_number}")
                for outcome in firm_outcomes
                if (key := (enterprise_id, outcome.lot_number)) in letters
            ]
            emails.queue(
                "award_outcome",
                member.email,
                member.locale or "fr",
                "award_outcome",
                user_id=member.id,
                tender=tender,
                title=tender.title(member.locale or "fr"),
                outcomes=firm_outcomes,
                link=link,
                attachments=attachments,
            )
    notify_tender_event(tender, "award_published", told_already=told)


def my_assessments(bid) -> list[Assessment]:
    """This bid's assessments, shown to its firm once the provisional award is out."""
    return list(get_session().scalars(select(Assessment).where(Assessment.bid_id == bid.id)))
