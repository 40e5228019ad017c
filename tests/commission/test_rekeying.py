"""A commission that changes after publication, on the real crypto (issue 14): the key is
made again while no bid is sealed, and redistributed to the new commission once one is."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safkat.audit import AuditEvent
from safkat.bids.models import OpenedBid, Opening, TenderKey
from safkat.commission import keys, redistribution, rekeying
from safkat.commission.key_models import TenderKeyShare
from safkat.commission.models import Commission
from safkat.commission.reshare_models import ReshareRound, RoundStatus
from safkat.documents.values import tender_notice_values
from safkat.errors import DomainError, PermissionDenied
from safkat.keyshare import shamir, tenderkey
from safkat.keyshare.errors import KeyShareError, ShareRefused
from tests.bids.helpers import post_bid
from tests.commission import rekeying_helpers as h


@pytest.fixture
def kek(app):
    return app.extensions["safkat.keys"].kek


@pytest.fixture
def keyed(cast, db_session, kek, clock):
    """Every member and the outsider have opening keys; the tender's key is the commission's."""
    cast.keys = {user.id: h.give_key(db_session, user, clock.now()) for user in [*cast.members, cast.outsider]}
    h.protect(db_session, cast.tender, kek, clock.now())
    return cast


@pytest.fixture
def sealed(keyed, login):
    """A firm's bid is sealed to the tender's key: the key can no longer be made again."""
    response = post_bid(login(keyed.firm), keyed.tender)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return keyed


def _actions(session, tender_id) -> list[str]:
    rows = select(AuditEvent.action).where(AuditEvent.object_type == "tender", AuditEvent.object_id == str(tender_id))
    return list(session.scalars(rows.order_by(AuditEvent.seq)))


def _no_clear_bid(session, tender) -> bool:
    opened = session.scalar(
        select(func.count()).select_from(OpenedBid).join(Opening).where(Opening.tender_id == tender.id)
    )
    return session.get(Opening, tender.id) is None and not opened


# --- before any bid: a new key --------------------------------------------------------------


def test_before_bids_a_new_key_is_made_for_the_new_commission(keyed, db_session, kek, clock, client):
    karim, nadia, omar = keyed.members
    yacine = keyed.outsider
    old_key = db_session.get(TenderKey, keyed.tender.id)
    old_fingerprint, old_public = old_key.fingerprint, old_key.public_key
    omar_old_share = h.share_of(db_session, keyed.tender, omar, keyed.keys[omar.id])

    h.rename(db_session, keyed.tender, karim, [karim, nadia, yacine], 2, kek, clock.now())

    key = db_session.get(TenderKey, keyed.tender.id)
    assert key.public_key != old_public and key.fingerprint != old_fingerprint
    holders = {
        row.user_id
        for row in db_session.scalars(select(TenderKeyShare).where(TenderKeyShare.tender_id == keyed.tender.id))
    }
    assert holders == {karim.id, nadia.id, yacine.id}  # Omar holds nothing of the new key
    # Any two new members and the platform part open the new key.
    for pair in ([karim, yacine], [nadia, yacine], [karim, nadia]):
        shares = [h.share_of(db_session, keyed.tender, user, keyed.keys[user.id]) for user in pair]
        assert h.opens_tender_key(db_session, keyed.tender, h.recover(db_session, keyed.tender, kek, shares))
    # Omar's old share, with a new member's, opens nothing.
    karim_share = h.share_of(db_session, keyed.tender, karim, keyed.keys[karim.id])
    with pytest.raises(KeyShareError, match="do not add up"):
        h.recover(db_session, keyed.tender, kek, [omar_old_share, karim_share])
    assert "commission.tender_key_remade" in _actions(db_session, keyed.tender.id)
    # The public page shows the new fingerprint.
    page = client.get(f"/tenders/{keyed.tender.url_reference}?lang=en").get_data(as_text=True)
    assert key.fingerprint in page and old_fingerprint not in page
    assert tender_notice_values(keyed.tender, "fr")["key_fingerprint"] == key.fingerprint  # the notice PDF's


def test_a_new_member_without_an_opening_key_is_named_and_nothing_changes(keyed, make, db_session, kek, clock):
    karim, nadia, _omar = keyed.members
    newcomer = make.officer(authority=keyed.tender.authority, full_name="Salima Sans-Clé")
    before = db_session.get(TenderKey, keyed.tender.id).fingerprint
    savepoint = db_session.begin_nested()
    with pytest.raises(DomainError, match="no opening key yet: Salima Sans-Clé"):
        h.rename(db_session, keyed.tender, karim, [karim, nadia, newcomer], 2, kek, clock.now())
    savepoint.rollback()  # what the request does with a refused form
    assert db_session.get(TenderKey, keyed.tender.id).fingerprint == before


def test_the_same_commission_saved_again_keeps_its_key(keyed, db_session, kek, clock):
    before = db_session.get(TenderKey, keyed.tender.id).fingerprint
    h.rename(db_session, keyed.tender, keyed.chair, keyed.members, 2, kek, clock.now())
    assert db_session.get(TenderKey, keyed.tender.id).fingerprint == before
    assert "commission.tender_key_remade" not in _actions(db_session, keyed.tender.id)


# --- once a bid is sealed: a redistribution round -----------------------------------------------


def _replace_omar_by_yacine(cast, session, kek, clock):
    karim, nadia, _omar = cast.members
    h.rename(session, cast.tender, karim, [karim, nadia, cast.outsider], 2, kek, clock.now())
    return rekeying.pending_round(session, cast.tender.id)


def test_a_full_redistribution_lets_the_new_commission_open_and_refuses_the_removed_member(
    sealed, db_session, kek, clock
):
    tender, keys = sealed.tender, sealed.keys
    karim, nadia, omar = sealed.members
    yacine = sealed.outsider
    key = db_session.get(TenderKey, tender.id)
    public_key, epoch = key.public_key, key.epoch
    omar_old_share = h.share_of(db_session, tender, omar, keys[omar.id])  # a removed member who kept his part

    round_ = _replace_omar_by_yacine(sealed, db_session, kek, clock)
    assert round_.status == RoundStatus.COLLECTING
    assert [p.user_id for p in round_.senders] == [karim.id, nadia.id]  # the members who stay re-share
    assert [p.user_id for p in round_.recipients] == [karim.id, nadia.id, yacine.id]
    assert db_session.get(TenderKey, tender.id).epoch == epoch  # the old commission still opens until the end

    for sender in (karim, nadia):
        redistribution.accept_reshare(
            db_session, tender, sender, h.reshare_reply(db_session, tender, sender, keys[sender.id]), clock.now()
        )
    assert round_.status == RoundStatus.COMBINING
    for member in (karim, nadia):
        redistribution.accept_combine(
            db_session, tender, member, h.combine_reply(db_session, tender, member, keys[member.id]), clock.now()
        )
    assert db_session.get(TenderKey, tender.id).epoch == epoch  # Yacine has not combined yet
    redistribution.accept_combine(
        db_session, tender, yacine, h.combine_reply(db_session, tender, yacine, keys[yacine.id]), clock.now()
    )

    key = db_session.get(TenderKey, tender.id)
    assert round_.status == RoundStatus.COMPLETE and key.epoch == round_.new_epoch and key.public_key == public_key
    current = rekeying.current_shares(db_session, tender)
    assert {row.user_id for row in current} == {karim.id, nadia.id, yacine.id}
    assert all(row.epoch == key.epoch for row in current)
    old = db_session.scalars(
        select(TenderKeyShare).where(TenderKeyShare.tender_id == tender.id, TenderKeyShare.epoch == epoch)
    )
    assert all(row.retired_at == clock.now() and row.sealed_share == b"" for row in old)  # retired and emptied

    # After the deadline, any two of the new commission and the platform part open the tender's key.
    new_shares = {u.id: h.share_of(db_session, tender, u, keys[u.id]) for u in (karim, nadia, yacine)}
    records = {row.user_id: row for row in current}
    for pair in ((karim, yacine), (nadia, yacine), (karim, nadia)):
        for user in pair:
            row = records[user.id]
            tenderkey.verify_share(tender.id, key.epoch, user.id, new_shares[user.id], _sealed(row))
        raw = h.recover(db_session, tender, kek, [new_shares[u.id] for u in pair])
        assert h.opens_tender_key(db_session, tender, raw)
    # Omar's kept old share matches no current record, and does not combine with the new ones.
    for row in current:
        with pytest.raises(ShareRefused):
            tenderkey.verify_share(tender.id, key.epoch, row.user_id, omar_old_share, _sealed(row))
    with pytest.raises(KeyShareError, match="do not add up"):
        h.recover(db_session, tender, kek, [omar_old_share, new_shares[karim.id]])
    # The server never stored a clear share, and no bid was decrypted on the way.
    stored = b"".join(row.sealed_share for row in current) + json.dumps([p.reply for p in round_.participants]).encode()
    assert not any(shamir.to_bytes(share.value) in stored for share in new_shares.values())
    assert _no_clear_bid(db_session, tender)
    actions = _actions(db_session, tender.id)
    for step in ("started", "reshared", "ready_to_combine", "combined", "complete"):
        assert f"commission.redistribution_{step}" in actions


def _sealed(row) -> tenderkey.SealedShare:
    return tenderkey.SealedShare(row.user_id, row.share_index, row.sealed_share, row.commitment)


def test_a_member_who_lost_their_key_is_replaced_by_their_new_key(sealed, db_session, kek, clock):
    tender, keys = sealed.tender, sealed.keys
    karim, nadia, omar = sealed.members
    keys[nadia.id] = h.give_key(db_session, nadia, clock.now())  # Nadia lost hers and made a new one
    h.rename(db_session, tender, karim, sealed.members, 2, kek, clock.now(), reason="Clé perdue par un membre.")
    round_ = rekeying.pending_round(db_session, tender.id)
    assert [p.user_id for p in round_.senders] == [karim.id, omar.id]  # a lost key cannot re-share
    for sender in (karim, omar):
        redistribution.accept_reshare(
            db_session, tender, sender, h.reshare_reply(db_session, tender, sender, keys[sender.id]), clock.now()
        )
    for member in sealed.members:
        redistribution.accept_combine(
            db_session, tender, member, h.combine_reply(db_session, tender, member, keys[member.id]), clock.now()
        )
    assert round_.status == RoundStatus.COMPLETE
    shares = [h.share_of(db_session, tender, u, keys[u.id]) for u in (nadia, omar)]
    assert h.opens_tender_key(db_session, tender, h.recover(db_session, tender, kek, shares))


def test_too_few_old_members_with_their_key_cannot_pass_the_key_on(sealed, db_session, kek, clock):
    karim, nadia, omar = sealed.members
    h.give_key(db_session, nadia, clock.now())
    h.give_key(db_session, omar, clock.now())  # two of three lost their keys; the quorum is two
    savepoint = db_session.begin_nested()
    with pytest.raises(DomainError, match="Only 1 members of the current commission"):
        h.rename(db_session, sealed.tender, karim, sealed.members, 2, kek, clock.now(), reason="Clés perdues.")
    savepoint.rollback()
    assert rekeying.pending_round(db_session, sealed.tender.id) is None


# --- bad input: a clear error, nothing changed ---------------------------------------------------


@pytest.fixture
def started(sealed, db_session, kek, clock):
    _replace_omar_by_yacine(sealed, db_session, kek, clock)
    return sealed


def _round_state(session, tender):
    round_ = rekeying.pending_round(session, tender.id)
    session.refresh(round_)
    return (
        round_.status,
        [(p.user_id, p.role, p.reply, p.answered_at) for p in round_.participants],
        len(_actions(session, tender.id)),
        session.scalar(select(func.count()).select_from(TenderKeyShare).where(TenderKeyShare.tender_id == tender.id)),
    )


def _refused(session, tender, error, match, call):
    before = _round_state(session, tender)
    with pytest.raises(error, match=match):
        call()
    assert _round_state(session, tender) == before


def test_bad_reshare_replies_are_refused_and_change_nothing(started, db_session, clock):
    tender, keys = started.tender, started.keys
    karim, nadia, omar = started.members
    reply = json.loads(h.reshare_reply(db_session, tender, karim, keys[karim.id]))
    now = clock.now()

    def send(user, message):
        return lambda: redistribution.accept_reshare(db_session, tender, user, message, now)

    not_understood = "not one Safkat understands"
    _refused(
        db_session, tender, KeyShareError, not_understood, send(karim, json.dumps(reply | {"tender": tender.id + 1}))
    )
    _refused(db_session, tender, KeyShareError, not_understood, send(karim, json.dumps(reply | {"new_epoch": 1})))
    _refused(db_session, tender, KeyShareError, not_understood, send(karim, "{not json"))
    _refused(db_session, tender, KeyShareError, not_understood, send(karim, json.dumps(reply | {"subshares": {}})))
    _refused(
        db_session, tender, PermissionDenied, "no part to give", send(omar, json.dumps(reply))
    )  # removed, not a sender
    _refused(db_session, tender, PermissionDenied, "no part to give", send(started.outsider, json.dumps(reply)))
    _refused(
        db_session, tender, DomainError, "not the one asked of you", send(nadia, json.dumps(reply))
    )  # Karim's, by Nadia
    redistribution.accept_reshare(db_session, tender, karim, json.dumps(reply), now)
    _refused(db_session, tender, DomainError, "already given your part", send(karim, json.dumps(reply)))


def test_bad_combine_replies_are_refused_and_change_nothing(started, db_session, clock):
    tender, keys = started.tender, started.keys
    karim, nadia, _omar = started.members
    now = clock.now()
    _refused(
        db_session,
        tender,
        DomainError,
        "not all re-shared",
        lambda: redistribution.accept_combine(db_session, tender, karim, "{}", now),
    )
    for sender in (karim, nadia):
        redistribution.accept_reshare(
            db_session, tender, sender, h.reshare_reply(db_session, tender, sender, keys[sender.id]), now
        )
    reply = json.loads(h.combine_reply(db_session, tender, karim, keys[karim.id]))

    def send(user, message):
        return lambda: redistribution.accept_combine(db_session, tender, user, json.dumps(message), now)

    _refused(db_session, tender, DomainError, "not the one asked of you", send(nadia, reply))  # Karim's share, by Nadia
    _refused(db_session, tender, DomainError, "not the one asked of you", send(karim, reply | {"epoch": 1}))
    _refused(db_session, tender, KeyShareError, "not one Safkat understands", send(karim, reply | {"commitment": "x"}))
    _refused(db_session, tender, KeyShareError, "not one Safkat understands", send(karim, reply | {"sealed": "AAAA"}))
    redistribution.accept_combine(db_session, tender, karim, json.dumps(reply), now)
    _refused(db_session, tender, DomainError, "already given your part", send(karim, reply))


def test_after_the_deadline_nothing_is_redistributed_and_the_remaining_members_suffice(started, db_session, kek, clock):
    tender, keys = started.tender, started.keys
    karim, nadia, omar = started.members
    clock.set(tender.submission_deadline_at + timedelta(minutes=1))
    reply = h.reshare_reply(db_session, tender, karim, keys[karim.id])
    _refused(
        db_session,
        tender,
        DomainError,
        "deadline has passed",
        lambda: redistribution.accept_reshare(db_session, tender, karim, reply, clock.now()),
    )
    # The unfinished round leaves the old epoch in force, without the removed member's share.
    current = rekeying.current_shares(db_session, tender)
    assert {row.user_id for row in current} == {karim.id, nadia.id}
    shares = [h.share_of(db_session, tender, u, keys[u.id]) for u in (karim, nadia)]
    assert h.opens_tender_key(db_session, tender, h.recover(db_session, tender, kek, shares))


def test_a_new_change_abandons_the_round_under_way(started, db_session, kek, clock):
    tender, keys = started.tender, started.keys
    karim, nadia, omar = started.members
    first = rekeying.pending_round(db_session, tender.id)
    early = h.reshare_reply(db_session, tender, karim, keys[karim.id])
    h.rename(
        db_session, tender, karim, [karim, nadia, omar, started.outsider], 3, kek, clock.now(), reason="Quatre membres."
    )
    second = rekeying.pending_round(db_session, tender.id)
    assert first.status == RoundStatus.ABANDONED and second.new_epoch == first.new_epoch + 1
    # A reply made for the abandoned round does not count in the new one.
    _refused(
        db_session,
        tender,
        KeyShareError,
        "not one Safkat understands",
        lambda: redistribution.accept_reshare(db_session, tender, karim, early, clock.now()),
    )
    assert (
        db_session.scalar(select(func.count()).select_from(ReshareRound).where(ReshareRound.tender_id == tender.id))
        == 2
    )


def test_a_lost_key_before_bids_is_named_on_the_commission_page_then_a_new_key_is_made(
    keyed, db_session, kek, clock, login
):
    tender, keys = keyed.tender, keyed.keys
    karim, nadia, omar = keyed.members
    keys[nadia.id] = h.give_key(db_session, nadia, clock.now())  # Nadia lost hers and made a new one
    page = login(karim).get(f"/officer/tenders/{tender.id}/commission?lang=en").get_data(as_text=True)
    assert "The share of the tender's key of Nadia Saïdi is sealed to an opening key they no longer hold" in page
    h.rename(db_session, tender, karim, keyed.members, 2, kek, clock.now(), reason="Clé perdue.")
    assert rekeying.holders_of_replaced_keys(db_session, tender) == []
    shares = [h.share_of(db_session, tender, u, keys[u.id]) for u in (nadia, omar)]
    assert h.opens_tender_key(db_session, tender, h.recover(db_session, tender, kek, shares))
    page = login(karim).get(f"/officer/tenders/{tender.id}/commission?lang=en").get_data(as_text=True)
    assert "no longer hold" not in page


def test_while_a_round_is_unfinished_the_opening_page_asks_for_the_members_the_key_needs(
    keyed, db_session, kek, clock, login
):
    """The key was made for 3 of 3; a bid came; the new commission wants 2 of 3. Until the
    round completes the key still needs 3 shares: the opening page says 3, not the new quorum."""
    karim, nadia, omar = keyed.members
    h.rename(db_session, keyed.tender, karim, [karim, nadia, omar], 3, kek, clock.now())  # no bid yet: key remade
    db_session.commit()
    assert db_session.get(TenderKey, keyed.tender.id).threshold == 3
    assert post_bid(login(keyed.firm), keyed.tender).status_code == 302
    h.rename(db_session, keyed.tender, karim, [karim, nadia, keyed.outsider], 2, kek, clock.now())
    db_session.commit()
    assert keys.presences_needed(db_session, db_session.get(Commission, keyed.tender.id)) == 3
    clock.set(keyed.tender.submission_deadline_at + timedelta(minutes=1))
    page = login(karim).get(f"/officer/tenders/{keyed.tender.id}/opening?lang=en").get_data(as_text=True)
    assert "0 of 3 needed." in page and "0 of 2 needed." not in page
