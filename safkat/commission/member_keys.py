"""An officer's opening key: registering its public half, and replacing it (issue 14).

Knows no Flask. The private half is made on the officer's side (browser or
``python -m safkat.keyshare.member``); the server only ever receives the public key.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safkat import audit
from safkat.bids.crypto import public_key_fingerprint
from safkat.commission.key_models import MemberKey, TenderKeyShare
from safkat.errors import N_, DomainError
from safkat.keyshare import sealing
from safkat.keyshare.errors import KeyShareError
from safkat.statemachine import StateMachine
from safkat.tenders.models import Tender, TenderStatus

MEMBER_KEY_LIFECYCLE = StateMachine("member key", {("active", "replace"): "revoked"})
_PROBE = b"safkat member key probe"


def key_state(key: MemberKey) -> str:
    return "revoked" if key.revoked_at is not None else "active"


def parse_public_key(text: str) -> bytes:
    """The 32 bytes of a base64 X25519 public key; :class:`DomainError` if it is not one
    a share can be sealed to (bad base64, wrong length, or a low-order point)."""
    try:
        raw = base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(N_("This public key is not valid base64 text: copy it again, whole.")) from None
    if len(raw) != sealing.KEY_BYTES:
        raise DomainError(N_("A public key is 32 bytes long; this one has %(count)s."), count=len(raw))
    try:
        sealing.load_public_key(raw)
        sealing.seal(raw, b"", _PROBE)  # a low-order point gives no shared secret: refused here
    except KeyShareError:
        raise DomainError(N_("This is not a usable opening key: make a new one.")) from None
    return raw


def active_key(session: Session, user) -> MemberKey | None:
    return session.scalar(select(MemberKey).where(MemberKey.user_id == user.id, MemberKey.revoked_at.is_(None)))


def _add_key(session: Session, officer, text: str, now: datetime) -> MemberKey:
    public_key = parse_public_key(text)
    if session.scalar(select(MemberKey.id).where(MemberKey.public_key == public_key)) is not None:
        raise DomainError(N_("This public key is already registered: make a new key."))
    key = MemberKey(
        user_id=officer.id, public_key=public_key, fingerprint=public_key_fingerprint(public_key), created_at=now
    )
    session.add(key)
    session.flush()
    return key


def register_key(session: Session, officer, text: str, now: datetime) -> MemberKey:
    """Record ``officer``'s first opening public key (``text``: base64)."""
    if active_key(session, officer) is not None:
        raise DomainError(N_("You already have an opening key. To change it, replace it."))
    key = _add_key(session, officer, text, now)
    audit.record(
        session,
        actor=officer,
        action="member_key.created",
        object_type="member_key",
        object_id=key.id,
        now=now,
        fingerprint=key.fingerprint,
    )
    return key


def replace_key(session: Session, officer, text: str, now: datetime) -> MemberKey:
    """Revoke ``officer``'s active key and record a new one. Shares already sealed to the
    old key stay sealed to it (see :func:`tenders_sealed_to`)."""
    old = active_key(session, officer)
    if old is None:
        raise DomainError(N_("You have no opening key to replace yet: create one."))
    MEMBER_KEY_LIFECYCLE.next_state(key_state(old), "replace")
    old.revoked_at = now
    session.flush()  # one active key per officer: the old one steps aside first
    key = _add_key(session, officer, text, now)
    audit.record(
        session,
        actor=officer,
        action="member_key.replaced",
        object_type="member_key",
        object_id=key.id,
        now=now,
        fingerprint=key.fingerprint,
        replaced_id=old.id,
        replaced_fingerprint=old.fingerprint,
    )
    return key


def tenders_sealed_to(session: Session, key: MemberKey) -> list[Tender]:
    """Published, unopened tenders whose current share for this member is sealed to ``key``
    and not handed in yet: replacing the key does not reseal them."""
    return list(
        session.scalars(
            select(Tender)
            .join(TenderKeyShare, TenderKeyShare.tender_id == Tender.id)
            .where(
                TenderKeyShare.member_key_id == key.id,
                TenderKeyShare.retired_at.is_(None),
                TenderKeyShare.kept_share.is_(None),
                Tender.status == TenderStatus.PUBLISHED,
            )
            .order_by(Tender.id)
        )
    )
