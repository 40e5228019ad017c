"""A tender's key when its commission changes after publication (issue 14). Knows no Flask.

:func:`after_commission_change` is called by :func:`safkat.commission.services.name_commission`
once an amendment has changed the commission (only possible before the deadline):

- before any bid is sealed to the tender's key, the key is simply made again for the new
  commission (nothing was sealed to the old one: drafts are under their own keys);
- once a bid is sealed, the key must stay, so a *redistribution round* starts
  (:func:`start_round`): ``k`` old members re-share their shares to the new commission,
  then each new member combines what was sealed to them
  (:mod:`safkat.commission.redistribution`); when every new member has a share, the new
  epoch becomes the one that opens the key and the old shares are retired. The server
  stores sealed pieces only; no place ever holds the secret.

After the deadline the commission no longer changes: the ``k`` members of the current
epoch who remain suffice. :func:`current_shares` is what the opening must accept shares
against: current epoch, not retired, holder still on the commission.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from safkat.accounts.models import User
from safkat.bids.models import Bid, BidStatus, TenderKey
from safkat.commission.journal import log
from safkat.commission.key_models import TenderKeyShare
from safkat.commission.keys import active_keys, commission_key, members_without_key, protect_tender_key
from safkat.commission.models import Commission
from safkat.commission.reshare_models import ParticipantRole, ReshareParticipant, ReshareRound, RoundStatus
from safkat.errors import N_, DomainError
from safkat.statemachine import StateMachine

RESHARE_ROUND = StateMachine(
    "reshare round",
    {
        (RoundStatus.COLLECTING, "all_reshared"): RoundStatus.COMBINING,
        (RoundStatus.COMBINING, "all_combined"): RoundStatus.COMPLETE,
        (RoundStatus.COLLECTING, "abandon"): RoundStatus.ABANDONED,
        (RoundStatus.COMBINING, "abandon"): RoundStatus.ABANDONED,
    },
)
SEALED_BIDS = (BidStatus.SUBMITTED, BidStatus.SUPERSEDED, BidStatus.WITHDRAWN)


def current_shares(session: Session, tender) -> list[TenderKeyShare]:
    """The shares the opening may accept: of the key's current epoch, not retired, held by
    a member of the commission as it stands. A removed member's share, or one of a retired
    commission, is not among them. The quorum to reach is ``TenderKey.threshold``."""
    key = commission_key(session, tender.id)
    commission = session.get(Commission, tender.id)
    if key is None or commission is None:
        return []
    members = [member.user_id for member in commission.members]
    return list(
        session.scalars(
            select(TenderKeyShare)
            .where(
                TenderKeyShare.tender_id == tender.id,
                TenderKeyShare.epoch == key.epoch,
                TenderKeyShare.retired_at.is_(None),
                TenderKeyShare.user_id.in_(members),
            )
            .order_by(TenderKeyShare.share_index)
        )
    )


def pending_round(session: Session, tender_id: int) -> ReshareRound | None:
    return session.scalar(
        select(ReshareRound).where(ReshareRound.tender_id == tender_id, ReshareRound.status.in_(RoundStatus.PENDING))
    )


def latest_round(session: Session, tender_id: int) -> ReshareRound | None:
    return session.scalar(
        select(ReshareRound).where(ReshareRound.tender_id == tender_id).order_by(ReshareRound.id.desc()).limit(1)
    )


def epoch_shares(session: Session, tender_id: int, epoch: int) -> list[TenderKeyShare]:
    return list(
        session.scalars(
            select(TenderKeyShare)
            .where(TenderKeyShare.tender_id == tender_id, TenderKeyShare.epoch == epoch)
            .order_by(TenderKeyShare.share_index)
        )
    )


def has_sealed_bids(session: Session, tender_id: int) -> bool:
    return session.scalar(select(exists().where(Bid.tender_id == tender_id, Bid.status.in_(SEALED_BIDS))))


# --- the commission changed ---------------------------------------------------------------------


def after_commission_change(session: Session, tender, actor: User, kek: bytes | None, now: datetime) -> None:
    """Bring the tender's key in line with its commission, just changed by an amendment.

    Does nothing when the shares already match the commission (members, their keys, quorum).
    Raises :class:`DomainError` (the caller's transaction is then rolled back) when a new
    member has no opening key, or when the old commission can no longer pass its secret on.
    """
    key = commission_key(session, tender.id)
    if key is None:
        return
    commission = session.get(Commission, tender.id)
    pending = pending_round(session, tender.id)
    if pending is not None:
        _abandon(session, pending, actor, now)
    if _shares_match(session, key, commission):
        return
    missing = members_without_key(session, commission)
    if missing:
        raise DomainError(
            N_("These commission members have no opening key yet: %(names)s."),
            names=", ".join(user.full_name for user in missing),
        )
    if has_sealed_bids(session, tender.id):
        start_round(session, tender, key, commission, actor, now)
    else:
        _make_key_again(session, tender, key, actor, kek, now)


def _shares_match(session: Session, key: TenderKey, commission: Commission) -> bool:
    shares = {share.user_id: share for share in epoch_shares(session, key.tender_id, key.epoch)}
    keys = active_keys(session, [member.user_id for member in commission.members])
    return (
        key.threshold == commission.quorum
        and set(shares) == {member.user_id for member in commission.members}
        and all(keys.get(user_id) and keys[user_id].id == share.member_key_id for user_id, share in shares.items())
    )


def holders_of_replaced_keys(session: Session, tender) -> list[User]:
    """Members whose current share is sealed to a key they no longer hold (lost, replaced):
    saving the commission again passes the key on to their new one."""
    key = commission_key(session, tender.id)
    if key is None:
        return []
    shares = epoch_shares(session, tender.id, key.epoch)
    keys = active_keys(session, [share.user_id for share in shares])
    return [s.user for s in shares if s.user_id not in keys or keys[s.user_id].id != s.member_key_id]


def _make_key_again(session: Session, tender, key: TenderKey, actor: User, kek: bytes | None, now: datetime) -> None:
    """No bid is sealed yet: a new key pair for the new commission replaces the old one."""
    if kek is None:
        raise ValueError("the platform key is needed to make a tender key again")
    old_fingerprint = key.fingerprint
    session.execute(delete(TenderKeyShare).where(TenderKeyShare.tender_id == tender.id))
    session.delete(key)
    session.flush()
    new_key = protect_tender_key(session, tender, kek, now)
    session.flush()
    log(
        session,
        actor,
        tender.id,
        "tender_key_remade",
        now,
        old_fingerprint=old_fingerprint,
        fingerprint=new_key.fingerprint,
        members=[member.user.full_name for member in tender.commission.members],
        quorum=new_key.threshold,
    )


# --- a redistribution round ---------------------------------------------------------------------


def start_round(session: Session, tender, key: TenderKey, commission: Commission, actor: User, now: datetime):
    """Fix the senders and recipients of a redistribution to ``commission``.

    Senders: ``k`` members of the current epoch whose share is still sealed to their active
    key (a lost key cannot re-share), those who stay on the commission first, then by share
    index. Their indices are bound into every sub-share's label, so they are fixed now.
    """
    old = epoch_shares(session, tender.id, key.epoch)
    keys = active_keys(session, [share.user_id for share in old] + [m.user_id for m in commission.members])
    staying = {member.user_id for member in commission.members}
    able = [s for s in old if s.user.is_active and keys.get(s.user_id) and keys[s.user_id].id == s.member_key_id]
    able.sort(key=lambda share: (share.user_id not in staying, share.share_index))
    if len(able) < key.threshold:
        raise DomainError(
            N_(
                "Only %(able)s members of the current commission still hold their key, and %(k)s are needed "
                "to pass the tender's key on: the bids already sealed could never be opened. Cancel the call "
                "for tender instead."
            ),
            able=len(able),
            k=key.threshold,
        )
    new_epoch = 1 + max(key.epoch, session.scalar(_last_epoch(tender.id)) or 0)
    round_ = ReshareRound(
        tender_id=tender.id,
        status=RoundStatus.COLLECTING,
        old_epoch=key.epoch,
        new_epoch=new_epoch,
        old_threshold=key.threshold,
        new_threshold=commission.quorum,
        started_at=now,
        started_by_id=actor.id,
    )
    round_.participants = [
        ReshareParticipant(
            user_id=s.user_id, role=ParticipantRole.SENDER, share_index=s.share_index, member_key_id=s.member_key_id
        )
        for s in able[: key.threshold]
    ] + [
        ReshareParticipant(
            user_id=m.user_id, role=ParticipantRole.RECIPIENT, share_index=n, member_key_id=keys[m.user_id].id
        )
        for n, m in enumerate(commission.members, start=1)
    ]
    session.add(round_)
    session.flush()
    log(
        session,
        actor,
        tender.id,
        "redistribution_started",
        now,
        epoch=new_epoch,
        senders=[p.user.full_name for p in round_.senders],
        recipients=[p.user.full_name for p in round_.recipients],
        quorum=commission.quorum,
    )
    return round_


def _last_epoch(tender_id: int):
    return select(func.max(ReshareRound.new_epoch)).where(ReshareRound.tender_id == tender_id)


def _abandon(session: Session, round_: ReshareRound, actor: User, now: datetime) -> None:
    round_.status = RESHARE_ROUND.next_state(round_.status, "abandon")
    round_.finished_at = now
    session.execute(
        delete(TenderKeyShare).where(
            TenderKeyShare.tender_id == round_.tender_id, TenderKeyShare.epoch == round_.new_epoch
        )
    )
    for participant in round_.participants:
        participant.reply = None  # sealed pieces of a commission that will never be
    session.flush()
    log(session, actor, round_.tender_id, "redistribution_abandoned", now, epoch=round_.new_epoch)
