"""Telling people about the commission's work: by e-mail and in the notification centre."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale, gettext, lazy_gettext

from safkat.commission.labels import DOCUMENT_NAMES
from safkat.commission.models import DocumentRequest
from safkat.db import get_session
from safkat.notifications import emails, subscriptions
from safkat.tenders.models import Tender
from safkat.web import now


def _tell(user, kind: str, text: Callable[[str], str], link: str, tender: Tender, **context) -> None:
    """``text(locale)`` is the centre's line, written in the user's language."""
    locale = user.locale or "fr"
    with force_locale(locale):
        line = text(locale)
    subscriptions.add_notification(get_session(), user, kind=kind, text=line, link=link, now=now(), tender_id=tender.id)
    emails.queue(kind, user.email, locale, kind, user_id=user.id, tender=tender, link=link, **context)


def tell_commission_ready(tender: Tender) -> None:
    """At the deadline: each member is told the tender is ready to open."""
    link = emails.absolute_url("commission.opening", tender_id=tender.id)

    def text(locale: str) -> str:
        return gettext("Ready to open: %(title)s (%(ref)s).", title=tender.title(locale), ref=tender.reference)

    for member in tender.commission.members:
        _tell(member.user, "commission_ready", text, link, tender, quorum=tender.commission.quorum)


def tell_firm_of_request(request: DocumentRequest) -> None:
    """Each member of the firm is told what the commission asks for, and until when."""
    link = emails.absolute_url("commission_firm.answer_request", request_id=request.id)
    tender = request.bid.tender

    def text(_locale: str) -> str:
        return gettext("The commission of %(ref)s asks you for a missing document.", ref=tender.reference)

    name = DOCUMENT_NAMES.get(request.document)
    document = lazy_gettext(name) if name else request.document  # lazy: rendered in each reader's language
    for user in request.bid.enterprise.members:
        _tell(user, "document_request", text, link, tender, request=request, document=document)
