"""Telling people: new tenders to subscribers, daily digests, reminders (Flask side:
messages are written in each recipient's language and carry a one-click unsubscribe link)."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale, gettext

from safkat.accounts.models import User
from safkat.db import get_session
from safkat.faults import checkpoint
from safkat.notifications import audience, emails, subscriptions
from safkat.notifications.unsubscribe import make_token
from safkat.tenders.models import Tender


def _now():
    return current_app.extensions["safkat.clock"].now()


def _unsubscribe_link(user: User, kind: str) -> str:
    return emails.absolute_url("notifications.unsubscribe", token=make_token(current_app.secret_key, user, kind))


def notify_new_tender(tender: Tender) -> int:
    """Tell every matching subscriber, in the centre and by e-mail (now, or in the daily digest)."""
    session, now = get_session(), _now()
    link = emails.absolute_url("tenders.show_tender", url_reference=tender.url_reference)
    count = 0
    for user, subscription in subscriptions.subscribers_of(session, tender):
        locale = user.locale or "fr"
        with force_locale(locale):
            text = gettext("New call for tender: %(title)s (%(ref)s)", title=tender.title(locale), ref=tender.reference)
        daily = subscription.frequency == "daily"
        subscriptions.add_notification(
            session, user, kind="new_tender", text=text, link=link, now=now, tender_id=tender.id, for_digest=daily
        )
        if not daily:
            emails.queue(
                "new_tender",
                user.email,
                locale,
                "new_tender",
                user_id=user.id,
                tender=tender,
                link=link,
                unsubscribe=_unsubscribe_link(user, "subscription"),
            )
        count += 1
    return count


def send_digests() -> int:
    """One e-mail per user gathering the notifications that waited for the daily digest."""
    session = get_session()
    sent = 0
    for user_id, items in subscriptions.pending_digests(session).items():
        user = session.get(User, user_id)
        emails.queue(
            "digest",
            user.email,
            user.locale or "fr",
            "digest",
            user_id=user.id,
            items=items,
            unsubscribe=_unsubscribe_link(user, "subscription"),
        )
        for item in items:
            item.digest_pending = False
        sent += 1
    session.flush()
    return sent


def send_reminders() -> int:
    session, now = get_session(), _now()
    reminders = subscriptions.due_reminders(session, now)
    for reminder in reminders:
        user, tender = reminder.user, reminder.tender
        link = emails.absolute_url("tenders.show_tender", url_reference=tender.url_reference)
        if reminder.kind == "draft_not_submitted":
            link = emails.absolute_url("bids.bid_form", url_reference=tender.url_reference)
        locale = user.locale or "fr"
        emails.queue(
            f"reminder_{reminder.kind}",
            user.email,
            locale,
            "reminder",
            user_id=user.id,
            tender=tender,
            reminder_kind=reminder.kind,
            link=link,
            unsubscribe=_unsubscribe_link(user, "reminders"),
        )
        with force_locale(locale):
            text = render_template("email/reminder_line.txt", tender=tender, reminder_kind=reminder.kind).strip()
        subscriptions.add_notification(
            session, user, kind=f"reminder_{reminder.kind}", text=text, link=link, now=now, tender_id=tender.id
        )
        subscriptions.mark_reminder_sent(session, reminder, now)
        checkpoint("reminders.queued")
    return len(reminders)


TENDER_EVENTS = ("question_answered", "tender_amended", "tender_cancelled", "tender_opened", "award_published")


def _event_link(tender: Tender, event: str) -> str:
    if event == "tender_opened":
        return emails.absolute_url("bids.minutes", url_reference=tender.url_reference)
    if event == "award_published":
        return emails.absolute_url("awards.notice", url_reference=tender.url_reference)
    anchor = "questions" if event == "question_answered" else None
    return emails.absolute_url("tenders.show_tender", url_reference=tender.url_reference, _anchor=anchor)


def notify_tender_event(tender: Tender, event: str, *, told_already=frozenset(), **context) -> int:
    """Tell everyone with a stake in ``tender`` (:func:`audience.tender_audience`) of ``event``,
    once each, by e-mail and in the notification centre, in their language.

    ``told_already`` holds the ids of users who got their own message of this event (the
    bidders' award letters): they get the centre entry but no second e-mail. Those told only
    through an alert get an unsubscribe link, or the daily digest if they chose it.
    """
    if event not in TENDER_EVENTS:
        raise ValueError(f"unknown tender event {event!r}")
    session, now = get_session(), _now()
    link = _event_link(tender, event)
    recipients = audience.tender_audience(session, tender)
    for recipient in recipients:
        user = recipient.user
        locale = user.locale or "fr"
        with force_locale(locale):
            text = render_template("email/tender_event_line.txt", event=event, tender=tender, locale=locale, **context)
        subscriptions.add_notification(
            session,
            user,
            kind=event,
            text=text.strip(),
            link=link,
            now=now,
            tender_id=tender.id,
            for_digest=recipient.wants_daily_digest,
        )
        if recipient.wants_daily_digest or user.id in told_already:
            continue
        unsubscribe = _unsubscribe_link(user, "subscription") if recipient.is_subscriber_only else None
        emails.queue(
            event,
            user.email,
            locale,
            event,
            user_id=user.id,
            tender=tender,
            title=tender.title(locale),
            link=link,
            unsubscribe=unsubscribe,
            **context,
        )
    return len(recipients)
