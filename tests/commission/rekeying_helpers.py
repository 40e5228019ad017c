"""Members with real X25519 opening keys, a tender protected by them, and the members' side
of a redistribution done with the real member code (:mod:`safkat.keyshare.messages`)."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from nacl.public import PrivateKey
from sqlalchemy import select

from safkat.bids.crypto import public_key_fingerprint
from safkat.bids.models import TenderKey
from safkat.commission import redistribution, rekeying
from safkat.commission.key_models import MemberKey, TenderKeyShare
from safkat.commission.keys import protect_tender_key
from safkat.commission.services import CommissionInput, name_commission
from safkat.keyshare import messages, tenderkey
from safkat.keyshare.sealing import public_bytes


def give_key(session, user, now) -> X25519PrivateKey:
    """Register a fresh opening key for ``user`` (revoking the one they had) and return its private half."""
    for old in session.scalars(select(MemberKey).where(MemberKey.user_id == user.id, MemberKey.revoked_at.is_(None))):
        old.revoked_at = now
    session.flush()
    private = X25519PrivateKey.generate()
    public = public_bytes(private)
    session.add(
        MemberKey(user_id=user.id, public_key=public, fingerprint=public_key_fingerprint(public), created_at=now)
    )
    session.flush()
    return private


def protect(session, tender, kek, now) -> TenderKey:
    """Replace the factory's key by one sealed to the members' keys given here, as publication does."""
    for share in session.scalars(select(TenderKeyShare).where(TenderKeyShare.tender_id == tender.id)):
        session.delete(share)
    session.delete(session.get(TenderKey, tender.id))
    session.flush()
    key = protect_tender_key(session, tender, kek, now)
    session.flush()
    return key


def rename(session, tender, actor, members, quorum, kek, now, reason="Un membre a quitté l'autorité."):
    data = CommissionInput([m.id for m in members], members[0].id, quorum, reason)
    return name_commission(session, tender, actor, data, now, kek)


def share_of(session, tender, user, private_key, epoch=None) -> tenderkey.Share:
    """The member's side: their share of ``epoch`` (the key's current one), unsealed with their key."""
    key = session.get(TenderKey, tender.id)
    row = session.scalar(
        select(TenderKeyShare).where(
            TenderKeyShare.tender_id == tender.id,
            TenderKeyShare.epoch == (epoch or key.epoch),
            TenderKeyShare.user_id == user.id,
        )
    )
    return tenderkey.unseal_share(private_key, tender.id, row.epoch, user.id, row.share_index, row.sealed_share)


def recover(session, tender, kek, shares) -> bytes:
    """What the opening does after the deadline: the platform part and the shares give the private key."""
    key = session.get(TenderKey, tender.id)
    part = tenderkey.release_platform_part(kek, tender.id, key.wrapped_platform_part)
    return tenderkey.recover_private_key(
        tender.id, key.threshold, key.check_value, key.wrapped_private_key, part, shares
    )


def opens_tender_key(session, tender, raw_private_key: bytes) -> bool:
    return bytes(PrivateKey(raw_private_key).public_key) == session.get(TenderKey, tender.id).public_key


def reshare_reply(session, tender, user, private_key) -> str:
    """An old member's browser: unseal their share and re-share it, from the page's request."""
    round_ = rekeying.pending_round(session, tender.id)
    request = redistribution.reshare_request(session, round_, round_.participant("sender", user.id))
    return json.dumps(messages.reshare_reply(private_key, request))


def combine_reply(session, tender, user, private_key) -> str:
    """A new member's browser: combine the pieces sealed to them into their new sealed share."""
    round_ = rekeying.pending_round(session, tender.id)
    request = redistribution.combine_request(round_, round_.participant("recipient", user.id))
    return json.dumps(messages.combine_reply(private_key, request))
