"""The issue's properties on the real crypto: the platform part and k members are both
needed; redistribution; corrupt shares and shares of another tender are named."""

from __future__ import annotations

import itertools
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from nacl.public import PrivateKey, PublicKey, SealedBox

from safkat.keyshare import shamir, tenderkey
from safkat.keyshare.errors import KeyShareError, ShareRefused
from safkat.keyshare.sealing import public_bytes
from safkat.keyshare.shamir import Share
from safkat.keyshare.tenderkey import MemberKey, Recipient

TENDER = 7
KEK = os.urandom(32)


class Commission:
    """Five members (user ids 101..105), quorum three, protecting one tender key."""

    def __init__(self, tender_id=TENDER, keys=None, threshold=3):
        self.keys = keys or {101 + i: X25519PrivateKey.generate() for i in range(5)}
        self.tender_key = PrivateKey.generate()
        members = [MemberKey(member, public_bytes(key)) for member, key in self.keys.items()]
        self.protection = tenderkey.protect(KEK, tender_id, bytes(self.tender_key), members, threshold)
        self.tender_id = tender_id
        self.records = {record.member_id: record for record in self.protection.shares}

    def share_of(self, member: int, epoch: int = 1) -> Share:
        record = self.records[member]
        return tenderkey.unseal_share(self.keys[member], self.tender_id, epoch, member, record.index, record.sealed)

    def recover(self, shares, platform_part=None):
        p = self.protection
        part = platform_part or tenderkey.release_platform_part(KEK, self.tender_id, p.wrapped_platform_part)
        return tenderkey.recover_private_key(
            self.tender_id, p.threshold, p.check_value, p.wrapped_private_key, part, shares
        )


@pytest.fixture(scope="module")
def commission():
    return Commission()


def _opens_bids(commission, raw_key: bytes) -> bool:
    sealed = SealedBox(PublicKey(bytes(commission.tender_key.public_key))).encrypt(b"offer: 1 000 000 DZD")
    return SealedBox(PrivateKey(raw_key)).decrypt(sealed) == b"offer: 1 000 000 DZD"


def test_any_k_members_and_the_platform_part_open(commission):
    for members in itertools.combinations(commission.keys, 3):
        shares = [commission.share_of(member) for member in members]
        for member, share in zip(members, shares, strict=True):
            tenderkey.verify_share(TENDER, 1, member, share, commission.records[member])
        assert _opens_bids(commission, commission.recover(shares))


def test_the_platform_part_and_k_minus_1_members_decrypt_nothing(commission):
    """The database, the KEK (so the platform part) and any two member keys."""
    for members in itertools.combinations(commission.keys, 2):
        shares = [commission.share_of(member) for member in members]
        with pytest.raises(KeyShareError, match="Fewer shares than the quorum"):
            commission.recover(shares)
        # Guessing the third share is guessing the secret: a wrong one does not add up.
        guess = Share(next(i for i in range(1, 6) if i not in {s.index for s in shares}), shamir.random_element())
        with pytest.raises(KeyShareError, match="do not add up"):
            commission.recover([*shares, guess])


def test_all_members_without_the_platform_part_decrypt_nothing(commission):
    shares = [commission.share_of(member) for member in commission.keys]
    with pytest.raises(KeyShareError, match="wrong platform part"):
        commission.recover(shares, platform_part=os.urandom(32))
    with pytest.raises(KeyShareError, match="wrong platform key"):
        tenderkey.release_platform_part(os.urandom(32), TENDER, commission.protection.wrapped_platform_part)


def test_what_the_server_stores_holds_no_key(commission):
    """Nothing stored is the tender key, the platform part or a share in clear."""
    p = commission.protection
    stored = p.wrapped_private_key + p.wrapped_platform_part + p.check_value.encode()
    stored += b"".join(record.sealed + record.commitment.encode() for record in p.shares)
    part = tenderkey.release_platform_part(KEK, TENDER, p.wrapped_platform_part)
    assert bytes(commission.tender_key) not in stored
    assert part not in stored
    for member in commission.keys:
        assert shamir.to_bytes(commission.share_of(member).value) not in stored


def test_a_corrupt_share_is_refused_and_named(commission):
    share = commission.share_of(102)
    corrupt = Share(share.index, (share.value + 1) % shamir.P)
    with pytest.raises(ShareRefused) as refused:
        tenderkey.verify_share(TENDER, 1, 102, corrupt, commission.records[102])
    assert refused.value.member_id == 102
    with pytest.raises(ShareRefused):  # someone else's share handed in as member 102's
        tenderkey.verify_share(TENDER, 1, 102, commission.share_of(103), commission.records[102])


def test_a_share_of_another_tender_is_refused_and_named(commission):
    other = Commission(tender_id=8, keys=commission.keys)
    foreign = other.share_of(101)
    with pytest.raises(ShareRefused) as refused:
        tenderkey.verify_share(TENDER, 1, 101, foreign, commission.records[101])
    assert refused.value.member_id == 101
    record = other.records[101]  # its sealed form does not open as this tender's either
    with pytest.raises(KeyShareError, match="not for this tender"):
        tenderkey.unseal_share(commission.keys[101], TENDER, 1, 101, record.index, record.sealed)
    with pytest.raises(KeyShareError, match="does not open with this key"):  # another member's key
        tenderkey.unseal_share(commission.keys[102], TENDER, 1, 101, record.index, commission.records[101].sealed)


def _redistribute(commission, senders, new_keys, new_threshold):
    """Old members ``senders`` re-share to ``new_keys`` (member id → key), epoch 2."""
    old_indices = [commission.records[m].index for m in senders]
    recipients = [Recipient(m, i, public_bytes(k)) for i, (m, k) in enumerate(new_keys.items(), start=1)]
    outbox = {
        commission.records[m].index: tenderkey.reshare_share(
            TENDER, 2, commission.share_of(m), old_indices, recipients, new_threshold
        )
        for m in senders
    }
    records = {}
    for r in recipients:
        received = {sender: sealed[r.member_id] for sender, sealed in outbox.items()}
        records[r.member_id] = tenderkey.combine_sealed_subshares(
            new_keys[r.member_id], TENDER, 2, r.member_id, r.index, received
        )
    return records


def test_after_a_redistribution_the_new_commission_opens_and_old_shares_do_not(commission):
    # 104 and 105 leave; 102 stays with a new key; 201 and 202 join; quorum two of four.
    new_keys = {102: X25519PrivateKey.generate(), 103: commission.keys[103]}
    new_keys |= {201: X25519PrivateKey.generate(), 202: X25519PrivateKey.generate()}
    records = _redistribute(commission, [101, 104, 105], new_keys, 2)

    def new_share(member):
        record = records[member]
        return tenderkey.unseal_share(new_keys[member], TENDER, 2, member, record.index, record.sealed)

    for pair in itertools.combinations(new_keys, 2):
        shares = [new_share(m) for m in pair]
        for member, share in zip(pair, shares, strict=True):
            tenderkey.verify_share(TENDER, 2, member, share, records[member])
        p = commission.protection
        part = tenderkey.release_platform_part(KEK, TENDER, p.wrapped_platform_part)
        assert _opens_bids(
            commission, tenderkey.recover_private_key(TENDER, 2, p.check_value, p.wrapped_private_key, part, shares)
        )

    removed = commission.share_of(104)  # a removed member kept its old share
    with pytest.raises(ShareRefused):
        tenderkey.verify_share(TENDER, 2, 103, removed, records[103])
    with pytest.raises(KeyShareError, match="do not add up"):  # and it does not combine anyway
        commission.recover([new_share(201), removed, commission.share_of(105)])
    # A member who stayed cannot use their old-commission share in the new one either.
    with pytest.raises(ShareRefused):
        tenderkey.verify_share(TENDER, 2, 103, commission.share_of(103), records[103])


def test_a_sub_share_for_someone_else_or_another_sender_set_does_not_open(commission):
    new_keys = {201: X25519PrivateKey.generate(), 202: X25519PrivateKey.generate()}
    recipients = [Recipient(m, i, public_bytes(k)) for i, (m, k) in enumerate(new_keys.items(), start=1)]
    sealed = tenderkey.reshare_share(TENDER, 2, commission.share_of(101), [1, 2, 3], recipients, 2)
    with pytest.raises(KeyShareError):  # the server claims other senders than the real ones
        tenderkey.combine_sealed_subshares(
            new_keys[201], TENDER, 2, 201, 1, {1: sealed[201], 4: sealed[201], 5: sealed[201]}
        )
    with pytest.raises(KeyShareError):  # 202's sub-share given to 201
        tenderkey.combine_sealed_subshares(
            new_keys[201], TENDER, 2, 201, 1, {1: sealed[202], 2: sealed[201], 3: sealed[201]}
        )
    with pytest.raises(KeyShareError, match="not among those"):
        tenderkey.reshare_share(TENDER, 2, commission.share_of(104), [1, 2, 3], recipients, 2)


def test_bad_commissions_are_refused():
    key = public_bytes(X25519PrivateKey.generate())
    with pytest.raises(KeyShareError, match="twice"):
        tenderkey.protect(KEK, TENDER, os.urandom(32), [MemberKey(1, key), MemberKey(1, key)], 1)
    with pytest.raises(KeyShareError, match="quorum"):
        tenderkey.protect(KEK, TENDER, os.urandom(32), [MemberKey(1, key)], 2)
    with pytest.raises(KeyShareError, match="not a valid key"):  # a low-order point
        tenderkey.protect(KEK, TENDER, os.urandom(32), [MemberKey(1, bytes(32))], 1)


def test_shares_kept_until_the_quorum_are_bound_to_their_member(commission):
    share = commission.share_of(101)
    kept = tenderkey.keep_received_share(KEK, TENDER, 1, 101, share)
    assert shamir.to_bytes(share.value) not in kept
    assert tenderkey.received_share(KEK, TENDER, 1, 101, share.index, kept) == share
    with pytest.raises(ShareRefused) as refused:  # the row copied to another member
        tenderkey.received_share(KEK, TENDER, 1, 102, share.index, kept)
    assert refused.value.member_id == 102
    with pytest.raises(ShareRefused):  # or to another commission
        tenderkey.received_share(KEK, TENDER, 2, 101, share.index, kept)
