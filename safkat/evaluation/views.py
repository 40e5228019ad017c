"""The commission's workspace: evaluation per lot, provisional award, complaints, final award."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from safkat.accounts.forms import EmptyForm
from safkat.awards import services as awards
from safkat.awards.models import Complaint, Contract, LotAward
from safkat.errors import DomainError
from safkat.evaluation import services
from safkat.evaluation.forms import (
    AbnormallyLowDecisionForm,
    ComplaintAnswerForm,
    ComplianceForm,
    ExplanationRequestForm,
    FinancialForm,
    scores_form_class,
)
from safkat.evaluation.models import Assessment, LotEvaluation
from safkat.i18n import current_language
from safkat.tenders.forms import to_centimes
from safkat.tenders.models import Lot, Tender
from safkat.web import flash_domain_error, get_or_404, get_session, now, require

bp = Blueprint("evaluation", __name__, url_prefix="/officer/tenders/<int:tender_id>")


def rules() -> services.Rules:
    config = current_app.config
    return services.Rules(
        Decimal(str(config["ABNORMALLY_LOW_THRESHOLD"])), Decimal(str(config["NATIONAL_PREFERENCE_MARGIN"]))
    )


@bp.before_request
@login_required
def only_logged_in():
    pass


def _tender(tender_id: int) -> Tender:
    tender = get_or_404(Tender, tender_id)
    require("tender.evaluate", tender)
    return tender


def _back(tender: Tender, lot: Lot | None = None):
    if lot is None:
        return redirect(url_for("evaluation.overview", tender_id=tender.id))
    return redirect(url_for("evaluation.lot", tender_id=tender.id, lot_id=lot.id))


@bp.route("/evaluation")
def overview(tender_id: int):
    tender = _tender(tender_id)
    session = get_session()
    evaluations = {
        e.lot_id: e for e in session.scalars(select(LotEvaluation).where(LotEvaluation.tender_id == tender.id))
    }
    lot_awards = _lot_awards(tender)
    complaints = session.scalars(select(Complaint).where(Complaint.tender_id == tender.id).order_by(Complaint.id)).all()
    contracts = session.scalars(select(Contract).where(Contract.tender_id == tender.id).order_by(Contract.id)).all()
    return render_template(
        "evaluation/overview.html",
        tender=tender,
        evaluations=evaluations,
        lot_awards=lot_awards,
        award_due=awards.is_award_due(tender, lot_awards),
        complaints=complaints,
        contracts=contracts,
        button=EmptyForm(),
        answer_form=ComplaintAnswerForm(),
        now=now(),
    )


def _lot(tender: Tender, lot_id: int) -> Lot:
    lot = get_or_404(Lot, lot_id)
    if lot.tender_id != tender.id:
        abort(404)
    return lot


@bp.route("/evaluation/lots/<int:lot_id>")
def lot(tender_id: int, lot_id: int):
    """The lot's evaluation, with every opened bid's documents; reading it changes nothing."""
    tender = _tender(tender_id)
    lot = _lot(tender, lot_id)
    session = get_session()
    evaluation = session.scalar(select(LotEvaluation).where(LotEvaluation.lot_id == lot.id))
    if evaluation is None:
        return render_template("evaluation/start.html", tender=tender, lot=lot, button=EmptyForm())
    ranked = sorted(evaluation.assessments, key=lambda a: (a.rank is None, a.rank or 0, a.id))
    from safkat.commission.views import bid_files, request_form

    return render_template(
        "evaluation/lot.html",
        tender=tender,
        lot=lot,
        evaluation=evaluation,
        assessments=ranked,
        files=bid_files(tender, [a.bid_id for a in ranked]),
        request_form=request_form(),
        compliance=ComplianceForm(),
        financial=FinancialForm(),
        scores=scores_form_class(tender)(),
        explanation=ExplanationRequestForm(),
        decision=AbnormallyLowDecisionForm(),
        button=EmptyForm(),
    )


@bp.route("/evaluation/lots/<int:lot_id>/start", methods=["POST"])
def start_lot(tender_id: int, lot_id: int):
    tender = _tender(tender_id)
    lot = _lot(tender, lot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.start(get_session(), tender, lot, current_user, rules(), now())
    except DomainError as error:
        flash_domain_error(error)
        return redirect(url_for("officer.manage_tender", tender_id=tender.id))
    return _back(tender, lot)


def _assessment(tender: Tender, assessment_id: int) -> Assessment:
    assessment = get_or_404(Assessment, assessment_id)
    if assessment.evaluation.tender_id != tender.id:
        abort(404)
    return assessment


def _act(tender: Tender, assessment: Assessment, form, action) -> object:
    """Validate ``form``, run ``action`` (a service call), flash the outcome, go back to the lot."""
    if not form.validate_on_submit():
        flash(
            _("Please correct the fields marked below.")
            + " "
            + " ".join(str(e) for errors in form.errors.values() for e in errors),
            "error",
        )
    else:
        try:
            action(form)
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("Saved."), "success")
    return _back(tender, assessment.evaluation.lot)


@bp.route("/evaluation/assessments/<int:assessment_id>/compliance", methods=["POST"])
def compliance(tender_id: int, assessment_id: int):
    tender = _tender(tender_id)
    assessment = _assessment(tender, assessment_id)
    return _act(
        tender,
        assessment,
        ComplianceForm(),
        lambda form: services.record_compliance(
            get_session(),
            tender,
            assessment,
            current_user,
            eligible=form.eligible.data == "yes",
            reason=form.reason.data,
            technical_pass={"pass": True, "fail": False}.get(form.technical_pass.data),
            rules=rules(),
            now=now(),
        ),
    )


@bp.route("/evaluation/assessments/<int:assessment_id>/scores", methods=["POST"])
def scores(tender_id: int, assessment_id: int):
    tender = _tender(tender_id)
    assessment = _assessment(tender, assessment_id)
    return _act(
        tender,
        assessment,
        scores_form_class(tender)(),
        lambda form: services.record_scores(
            get_session(),
            tender,
            assessment,
            current_user,
            {c.id: form[f"criterion_{c.id}"].data for c in tender.criteria},
            rules(),
            now(),
        ),
    )


@bp.route("/evaluation/assessments/<int:assessment_id>/financial", methods=["POST"])
def financial(tender_id: int, assessment_id: int):
    tender = _tender(tender_id)
    assessment = _assessment(tender, assessment_id)
    return _act(
        tender,
        assessment,
        FinancialForm(),
        lambda form: services.record_financial(
            get_session(),
            tender,
            assessment,
            current_user,
            corrected_amount=to_centimes(form.corrected_amount.data),
            note=form.correction_note.data,
            national_preference=form.national_preference.data,
            rules=rules(),
            now=now(),
        ),
    )


@bp.route("/evaluation/assessments/<int:assessment_id>/explanation", methods=["POST"])
def request_explanation(tender_id: int, assessment_id: int):
    tender = _tender(tender_id)
    assessment = _assessment(tender, assessment_id)
    return _act(
        tender,
        assessment,
        ExplanationRequestForm(),
        lambda form: services.request_explanation(
            get_session(), tender, assessment, current_user, form.question.data, now()
        ),
    )


@bp.route("/evaluation/assessments/<int:assessment_id>/abnormally-low", methods=["POST"])
def decide(tender_id: int, assessment_id: int):
    tender = _tender(tender_id)
    assessment = _assessment(tender, assessment_id)
    return _act(
        tender,
        assessment,
        AbnormallyLowDecisionForm(),
        lambda form: services.decide_abnormally_low(
            get_session(),
            tender,
            assessment,
            current_user,
            keep=form.decision.data == "keep",
            justification=form.justification.data,
            rules=rules(),
            now=now(),
        ),
    )


@bp.route("/evaluation/lots/<int:lot_id>/review", methods=["POST"])
def review(tender_id: int, lot_id: int):
    tender = _tender(tender_id)
    evaluation = get_session().scalar(select(LotEvaluation).where(LotEvaluation.lot_id == lot_id))
    if evaluation is None or evaluation.tender_id != tender.id or not EmptyForm().validate_on_submit():
        abort(404)
    try:
        services.review(get_session(), evaluation, current_user, now())
    except DomainError as error:
        flash_domain_error(error)
    else:
        flash(_("The evaluation of this lot is reviewed."), "success")
    return _back(tender, evaluation.lot)


def _lot_awards(tender: Tender) -> dict:
    return {lot.id: awards.current_award(get_session(), lot.id) for lot in tender.lots}


@bp.route("/award", methods=["GET"])
def confirm_award(tender_id: int):
    """The provisional award cannot be taken back: say what it does, and ask."""
    tender = _tender(tender_id)
    if not awards.is_award_due(tender, _lot_awards(tender)):
        return _back(tender)
    days = current_app.config["STANDSTILL_DAYS"].get(tender.procedure, awards.DEFAULT_STANDSTILL_DAYS)
    return render_template(
        "core/confirm.html",
        heading=_("Publish the provisional award?"),
        subject=f"{tender.reference} — {tender.title(current_language())}",
        consequences=[
            _("The award notice becomes public and the evaluations of the lots are locked."),
            _("Every bidder receives its result and its signed letter; everyone following the tender is told."),
            _("The complaint period starts: %(n)s days.", n=days),
        ],
        action=url_for("evaluation.publish_award", tender_id=tender.id),
        confirm_label=_("Publish the provisional award"),
        back_url=url_for("evaluation.overview", tender_id=tender.id),
        form=EmptyForm(),
    )


@bp.route("/award", methods=["POST"])
def publish_award(tender_id: int):
    tender = _tender(tender_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        outcomes = awards.publish_provisional_award(
            get_session(), tender, current_user, now(), current_app.config["STANDSTILL_DAYS"]
        )
    except DomainError as error:
        flash_domain_error(error)
        return _back(tender)
    from safkat.awards.views import notify_outcomes

    notify_outcomes(tender, outcomes)  # with each bidder's letter, issued with the notice and reports
    flash(_("The provisional award is published; every bidder is told."), "success")
    return _back(tender)


@bp.route("/complaints/<int:complaint_id>", methods=["POST"])
def answer_complaint(tender_id: int, complaint_id: int):
    tender = _tender(tender_id)
    complaint = get_or_404(Complaint, complaint_id)
    form = ComplaintAnswerForm()
    if complaint.tender_id != tender.id:
        abort(404)
    if not form.validate_on_submit():
        flash(_("Choose the decision and give its reasons."), "error")
        return _back(tender)
    try:
        awards.answer_complaint(
            get_session(),
            complaint,
            current_user,
            upheld=form.decision.data == "upheld",
            answer=form.answer.data,
            now=now(),
        )
    except DomainError as error:
        flash_domain_error(error)
    else:
        flash(_("The answer is recorded and shown to the complainant."), "success")
    return _back(tender)


@bp.route("/awards/<int:award_id>/finalize", methods=["POST"])
def finalize(tender_id: int, award_id: int):
    tender = _tender(tender_id)
    award = get_or_404(LotAward, award_id)
    if award.tender_id != tender.id or not EmptyForm().validate_on_submit():
        abort(404)
    try:
        awards.finalize(get_session(), award, current_user, now())
    except DomainError as error:
        flash_domain_error(error)
    else:
        from safkat.documents.events import award_made_final

        award_made_final(award)
        flash(_("The award is final; the contract record is created."), "success")
    return _back(tender)


@bp.route("/contracts/<int:contract_id>/sign", methods=["POST"])
def sign(tender_id: int, contract_id: int):
    tender = _tender(tender_id)
    contract = get_or_404(Contract, contract_id)
    if contract.tender_id != tender.id or not EmptyForm().validate_on_submit():
        abort(404)
    try:
        awards.sign_contract(get_session(), contract, current_user, now())
    except DomainError as error:
        flash_domain_error(error)
    return _back(tender)


@bp.route("/relaunch", methods=["POST"])
def relaunch(tender_id: int):
    tender = _tender(tender_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        draft = awards.relaunch(get_session(), tender, current_user, now())
    except DomainError as error:
        flash_domain_error(error)
        return _back(tender)
    flash(_("A new draft is ready with the unsuccessful lots."), "success")
    return redirect(url_for("officer.manage_tender", tender_id=draft.id))
