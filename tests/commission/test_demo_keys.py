"""The demo officers' opening keys (issue 14): the seeding registers the public half of
committed backups that open with the documented passphrase, so that a newcomer can open
a demo tender with two members' backups."""

from __future__ import annotations

import pytest
from nacl.public import PrivateKey
from sqlalchemy import select

from safkat.accounts.models import User
from safkat.commission import member_keys
from safkat.commission.key_models import MemberKey, TenderKeyShare
from safkat.commission.keys import protect_tender_key
from safkat.demo import DEMO_KEY_PASSPHRASE, OFFICERS, demo_key_backup, seed
from safkat.keyshare import backup, messages, tenderkey
from safkat.keyshare.errors import BackupError
from safkat.keyshare.sealing import public_bytes


@pytest.fixture
def demo(app, db_session, clock):
    seed(db_session, app.extensions["safkat.hasher"], clock.now())
    return {email: db_session.scalar(select(User).where(User.email == email)) for email, *_ in OFFICERS}


def test_each_demo_officer_has_the_key_of_their_committed_backup(demo, db_session, app, clock):
    for email, officer in demo.items():
        key = member_keys.active_key(db_session, officer)
        private_key = backup.read_backup(demo_key_backup(email), DEMO_KEY_PASSPHRASE)
        assert key is not None and key.public_key == public_bytes(private_key), email
    with pytest.raises(BackupError):
        backup.read_backup(demo_key_backup(OFFICERS[0][0]), "not the demo passphrase")
    before = db_session.scalars(select(MemberKey.id)).all()
    seed(db_session, app.extensions["safkat.hasher"], clock.now())  # idempotent
    assert db_session.scalars(select(MemberKey.id)).all() == before


def test_two_demo_members_open_a_tender_protected_by_their_commission(demo, db_session, make, app, clock):
    kek = app.extensions["safkat.keys"].kek
    emails = [email for email, _name, code in OFFICERS if code == "AT-ORN"]
    members = [demo[email] for email in emails]
    tender = make.tender(state="draft", authority=members[0].authority, commission=members)
    tender_key = protect_tender_key(db_session, tender, kek, clock.now())
    db_session.flush()
    shares = []
    for email, member in list(zip(emails, members, strict=True))[:2]:
        row = db_session.scalar(
            select(TenderKeyShare).where(TenderKeyShare.tender_id == tender.id, TenderKeyShare.user_id == member.id)
        )
        record = tenderkey.SealedShare(member.id, row.share_index, row.sealed_share, row.commitment)
        request = messages.share_request(tender.id, row.epoch, record)
        private_key = backup.read_backup(demo_key_backup(email), DEMO_KEY_PASSPHRASE)  # on the member's side
        share = messages.parse_clear_share(messages.clear_share(private_key, request))[3]
        tenderkey.verify_share(tender.id, row.epoch, member.id, share, record)
        shares.append(share)
    part = tenderkey.release_platform_part(kek, tender.id, tender_key.wrapped_platform_part)
    private = tenderkey.recover_private_key(
        tender.id, tender_key.threshold, tender_key.check_value, tender_key.wrapped_private_key, part, shares
    )
    assert bytes(PrivateKey(private).public_key) == tender_key.public_key
