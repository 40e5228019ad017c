"""A tender's key protected by the platform and its commission (issue 14). Knows no Flask.

At publication :func:`protect_tender_key` makes the tender's key pair, wraps the private
half under the platform's deadline-gated part and the commission secret, and stores each
member's share sealed to that member's opening public key. The clear private key and the
commission secret exist only inside this call.
"""

from __future__ import annotations

from datetime import datetime

from nacl.public import PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat.accounts.models import User
from safkat.bids.crypto import public_key_fingerprint
from safkat.bids.models import KeyScheme, TenderKey
from safkat.commission.key_models import MemberKey, TenderKeyShare
from safkat.commission.models import Commission
from safkat.errors import N_, DomainError
from safkat.keyshare import tenderkey


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
