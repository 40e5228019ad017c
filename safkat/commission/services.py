"""Naming a tender's commission, and the opening session it holds. Knows no Flask.

The commission is named on the draft; after publication it changes only through a
recorded amendment, before the deadline. After the deadline each member present confirms
their presence (and declares no conflict of interest with the bidders, then known) in a
step of their own; when ``quorum`` members are present the bids are opened by
:func:`safkat.bids.opening.open_bids`, in the same transaction as the last presence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from safkat.accounts.models import Role, User
from safkat.bids.models import Bid, BidStatus, Opening
from safkat.commission import keys as commission_keys
from safkat.commission import rekeying
from safkat.commission.journal import log as _log
from safkat.commission.models import Commission, CommissionMember, OpeningPresence
from safkat.errors import N_, DomainError, Message, PermissionDenied
from safkat.faults import checkpoint
from safkat.opendata import ocds
from safkat.tenders.models import Amendment, AmendmentKind, Tender, TenderStatus
from safkat.tenders.services import lock_tender

MIN_MEMBERS = 3
MIN_QUORUM = 2


@dataclass(frozen=True)
class CommissionInput:
    member_ids: list[int]
    chair_id: int | None
    quorum: int
    reason: str = ""  # required once the tender is published: the amendment's reason


def eligible_officers(session: Session, authority_id: int) -> list[User]:
    """The officers a commission may be chosen among: the authority's active officers."""
    return list(
        session.scalars(
            select(User)
            .where(User.authority_id == authority_id, User.role == Role.OFFICER, User.is_active.is_(True))
            .order_by(User.full_name, User.id)
        )
    )


def check_composition(session: Session, tender: Tender, data: CommissionInput) -> None:
    """Raise :class:`DomainError` unless ``data`` is a lawful commission for ``tender``."""
    member_ids = set(data.member_ids)
    eligible = {officer.id for officer in eligible_officers(session, tender.authority_id)}
    if not member_ids <= eligible:
        raise DomainError(N_("The members are chosen among the active officers of the authority."))
    if len(member_ids) < MIN_MEMBERS:
        raise DomainError(N_("A commission has at least %(n)s members."), n=MIN_MEMBERS)
    if data.chair_id not in member_ids:
        raise DomainError(N_("Choose the chair among the members."))
    if not MIN_QUORUM <= data.quorum <= len(member_ids):
        raise DomainError(
            N_("The quorum is between %(low)s and the number of members (%(high)s)."),
            low=MIN_QUORUM,
            high=len(member_ids),
        )


def name_commission(
    session: Session, tender: Tender, actor: User, data: CommissionInput, now: datetime, kek: bytes | None = None
) -> Commission:
    """Name (or rename) the commission: freely on a draft, by a recorded amendment after.

    After publication the tender's key follows the new commission
    (:func:`safkat.commission.rekeying.after_commission_change`; ``kek`` makes it again
    while no bid is sealed to it)."""
    tender = lock_tender(session, tender.id)  # the deadline is read under the lock the opening takes
    check_composition(session, tender, data)
    amendment = _amendment_if_published(session, tender, actor, data, now)
    commission = session.get(Commission, tender.id) or Commission(tender_id=tender.id)
    commission.quorum = data.quorum
    commission.changed_at = now
    wanted = set(data.member_ids)
    commission.members = [member for member in commission.members if member.user_id in wanted]
    known = {member.user_id for member in commission.members}
    commission.members += [CommissionMember(user_id=user_id) for user_id in sorted(wanted - known)]
    for member in commission.members:
        member.is_chair = member.user_id == data.chair_id
    session.add(commission)
    session.flush()
    session.refresh(tender, ["commission"])
    _log(
        session,
        actor,
        tender.id,
        "named",
        now,
        members=[member.user.full_name for member in commission.members],
        chair=commission.chair.user.full_name,
        quorum=commission.quorum,
        amendment=amendment.number if amendment else None,
    )
    if amendment is not None:
        rekeying.after_commission_change(session, tender, actor, kek, now)
        tender.changed_at = now
        ocds.record_release(session, tender, ["tenderAmendment"], now)
    return commission


def _amendment_if_published(
    session: Session, tender: Tender, actor: User, data: CommissionInput, now: datetime
) -> Amendment | None:
    if tender.status == TenderStatus.DRAFT:
        return None
    # A tender published before commissions existed has none: it may still be given one, by
    # an amendment, after its deadline (or nobody could ever open it). One that has a
    # commission keeps it once the bidders are known.
    has_commission = session.get(Commission, tender.id) is not None
    if tender.status != TenderStatus.PUBLISHED or (now >= tender.submission_deadline_at and has_commission):
        raise DomainError(N_("The commission can no longer change: the submission deadline has passed."))
    if not data.reason.strip():
        raise DomainError(N_("After publication the commission changes by an amendment: give its reason."))
    amendment = Amendment(
        tender=tender,
        number=len(tender.amendments) + 1,
        kind=AmendmentKind.COMMISSION,
        reason=data.reason.strip(),
        created_at=now,
        created_by_id=actor.id,
    )
    session.add(amendment)
    session.flush()
    return amendment


def commission_problem(tender: Tender) -> str | None:
    """Why the tender cannot be published as to its commission (an untranslated message):
    it has none, or a member has no opening key to seal their share of the tender's key to."""
    commission = tender.commission
    if commission is None or len(commission.members) < MIN_MEMBERS or commission.chair is None:
        return N_("Name the commission: at least three officers, one of them its chair.")
    missing = commission_keys.members_without_key(object_session(tender), commission)
    if missing:
        return Message(
            N_("These commission members have no opening key yet: %(names)s."),
            names=", ".join(user.full_name for user in missing),
        )
    return None


# --- the opening session ----------------------------------------------------------------


def presences(session: Session, tender_id: int) -> list[OpeningPresence]:
    return list(
        session.scalars(
            select(OpeningPresence)
            .where(OpeningPresence.tender_id == tender_id)
            .order_by(OpeningPresence.confirmed_at, OpeningPresence.id)
        )
    )


def bidders(session: Session, tender: Tender) -> list[str]:
    """The names of the firms whose bids are to be opened: each member declares no conflict with them."""
    submitted = session.scalars(
        select(Bid).where(Bid.tender_id == tender.id, Bid.status == BidStatus.SUBMITTED).order_by(Bid.submitted_at)
    )
    return [bid.enterprise.name for bid in submitted]


def is_ready_to_open(tender: Tender, now: datetime) -> bool:
    """Past the deadline, not opened yet: the commission may sit."""
    return tender.status == TenderStatus.PUBLISHED and tender.submission_deadline_at <= now


def confirm_presence(
    session: Session,
    tender: Tender,
    actor: User,
    declared_no_conflict: bool,
    keys,
    store,
    now: datetime,
    share: str = "",
) -> Opening | None:
    """Record ``actor``'s presence at the opening; open the bids if the quorum is now reached.

    For a tender whose key the commission holds, ``share`` is the member's clear share
    (:func:`safkat.keyshare.messages.clear_share`), handed in with the presence: refused,
    the presence is not recorded either. Returns the opening when this presence completed
    the quorum, else ``None``. Under the tender's row lock, so that two members confirming
    at once count each other.
    """
    from safkat.bids.opening import open_bids

    tender = lock_tender(session, tender.id)
    if session.get(Opening, tender.id) is not None:
        raise DomainError(N_("The bids of this call for tender are already open."))
    commission = session.get(Commission, tender.id)
    member = commission.member_for(actor.id) if commission else None
    if member is None:
        raise PermissionDenied(N_("Only the members of this tender's commission can sit at its opening."))
    if not is_ready_to_open(tender, now):
        raise DomainError(N_("The opening session starts at the submission deadline, not before."))
    if not declared_no_conflict:
        raise DomainError(N_("Declare that you have no conflict of interest with the bidders."))
    present = presences(session, tender.id)
    if any(presence.user_id == actor.id for presence in present):
        raise DomainError(N_("You have already confirmed your presence at this opening."))
    if commission_keys.needs_shares(session, tender.id):
        commission_keys.hand_in_share(session, tender, actor, share, keys.kek, now)
    presence = OpeningPresence(tender_id=tender.id, user=actor, confirmed_at=now, declared_no_conflict=True)
    session.add(presence)
    session.flush()
    _log(session, actor, tender.id, "presence_confirmed", now, member=actor.full_name, chair=member.is_chair)
    checkpoint("opening.presence_confirmed")
    present.append(presence)
    quorum_present = len(present) >= commission_keys.presences_needed(session, commission)
    if not quorum_present or not commission_keys.has_enough_shares(session, tender.id):
        return None
    return open_bids(session, tender, actor, keys, store, now, commission=minutes_line(commission, present))


def minutes_line(commission: Commission, present: list[OpeningPresence]) -> str:
    """The members present, as the minutes name them (the chair first)."""
    chair_id = commission.chair.user_id if commission.chair else None
    ordered = sorted(present, key=lambda presence: (presence.user_id != chair_id, presence.confirmed_at))
    return ", ".join(presence.user.full_name for presence in ordered)


# --- what `safkat open-due` does now, and the dashboard's flag ---------------------------------


def tenders_ready_untold(session: Session, now: datetime) -> list[Tender]:
    """Tenders past their deadline whose commission has not been told yet; marks them told."""
    rows = session.scalars(
        select(Tender)
        .join(Commission, Commission.tender_id == Tender.id)
        .where(
            Tender.status == TenderStatus.PUBLISHED,
            Tender.submission_deadline_at <= now,
            Commission.ready_notified_at.is_(None),
        )
        .order_by(Tender.id)
        .with_for_update(of=Commission)
    ).all()
    for tender in rows:
        tender.commission.ready_notified_at = now
        _log(session, None, tender.id, "told_ready", now, members=[m.user.full_name for m in tender.commission.members])
    session.flush()
    return list(rows)


def overdue_openings(session: Session, authority_id: int, now: datetime, delay: timedelta) -> list[Tender]:
    """The authority's tenders whose commission has not opened the bids within ``delay`` of the deadline."""
    return list(
        session.scalars(
            select(Tender)
            .where(
                Tender.authority_id == authority_id,
                Tender.status == TenderStatus.PUBLISHED,
                Tender.submission_deadline_at <= now - delay,
            )
            .order_by(Tender.submission_deadline_at)
        )
    )
