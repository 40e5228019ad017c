"""Answers to the bidders' questions, published on the tender's page."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user

from safkat.errors import DomainError
from safkat.notifications.dispatch import notify_tender_event
from safkat.tenders import services
from safkat.tenders.forms import AnswerForm
from safkat.tenders.models import Question
from safkat.tenders.officer_views.blueprint import back_to_tender, bp, managed_tender, to_tender_page
from safkat.tenders.officer_views.tender_page import render_manage
from safkat.web import flash_domain_error, get_or_404, get_session, now


@bp.route("/tenders/<int:tender_id>/questions/<int:question_id>/answer", methods=["POST"])
def answer_question(tender_id: int, question_id: int):
    tender = managed_tender(tender_id)
    question = get_or_404(Question, question_id)
    if question.tender_id != tender.id:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Write the answer."), "error")
        return to_tender_page(tender, _anchor="questions")
    try:
        services.answer_question(get_session(), question, current_user, form.answer.data, now(), form.answer_ar.data)
    except DomainError as error:
        flash_domain_error(error)
        return render_manage(tender, 422)
    notify_tender_event(tender, "question_answered", question=question)
    return back_to_tender(tender, _("The answer is published on the tender page."))
