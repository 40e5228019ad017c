"""A submission that does not commit leaves no ciphertext behind; a replaced draft's files
go only once the replacement is committed."""

import io
from datetime import timedelta

import pytest

from safkat.bids import services
from safkat.bids.models import EnvelopeKind
from safkat.clock import FixedClock
from safkat.errors import DomainError
from safkat.ops.files import stored_files
from tests.bids.helpers import document


@pytest.fixture
def tender(make):
    return make.tender(state="open", lots=1)


@pytest.fixture
def firm(make):
    return make.bidder(enterprise=make.enterprise(status="verified"))


def bid_input(tender, tag: str) -> services.BidInput:
    lot = tender.lots[0]
    upload = services.NewBidDocument(EnvelopeKind.APPLICATION, "registre.pdf", io.BytesIO(document(tag)))
    return services.BidInput(
        lot_ids=[lot.id], amounts={lot.id: (100_000, 19_000)}, statement="Équipe de 4.", documents=[upload]
    )


def files_in(store) -> set[str]:
    return {key for key, _path in stored_files(store)}


def test_ciphertext_of_a_submission_refused_at_commit_is_removed(app, db_session, tender, firm, clock):
    store, keys = app.extensions["safkat.files"], app.extensions["safkat.keys"]
    before = files_in(store)
    moving = FixedClock(clock.now())
    services.submit(db_session, tender, firm, bid_input(tender, "late"), store, keys, 10**7, clock.now(), "k1", moving)
    assert len(files_in(store) - before) == 2  # the offer and the application file, sealed
    moving.set(tender.submission_deadline_at + timedelta(seconds=1))  # the deadline passes before COMMIT
    with pytest.raises(DomainError):
        db_session.commit()
    db_session.rollback()
    assert files_in(store) == before


def test_a_replaced_draft_keeps_its_files_until_the_replacement_commits(app, db_session, tender, firm, clock):
    store, keys = app.extensions["safkat.files"], app.extensions["safkat.keys"]
    services.save_draft(db_session, tender, firm, bid_input(tender, "first"), store, keys, 10**7, clock.now())
    db_session.commit()
    first = files_in(store)
    envelopes = services.draft_bid(db_session, tender, firm.enterprise_id).envelopes
    draft_files, draft_ids = {e.storage_key for e in envelopes}, [e.id for e in envelopes]
    services.save_draft(db_session, tender, firm, bid_input(tender, "second"), store, keys, 10**7, clock.now())
    assert first <= files_in(store), "the old files are still named by committed rows"
    db_session.rollback()
    assert files_in(store) == first  # the rolled-back draft's new files are gone, the old ones stay
    third = bid_input(tender, "third")
    third.removed_envelope_ids = draft_ids
    services.save_draft(db_session, tender, firm, third, store, keys, 10**7, clock.now())
    db_session.commit()
    assert not draft_files & files_in(store)  # replaced and committed: the old files are deleted
