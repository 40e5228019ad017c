"""A tender's private key under two locks: the platform's part and the commission's secret.

    wrapping key = HKDF-SHA256(platform part || commission secret, info = tender label)
    wrapped key  = 0x01 || nonce || AES-256-GCM(wrapping key, private key, aad = tender label)

The platform part is 32 random bytes kept wrapped under the KEK and released by the
opening only after the deadline. The commission secret is a random element of the field,
split k of n at publication (each share sealed to its member's public key, with a
commitment stored in the clear), then forgotten: :func:`protect` is the only place it
exists before the opening. A check value lets the opening tell "the members' shares do
not add up" apart from "the platform part is wrong".
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from safkat.errors import N_
from safkat.keyshare import sealing, shamir
from safkat.keyshare.contexts import share_label, subshare_label, tender_label
from safkat.keyshare.errors import KeyShareError, ShareRefused
from safkat.keyshare.shamir import Share

PART_BYTES = 32
_VERSION = b"\x01"


@dataclass(frozen=True)
class MemberKey:
    member_id: int
    public_key: bytes


@dataclass(frozen=True)
class SealedShare:
    """What the server keeps of one member's share: sealed to the member, and a commitment."""

    member_id: int
    index: int
    sealed: bytes
    commitment: str


@dataclass(frozen=True)
class Protection:
    """Everything the server stores for a tender's key (none of it opens the key alone)."""

    threshold: int
    epoch: int
    wrapped_private_key: bytes
    wrapped_platform_part: bytes
    check_value: str
    shares: list[SealedShare]


def _hkdf(ikm: bytes, info: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=info).derive(ikm)


def _encrypt(key: bytes, plaintext: bytes, label: bytes) -> bytes:
    nonce = os.urandom(12)
    return _VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, label)


def _decrypt(key: bytes, wrapped: bytes, label: bytes) -> bytes:
    if wrapped[:1] != _VERSION or len(wrapped) < 1 + 12 + 16:
        raise InvalidTag
    return AESGCM(key).decrypt(wrapped[1:13], wrapped[13:], label)


# --- commitments and sealed shares ------------------------------------------------------------


def share_commitment(tender_id: int, epoch: int, member_id: int, share: Share) -> str:
    """SHA-256 over the share's label and value: stored in the clear, it names a share
    that is corrupt or belongs to another tender, member or commission."""
    label = share_label(tender_id, epoch, member_id, share.index)
    return hashlib.sha256(b"safkat commitment v1|" + label + b"|" + shamir.to_bytes(share.value)).hexdigest()


def verify_share(tender_id: int, epoch: int, member_id: int, share: Share, recorded: SealedShare) -> None:
    """Refuse, naming the member, a share that is not the one recorded for them."""
    expected = share_commitment(tender_id, epoch, member_id, share)
    if share.index != recorded.index or not hmac.compare_digest(expected, recorded.commitment):
        raise ShareRefused(member_id, share.index)


def seal_share(public_key: bytes, tender_id: int, epoch: int, member_id: int, share: Share) -> SealedShare:
    label = share_label(tender_id, epoch, member_id, share.index)
    sealed = sealing.seal(public_key, shamir.to_bytes(share.value), label)
    return SealedShare(member_id, share.index, sealed, share_commitment(tender_id, epoch, member_id, share))


def unseal_share(
    private_key: X25519PrivateKey, tender_id: int, epoch: int, member_id: int, index: int, sealed: bytes
) -> Share:
    """The member's side: its share in clear, to hand in at the opening."""
    label = share_label(tender_id, epoch, member_id, index)
    return Share(index, shamir.from_bytes(sealing.open_sealed(private_key, sealed, label)))


# --- the tender key ---------------------------------------------------------------------------


def keep_received_share(kek: bytes, tender_id: int, epoch: int, member_id: int, share: Share) -> bytes:
    """A verified share handed in after the deadline, kept until the quorum comes: under
    the KEK, bound to its tender, commission and member (a database alone reads none)."""
    label = share_label(tender_id, epoch, member_id, share.index)
    return _encrypt(_hkdf(kek, b"safkat received share v1"), shamir.to_bytes(share.value), label)


def received_share(kek: bytes, tender_id: int, epoch: int, member_id: int, index: int, kept: bytes) -> Share:
    try:
        value = _decrypt(_hkdf(kek, b"safkat received share v1"), kept, share_label(tender_id, epoch, member_id, index))
    except InvalidTag:
        raise ShareRefused(member_id, index) from None
    return Share(index, shamir.from_bytes(value))


def check_value(tender_id: int, secret: int) -> str:
    return _hkdf(shamir.to_bytes(secret), b"safkat commission check v1|" + tender_label(tender_id)).hex()


def _wrapping_key(tender_id: int, platform_part: bytes, secret: int) -> bytes:
    return _hkdf(platform_part + shamir.to_bytes(secret), b"safkat tender key v1|" + tender_label(tender_id))


def _kek_key(kek: bytes) -> bytes:
    return _hkdf(kek, b"safkat platform part v1")


def protect(kek: bytes, tender_id: int, private_key: bytes, members: list[MemberKey], threshold: int) -> Protection:
    """At publication: wrap the tender's private key, split the commission secret among
    ``members`` (share indices 1..n in this order) and seal each share to its member."""
    if len({member.member_id for member in members}) != len(members):
        raise KeyShareError(N_("A member appears twice in the commission."))
    for member in members:
        sealing.load_public_key(member.public_key)
    secret = shamir.random_element()
    platform_part = os.urandom(PART_BYTES)
    shares = shamir.split(secret, threshold, list(range(1, len(members) + 1)))
    label = tender_label(tender_id)
    return Protection(
        threshold=threshold,
        epoch=1,
        wrapped_private_key=_encrypt(_wrapping_key(tender_id, platform_part, secret), private_key, label),
        wrapped_platform_part=_encrypt(_kek_key(kek), platform_part, label),
        check_value=check_value(tender_id, secret),
        shares=[seal_share(m.public_key, tender_id, 1, m.member_id, s) for m, s in zip(members, shares, strict=True)],
    )


def release_platform_part(kek: bytes, tender_id: int, wrapped: bytes) -> bytes:
    """The platform's part. The opening calls it only after the deadline, under the lock."""
    try:
        return _decrypt(_kek_key(kek), wrapped, tender_label(tender_id))
    except InvalidTag:
        raise KeyShareError(
            N_("The platform's part of this tender's key does not unwrap: wrong platform key.")
        ) from None


def recover_private_key(
    tender_id: int, threshold: int, check: str, wrapped_private_key: bytes, platform_part: bytes, shares: list[Share]
) -> bytes:
    """The tender's private key from the platform part and at least ``threshold`` verified
    shares. Anything less, or shares that do not add up, decrypts nothing."""
    if len({share.index for share in shares}) < threshold:
        raise KeyShareError(N_("Fewer shares than the quorum: nothing can be decrypted yet."))
    secret = shamir.combine(shares)
    if not hmac.compare_digest(check_value(tender_id, secret), check):
        raise KeyShareError(N_("The shares given do not add up to this tender's commission secret."))
    try:
        return _decrypt(_wrapping_key(tender_id, platform_part, secret), wrapped_private_key, tender_label(tender_id))
    except InvalidTag:
        raise KeyShareError(N_("The tender's key does not open with these parts: wrong platform part.")) from None


# --- redistribution to a new commission -------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    member_id: int
    index: int
    public_key: bytes


def reshare_share(
    tender_id: int, new_epoch: int, share: Share, senders: list[int], recipients: list[Recipient], new_threshold: int
) -> dict[int, bytes]:
    """An old member's side of a redistribution: its share split again for the new
    commission, each sub-share sealed to its recipient. Returns recipient member id → sealed."""
    if share.index not in senders:
        raise KeyShareError(N_("This member is not among those redistributing."))
    values = shamir.reshare(share, new_threshold, [r.index for r in recipients])
    return {
        r.member_id: sealing.seal(
            r.public_key,
            shamir.to_bytes(values[r.index]),
            subshare_label(tender_id, new_epoch, senders, share.index, r.member_id, r.index),
        )
        for r in recipients
    }


def combine_sealed_subshares(
    private_key: X25519PrivateKey, tender_id: int, new_epoch: int, member_id: int, index: int, sealed: dict[int, bytes]
) -> SealedShare:
    """A new member's side: open the sub-shares received from each old member (old index →
    sealed), combine them into its own new share and seal that to itself, with its
    commitment, for the server to keep. The clear share stays in this call."""
    senders = list(sealed)
    received = {}
    for sender, blob in sealed.items():
        label = subshare_label(tender_id, new_epoch, senders, sender, member_id, index)
        received[sender] = shamir.from_bytes(sealing.open_sealed(private_key, blob, label))
    share = shamir.combine_subshares(index, received)
    return seal_share(sealing.public_bytes(private_key), tender_id, new_epoch, member_id, share)
