"""Who has a stake in a call for tender, and so is told of what happens to it. Knows no Flask.

One service computes the audience of a tender's events (answers, amendments, deadline
changes, cancellation, opening, provisional award) so that every sender tells the same
people, each once: a person who both asked a question and bid is one recipient with two
stakes, never two recipients.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.accounts.models import User
from safkat.bids.models import Bid, BidStatus
from safkat.notifications.subscriptions import subscribers_of
from safkat.tenders.models import DocumentDownload, Question, Tender


class Stake(StrEnum):
    BID = "bid"  # a member of a firm holding a draft or an active (submitted) bid
    QUESTION = "question"  # asked a question
    DOWNLOAD = "download"  # downloaded the dossier
    SUBSCRIPTION = "subscription"  # an alert whose filters match the tender


BID_STATUSES_WITH_A_STAKE = (BidStatus.DRAFT, BidStatus.SUBMITTED)


@dataclass(frozen=True)
class Recipient:
    user: User
    stakes: frozenset[Stake]
    wants_daily_digest: bool = False  # only for those told through their alert alone

    @property
    def is_subscriber_only(self) -> bool:
        """Told only because an alert matches: such a message carries an unsubscribe link,
        and waits for the daily digest when the alert says so."""
        return self.stakes == {Stake.SUBSCRIPTION}


def _user_ids_by_stake(session: Session, tender: Tender) -> dict[Stake, set[int]]:
    firms_with_a_bid = select(Bid.enterprise_id).where(
        Bid.tender_id == tender.id, Bid.status.in_(BID_STATUSES_WITH_A_STAKE)
    )
    queries = {
        Stake.BID: select(User.id).where(User.enterprise_id.in_(firms_with_a_bid)),
        Stake.QUESTION: select(Question.asked_by_id).where(Question.tender_id == tender.id),
        Stake.DOWNLOAD: select(DocumentDownload.user_id).where(DocumentDownload.tender_id == tender.id),
    }
    return {stake: set(session.scalars(query)) for stake, query in queries.items()}


def tender_audience(session: Session, tender: Tender) -> list[Recipient]:
    """Every active user with a stake in ``tender``, once each, ordered by user id."""
    stakes: dict[int, set[Stake]] = {}
    for stake, user_ids in _user_ids_by_stake(session, tender).items():
        for user_id in user_ids:
            stakes.setdefault(user_id, set()).add(stake)
    daily: set[int] = set()
    for user, subscription in subscribers_of(session, tender):
        stakes.setdefault(user.id, set()).add(Stake.SUBSCRIPTION)
        if subscription.frequency == "daily":
            daily.add(user.id)
    if not stakes:
        return []
    users = session.scalars(select(User).where(User.id.in_(stakes), User.is_active.is_(True)).order_by(User.id))
    recipients = []
    for user in users:
        user_stakes = frozenset(stakes[user.id])
        subscriber_only = user_stakes == {Stake.SUBSCRIPTION}
        recipients.append(Recipient(user, user_stakes, wants_daily_digest=subscriber_only and user.id in daily))
    return recipients
