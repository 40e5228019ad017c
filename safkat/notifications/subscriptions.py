"""Subscriptions, the notification centre and reminders. Knows no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from safkat.accounts.models import User
from safkat.bids.models import Bid, BidStatus
from safkat.errors import N_, DomainError
from safkat.notifications.models import Notification, SentReminder, Subscription
from safkat.tenders.models import DocumentDownload, Tender, TenderStatus

FREQUENCIES = ("immediate", "daily")


@dataclass
class SubscriptionData:
    sectors: list[str]
    wilayas: list[str]
    categories: list[str]
    authorities: list[str]
    frequency: str = "immediate"
    reminders: bool = True
    is_active: bool = True


def subscription_of(session: Session, user: User) -> Subscription | None:
    return session.scalar(select(Subscription).where(Subscription.user_id == user.id))


def save_subscription(session: Session, user: User, data: SubscriptionData, now: datetime) -> Subscription:
    if data.frequency not in FREQUENCIES:
        raise DomainError(N_("Choose how often you want to be told."))
    subscription = subscription_of(session, user) or Subscription(user_id=user.id)
    subscription.sectors = ",".join(sorted(set(data.sectors)))
    subscription.wilayas = ",".join(sorted(set(data.wilayas)))
    subscription.categories = ",".join(sorted(set(data.categories)))
    subscription.authorities = ",".join(sorted(set(data.authorities)))
    subscription.frequency, subscription.reminders = data.frequency, data.reminders
    subscription.is_active, subscription.updated_at = data.is_active, now
    session.add(subscription)
    session.flush()
    return subscription


def matches(subscription: Subscription, tender: Tender) -> bool:
    """Every criterion the firm set must match; an empty criterion matches everything."""

    def fits(wanted: list[str], actual: set[str]) -> bool:
        return not wanted or bool(set(wanted) & actual)

    return (
        fits(subscription.codes("sectors"), {s.code for s in tender.sectors})
        and fits(subscription.codes("wilayas"), set(tender.wilaya_codes))
        and fits(subscription.codes("categories"), {tender.category})
        and fits(subscription.codes("authorities"), {tender.authority.code})
    )


def subscribers_of(session: Session, tender: Tender) -> list[tuple[User, Subscription]]:
    rows = session.execute(
        select(User, Subscription)
        .join(Subscription, Subscription.user_id == User.id)
        .where(Subscription.is_active.is_(True), User.is_active.is_(True))
        .order_by(User.id)
    ).all()
    return [(user, subscription) for user, subscription in rows if matches(subscription, tender)]


def add_notification(
    session: Session,
    user: User,
    *,
    kind: str,
    text: str,
    link: str,
    now: datetime,
    tender_id: int | None = None,
    for_digest: bool = False,
) -> Notification:
    notification = Notification(
        user_id=user.id, kind=kind, text=text, link=link, created_at=now, tender_id=tender_id, digest_pending=for_digest
    )
    session.add(notification)
    session.flush()
    return notification


def unread_count(session: Session, user_id: int) -> int:
    return (
        session.scalar(select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0
    )


def mark_read(session: Session, user_id: int, now: datetime, notification_id: int | None = None) -> None:
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    session.execute(query.values(read_at=now))


def pending_digests(session: Session) -> dict[int, list[Notification]]:
    """Notifications waiting for the daily digest, by user."""
    grouped: dict[int, list[Notification]] = {}
    for notification in session.scalars(
        select(Notification)
        .where(Notification.digest_pending.is_(True))
        .order_by(Notification.user_id, Notification.id)
        .with_for_update(skip_locked=True)
    ):
        grouped.setdefault(notification.user_id, []).append(notification)
    return grouped


@dataclass
class Reminder:
    tender: Tender
    user: User
    kind: str  # enquiry_deadline, submission_deadline, draft_not_submitted


REMINDER_WINDOWS = {
    "enquiry_deadline": timedelta(days=3),
    "submission_deadline": timedelta(hours=24),
    "draft_not_submitted": timedelta(hours=24),
}


def due_reminders(session: Session, now: datetime, windows=REMINDER_WINDOWS) -> list[Reminder]:
    """Reminders whose moment has come and that were never sent.

    Deadlines approaching go to firms that downloaded the documents or hold a draft bid;
    "your draft is not submitted" goes to the members of firms whose draft is still a draft.
    """
    reminders = []
    tenders = session.scalars(
        select(Tender).where(
            Tender.status == TenderStatus.PUBLISHED,
            Tender.submission_deadline_at > now,
            Tender.submission_deadline_at <= now + max(windows.values()) + timedelta(days=1),
        )
    )
    sent = {(r.tender_id, r.user_id, r.kind) for r in session.scalars(select(SentReminder))}
    opted_out = set(session.scalars(select(Subscription.user_id).where(Subscription.reminders.is_(False))))
    for tender in tenders:
        downloaders = set(
            session.scalars(select(DocumentDownload.user_id).where(DocumentDownload.tender_id == tender.id))
        )
        draft_firms = set(
            session.scalars(select(Bid.enterprise_id).where(Bid.tender_id == tender.id, Bid.status == BidStatus.DRAFT))
        )
        draft_members = (
            set(session.scalars(select(User.id).where(User.enterprise_id.in_(draft_firms)))) if draft_firms else set()
        )
        audience = {
            "enquiry_deadline": (tender.enquiry_deadline_at, downloaders | draft_members),
            "submission_deadline": (tender.submission_deadline_at, downloaders | draft_members),
            "draft_not_submitted": (tender.submission_deadline_at, draft_members),
        }
        for kind, (deadline, user_ids) in audience.items():
            if not (now < deadline <= now + windows[kind]):
                continue
            for user_id in sorted(user_ids - opted_out):
                if (tender.id, user_id, kind) not in sent:
                    reminders.append(Reminder(tender, session.get(User, user_id), kind))
    return reminders


def mark_reminder_sent(session: Session, reminder: Reminder, now: datetime) -> None:
    session.add(SentReminder(tender_id=reminder.tender.id, user_id=reminder.user.id, kind=reminder.kind, sent_at=now))
    session.flush()
