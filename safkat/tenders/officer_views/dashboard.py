"""The officer's dashboard: the authority's tenders by state, deadlines soon, questions waiting."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from safkat.tenders import services
from safkat.tenders.models import Question, Tender, TenderDocument, TenderStatus
from safkat.tenders.officer_views.blueprint import bp
from safkat.web import get_session, now


@bp.route("/")
def dashboard():
    session = get_session()
    authority_id = current_user.authority_id
    tenders = list(
        session.scalars(
            select(Tender)
            .where(Tender.authority_id == authority_id, Tender.status != TenderStatus.DELETED)
            .order_by(Tender.created_at.desc())
        )
    )
    by_state: dict[str, list[Tender]] = {}
    for tender in tenders:
        by_state.setdefault(services.public_status(tender, now()), []).append(tender)
    soon = [t for t in by_state.get("open", []) if t.submission_deadline_at <= now() + timedelta(days=14)]
    waiting = list(
        session.scalars(
            select(Question)
            .join(Tender)
            .where(
                Tender.authority_id == authority_id, Question.answer.is_(None), Tender.status == TenderStatus.PUBLISHED
            )
            .order_by(Question.asked_at)
        )
    )
    downloads = dict(
        session.execute(
            select(TenderDocument.tender_id, func.sum(TenderDocument.download_count))
            .join(Tender)
            .where(Tender.authority_id == authority_id)
            .group_by(TenderDocument.tender_id)
        ).all()
    )
    from safkat.commission.views import overdue

    return render_template(
        "tenders/officer/dashboard.html",
        unopened=overdue(authority_id),
        by_state=by_state,
        soon=sorted(soon, key=lambda t: t.submission_deadline_at),
        waiting=waiting,
        downloads=downloads,
    )
