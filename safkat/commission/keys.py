"""A tender's key protected by the platform and its commission (issue 14). Knows no Flask.

At publication :func:`protect_tender_key` makes the tender's key pair, wraps the private
half under the platform's deadline-gated part and the commission secret, and stores each
member's share sealed to that member's opening public key. The clear private key and the
commission secret exist only inside this call.

At the opening session each member present hands in their clear share
(:func:`hand_in_share`, after the deadline only); it is checked against its commitment and
kept under the KEK. :func:`tender_private_key`, called by the opening alone, releases the
platform's part and combines the kept shares.
"""

from __future__ import annotations

from datetime import datetime

from nacl.public import PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat import audit
from safkat.accounts.models import User
from safkat.bids.crypto import public_key_fingerprint, unwrap_tender_private_key
from safkat.bids.models import KeyScheme, TenderKey
from safkat.commission.key_models import MemberKey, TenderKeyShare
from safkat.commission.models import Commission
from safkat.errors import N_, DomainError
from safkat.keyshare import messages, tenderkey
from safkat.keyshare.errors import KeyShareError, ShareRefused
from safkat.tenders.models import TenderStatus


def active_keys(session: Session, user_ids: list[int]) -> dict[int, MemberKey]:
    """Each user's active opening key, by user id (users without one are absent)."""
    rows = session.scalars(select(MemberKey).where(MemberKey.user_id.in_(user_ids), MemberKey.revoked_at.is_(None)))
    return {key.user_id: key for key in rows}


def members_without_key(session: Session, commission: Commission) -> list[User]:
    keys = active_keys(session, [member.user_id for member in commission.members])
    return [member.user for member in commission.members if member.user_id not in keys]


def protect_tender_key(session: Session, tender, kek: bytes, now: datetime) -> TenderKey:
    """Give ``tender`` a key pair held jointly by the platform and its commission.

    Refuses (naming them) while a member has no opening key: their share could not be sealed.
    """
    commission: Commission | None = session.get(Commission, tender.id)
    if commission is None:
        raise DomainError(N_("Name the commission: at least three officers, one of them its chair."))
    missing = members_without_key(session, commission)
    if missing:
        raise DomainError(
            N_("These commission members have no opening key yet: %(names)s."),
            names=", ".join(user.full_name for user in missing),
        )
    keys = active_keys(session, [member.user_id for member in commission.members])
    private = PrivateKey.generate()
    members = [tenderkey.MemberKey(member.user_id, keys[member.user_id].public_key) for member in commission.members]
    protection = tenderkey.protect(kek, tender.id, bytes(private), members, commission.quorum)
    public_key = bytes(private.public_key)
    tender_key = TenderKey(
        tender_id=tender.id,
        public_key=public_key,
        wrapped_private_key=protection.wrapped_private_key,
        fingerprint=public_key_fingerprint(public_key),
        created_at=now,
        scheme=KeyScheme.COMMISSION,
        wrapped_platform_part=protection.wrapped_platform_part,
        check_value=protection.check_value,
        threshold=protection.threshold,
        epoch=protection.epoch,
    )
    session.add(tender_key)
    session.add_all(
        TenderKeyShare(
            tender_id=tender.id,
            epoch=protection.epoch,
            user_id=share.member_id,
            share_index=share.index,
            member_key_id=keys[share.member_id].id,
            sealed_share=share.sealed,
            commitment=share.commitment,
        )
        for share in protection.shares
    )
    return tender_key


# --- the opening ------------------------------------------------------------------------------


def commission_key(session: Session, tender_id: int) -> TenderKey | None:
    """The tender's key if the commission holds it (legacy KEK-only keys are not theirs)."""
    key = session.get(TenderKey, tender_id)
    return key if key is not None and key.scheme == KeyScheme.COMMISSION else None


def needs_shares(session: Session, tender_id: int) -> bool:
    """Whether the tender's key opens only with its commission's shares (not a legacy key)."""
    return commission_key(session, tender_id) is not None


def current_share(session: Session, tender_id: int, user_id: int) -> TenderKeyShare | None:
    """``user_id``'s share of the tender's key for its current commission (``None`` if they have none)."""
    tender_key = session.get(TenderKey, tender_id)
    if tender_key is None:
        return None
    return session.scalar(
        select(TenderKeyShare).where(
            TenderKeyShare.tender_id == tender_id,
            TenderKeyShare.epoch == tender_key.epoch,
            TenderKeyShare.user_id == user_id,
            TenderKeyShare.retired_at.is_(None),
        )
    )


def share_request(row: TenderKeyShare) -> dict:
    """What the member's browser or tool unseals: their sealed share of this tender's key."""
    record = tenderkey.SealedShare(row.user_id, row.share_index, row.sealed_share, row.commitment)
    return messages.share_request(row.tender_id, row.epoch, record)


def hand_in_share(session: Session, tender, actor: User, text: str, kek: bytes, now: datetime) -> TenderKeyShare:
    """Check ``actor``'s clear share against the commitment recorded for them and keep it.

    Called under the tender's lock; refused before the deadline. A share that is not the
    one recorded for ``actor`` (corrupt, of another tender, member or commission) is refused
    and the refusal recorded in the audit chain, naming the member; nothing else changes.
    """
    if now < tender.submission_deadline_at:
        raise DomainError(N_("The opening session starts at the submission deadline, not before."))
    if tender.status != TenderStatus.PUBLISHED:
        raise DomainError(N_("This call for tender has no bids to open."))
    row = current_share(session, tender.id, actor.id)
    if row is None:
        raise DomainError(N_("No share of this tender's key is recorded for you: you cannot open it."))
    if not text.strip():
        raise DomainError(N_("Hand in your share of the tender's key with your presence."))
    try:
        tender_id, epoch, member_id, share = messages.parse_clear_share(text.strip())
        if (tender_id, epoch, member_id) != (row.tender_id, row.epoch, row.user_id):
            raise ShareRefused(member_id, share.index)
        recorded = tenderkey.SealedShare(row.user_id, row.share_index, row.sealed_share, row.commitment)
        tenderkey.verify_share(tender_id, epoch, member_id, share, recorded)
    except KeyShareError as error:
        audit.record(
            session,
            actor=actor,
            action="commission.share_refused",
            object_type="tender",
            object_id=tender.id,
            now=now,
            member=actor.full_name,
            reason=str(error),
        )
        raise DomainError(
            N_(
                "This share does not match the one recorded for you for this tender: it is refused."
                " Unseal it again, with your own key, from this page's request."
            )
        ) from None
    row.kept_share = tenderkey.keep_received_share(kek, row.tender_id, row.epoch, row.user_id, share)
    row.received_at = now
    return row


def kept_shares(session: Session, tender_key: TenderKey) -> list[TenderKeyShare]:
    """The shares of the current commission handed in so far."""
    return list(
        session.scalars(
            select(TenderKeyShare)
            .where(
                TenderKeyShare.tender_id == tender_key.tender_id,
                TenderKeyShare.epoch == tender_key.epoch,
                TenderKeyShare.retired_at.is_(None),
                TenderKeyShare.kept_share.is_not(None),
            )
            .order_by(TenderKeyShare.share_index)
        )
    )


def presences_needed(session: Session, commission) -> int:
    """How many members must sit for the bids to open: the commission's quorum and, for a
    key the commission holds, its threshold (they differ while a redistribution is unfinished)."""
    tender_key = commission_key(session, commission.tender_id)
    return commission.quorum if tender_key is None else max(commission.quorum, tender_key.threshold)


def has_enough_shares(session: Session, tender_id: int) -> bool:
    """Whether the tender's key can be recovered now (always, for a legacy key)."""
    tender_key = commission_key(session, tender_id)
    return tender_key is None or len(kept_shares(session, tender_key)) >= tender_key.threshold


def tender_private_key(session: Session, tender, kek: bytes, now: datetime) -> PrivateKey:
    """The tender's private key, for the opening only (under the tender's lock).

    A legacy key unwraps under the KEK. A commission key needs the platform's part, released
    here only once the deadline has passed, and ``threshold`` kept shares of the current
    commission; with fewer, nothing is decrypted.
    """
    if now < tender.submission_deadline_at:
        raise DomainError(N_("The bids stay sealed until the submission deadline."))
    tender_key = session.get(TenderKey, tender.id)
    if tender_key.scheme != KeyScheme.COMMISSION:
        return unwrap_tender_private_key(kek, tender_key.wrapped_private_key)
    rows = kept_shares(session, tender_key)
    if len(rows) < tender_key.threshold:
        raise KeyShareError(N_("Fewer shares than the quorum: nothing can be decrypted yet."))
    shares = [
        tenderkey.received_share(kek, tender.id, row.epoch, row.user_id, row.share_index, row.kept_share)
        for row in rows
    ]
    platform_part = tenderkey.release_platform_part(kek, tender.id, tender_key.wrapped_platform_part)
    raw = tenderkey.recover_private_key(
        tender.id, tender_key.threshold, tender_key.check_value, tender_key.wrapped_private_key, platform_part, shares
    )
    return PrivateKey(raw)
