"""The demo officers' opening keys (issue 14): the seeding registers the public half of
committed backups that open with the documented passphrase, so that a newcomer can open
a demo tender with two members' backups."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from safkat.accounts.models import User
from safkat.bids.models import KeyScheme, TenderKey
from safkat.commission import keys, member_keys, services
from safkat.commission.key_models import MemberKey
from safkat.demo import DEMO_KEY_PASSPHRASE, OFFICERS, demo_key_backup, seed
from safkat.keyshare import backup, messages
from safkat.keyshare.errors import BackupError
from safkat.keyshare.sealing import public_bytes
from safkat.tenders.models import Tender


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


def test_two_demo_members_open_the_ready_to_open_demo_tender_with_their_backups(app, db_session, clock):
    extensions = app.extensions
    seed(db_session, extensions["safkat.hasher"], clock.now(), extensions["safkat.files"], extensions["safkat.keys"])
    ready = db_session.scalars(
        select(Tender).where(Tender.status == "published", Tender.submission_deadline_at < clock.now())
    ).first()
    tender_key = db_session.get(TenderKey, ready.id)
    assert tender_key.scheme == KeyScheme.COMMISSION  # published through protect_tender_key
    opened = None
    for n, member in enumerate(ready.commission.members[: ready.commission.quorum]):
        request = keys.share_request(keys.current_share(db_session, ready.id, member.user_id))
        private_key = backup.read_backup(demo_key_backup(member.user.email), DEMO_KEY_PASSPHRASE)  # member's side
        share = json.dumps(messages.clear_share(private_key, request))
        opened = services.confirm_presence(
            db_session, ready, member.user, True, extensions["safkat.keys"], extensions["safkat.files"],
            clock.now() + timedelta(minutes=n), share=share,
        )  # fmt: skip
    assert opened is not None and ready.status == "opened"
