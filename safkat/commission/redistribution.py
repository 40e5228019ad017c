"""A redistribution round, member by member (issue 14). Knows no Flask.

Started by :func:`safkat.commission.rekeying.start_round`. Each sender gets a *reshare
request* (:func:`reshare_request`) and answers from their own session
(:func:`accept_reshare`); once all have, each new member gets a *combine request*
(:func:`combine_request`) and answers (:func:`accept_combine`); the last answer switches
the tender's key to the new epoch. Every answer is checked to be the one asked of that
member, for this tender and round, before anything is written.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.accounts.models import User
from safkat.bids.models import TenderKey
from safkat.commission.journal import log
from safkat.commission.key_models import TenderKeyShare
from safkat.commission.rekeying import RESHARE_ROUND, pending_round
from safkat.commission.reshare_models import ParticipantRole, ReshareParticipant, ReshareRound, RoundStatus
from safkat.errors import N_, DomainError, PermissionDenied
from safkat.keyshare import messages
from safkat.keyshare.errors import KeyShareError
from safkat.keyshare.tenderkey import Recipient, SealedShare
from safkat.tenders.services import lock_tender


def _open_round_for(session: Session, tender, actor: User, role: str, now: datetime):
    tender = lock_tender(session, tender.id)
    round_ = pending_round(session, tender.id)
    if round_ is None:
        raise DomainError(N_("No redistribution of this tender's key is under way."))
    if now >= tender.submission_deadline_at:
        raise DomainError(
            N_("The submission deadline has passed: the key is no longer redistributed; the current commission opens.")
        )
    participant = round_.participant(role, actor.id)
    if participant is None:
        raise PermissionDenied(N_("You have no part to give in this redistribution."))
    if participant.answered_at is not None:
        raise DomainError(N_("You have already given your part in this redistribution."))
    return round_, participant


def reshare_request(session: Session, round_: ReshareRound, participant: ReshareParticipant) -> dict:
    """What a sender's browser (or the member's tool) re-shares: its sealed old share, the
    senders' indices, the new quorum and the new members' public keys."""
    share = session.scalar(
        select(TenderKeyShare).where(
            TenderKeyShare.tender_id == round_.tender_id,
            TenderKeyShare.epoch == round_.old_epoch,
            TenderKeyShare.user_id == participant.user_id,
        )
    )
    record = SealedShare(share.user_id, share.share_index, share.sealed_share, share.commitment)
    recipients = [Recipient(p.user_id, p.share_index, p.member_key.public_key) for p in round_.recipients]
    senders = [p.share_index for p in round_.senders]
    return messages.reshare_request(
        round_.tender_id, round_.old_epoch, record, round_.new_epoch, senders, round_.new_threshold, recipients
    )


def request_for(session: Session, round_: ReshareRound, user_id: int, now: datetime) -> tuple[str, dict] | None:
    """What ``user_id`` has to do now in ``round_``: ``("reshare" | "combine", request)``, or
    nothing (not their turn, done, or the deadline passed)."""
    wanted = {RoundStatus.COLLECTING: ParticipantRole.SENDER, RoundStatus.COMBINING: ParticipantRole.RECIPIENT}
    participant = round_.participant(wanted.get(round_.status), user_id)
    if participant is None or participant.answered_at is not None or now >= round_.tender.submission_deadline_at:
        return None
    if participant.role == ParticipantRole.SENDER:
        return "reshare", reshare_request(session, round_, participant)
    return "combine", combine_request(round_, participant)


def accept_reshare(session: Session, tender, actor: User, text: str, now: datetime) -> ReshareRound:
    """Keep a sender's reply (sealed pieces only); when every sender has answered, the new
    members may combine."""
    round_, participant = _open_round_for(session, tender, actor, ParticipantRole.SENDER, now)
    if round_.status != RoundStatus.COLLECTING:
        raise DomainError(N_("You have already given your part in this redistribution."))
    reply = messages.parse_reshare_reply(text, tender.id, round_.new_epoch, [p.user_id for p in round_.recipients])
    if reply["from"] != participant.share_index:
        raise DomainError(N_("This answer is not the one asked of you: make it again from this page's request."))
    participant.reply = json.dumps(reply, sort_keys=True)
    participant.answered_at = now
    log(session, actor, tender.id, "redistribution_reshared", now, epoch=round_.new_epoch, member=actor.full_name)
    if all(p.answered_at for p in round_.senders):
        round_.status = RESHARE_ROUND.next_state(round_.status, "all_reshared")
        log(session, None, tender.id, "redistribution_ready_to_combine", now, epoch=round_.new_epoch)
    session.flush()
    return round_


def combine_request(round_: ReshareRound, participant: ReshareParticipant) -> dict:
    """What a new member's browser combines: the piece each sender sealed to them."""
    replies = [json.loads(p.reply) for p in round_.senders]
    return messages.combine_request(
        round_.tender_id, round_.new_epoch, participant.user_id, participant.share_index, replies
    )


def accept_combine(session: Session, tender, actor: User, text: str, now: datetime) -> ReshareRound:
    """Store a new member's new share (sealed to themselves, with its commitment); the last
    one switches the tender's key to the new epoch and retires the old shares."""
    round_, participant = _open_round_for(session, tender, actor, ParticipantRole.RECIPIENT, now)
    if round_.status != RoundStatus.COMBINING:
        raise DomainError(N_("The old members have not all re-shared their parts yet: come back when they have."))
    tender_id, epoch, record = messages.parse_combine_reply(text)
    expected = (tender.id, round_.new_epoch, actor.id, participant.share_index)
    if (tender_id, epoch, record.member_id, record.index) != expected:
        raise DomainError(N_("This answer is not the one asked of you: make it again from this page's request."))
    if len(record.sealed) != messages.SEALED_ELEMENT_BYTES:
        raise KeyShareError(N_("This message is not one Safkat understands."))
    session.add(
        TenderKeyShare(
            tender_id=tender.id,
            epoch=round_.new_epoch,
            user_id=actor.id,
            share_index=record.index,
            member_key_id=participant.member_key_id,
            sealed_share=record.sealed,
            commitment=record.commitment,
        )
    )
    participant.answered_at = now
    log(session, actor, tender.id, "redistribution_combined", now, epoch=round_.new_epoch, member=actor.full_name)
    if all(p.answered_at for p in round_.recipients):
        _complete(session, round_, now)
    session.flush()
    return round_


def _complete(session: Session, round_: ReshareRound, now: datetime) -> None:
    """The new commission holds the secret: switch the epoch, retire (and empty) the old shares."""
    round_.status = RESHARE_ROUND.next_state(round_.status, "all_combined")
    round_.finished_at = now
    key = session.get(TenderKey, round_.tender_id)
    key.epoch, key.threshold = round_.new_epoch, round_.new_threshold
    for share in session.scalars(
        select(TenderKeyShare).where(
            TenderKeyShare.tender_id == round_.tender_id,
            TenderKeyShare.epoch != round_.new_epoch,
            TenderKeyShare.retired_at.is_(None),
        )
    ):
        share.retired_at = now
        share.sealed_share = b""  # the commitment stays, to name an old share handed in
    for participant in round_.senders:
        participant.reply = None
    log(session, None, round_.tender_id, "redistribution_complete", now, epoch=round_.new_epoch)
