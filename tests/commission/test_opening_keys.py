"""Opening needs the deadline and k members' shares (issue 14), on the real crypto and the
real rows: what the database, the KEK and some members' keys can and cannot decrypt, and
how the opening session takes, keeps and refuses shares.

The cast's commission has three members and a quorum of two; two firms have bid."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safkat.audit import AuditEvent
from safkat.bids import crypto
from safkat.bids import opening as bid_opening
from safkat.bids.models import Envelope, KeyScheme, OpenedBid, Opening, TenderKey
from safkat.commission import keys, services
from safkat.commission.key_models import TenderKeyShare
from safkat.commission.models import CommissionMember, OpeningPresence
from safkat.errors import DomainError
from safkat.keyshare import messages, shamir, tenderkey
from safkat.keyshare.errors import KeyShareError
from safkat.tenders.models import Tender
from tests.bids.helpers import confirm_presence, post_bid
from tests.factories import MEMBER_KEYS


def share_of(db_session, tender, member) -> dict:
    """``member``'s clear share, unsealed with their own key (as their browser does)."""
    row = keys.current_share(db_session, tender.id, member.id)
    return messages.clear_share(MEMBER_KEYS[row.member_key.fingerprint], keys.share_request(row))


def stored(db_session, tender):
    """Everything the database holds about the tender's key."""
    db_session.expire_all()
    tender_key = db_session.get(TenderKey, tender.id)
    rows = db_session.scalars(select(TenderKeyShare).where(TenderKeyShare.tender_id == tender.id)).all()
    return tender_key, {row.user_id: row for row in rows}


def opens_a_bid(db_session, private_key) -> bool:
    """Whether ``private_key`` opens the data key of a sealed envelope of the tender's bids."""
    envelope = db_session.scalars(select(Envelope)).first()
    try:
        crypto.open_data_key(private_key, envelope.sealed_key)
    except Exception:
        return False
    return True


def refusals(db_session):
    return db_session.scalars(select(AuditEvent).where(AuditEvent.action == "commission.share_refused")).all()


def kept(db_session, tender) -> dict[int, bool]:
    db_session.expire_all()
    rows = db_session.scalars(select(TenderKeyShare).where(TenderKeyShare.tender_id == tender.id))
    return {row.user_id: row.kept_share is not None for row in rows}


def present(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(OpeningPresence))


def datetime_after(cast):
    return cast.tender.submission_deadline_at + timedelta(hours=1)


# --- what an operator holding the database and the KEK can do -----------------------------


def test_the_database_the_kek_and_k_minus_1_member_keys_decrypt_nothing(cast, bids, db_session, app):
    kek = app.extensions["safkat.keys"].kek
    tender_key, rows = stored(db_session, cast.tender)
    assert tender_key.scheme == KeyScheme.COMMISSION and tender_key.threshold == 2
    assert not any(row.kept_share for row in rows.values())  # nothing handed in before the deadline
    with pytest.raises(crypto.SealError):  # the old side door: the KEK alone
        crypto.unwrap_tender_private_key(kek, tender_key.wrapped_private_key)
    platform_part = tenderkey.release_platform_part(kek, cast.tender.id, tender_key.wrapped_platform_part)
    for member in cast.members:  # any k-1 = 1 member's key, with the platform part the KEK opens
        share = messages.parse_clear_share(share_of(db_session, cast.tender, member))[3]
        with pytest.raises(KeyShareError, match="Fewer shares"):
            tenderkey.recover_private_key(
                cast.tender.id, 2, tender_key.check_value, tender_key.wrapped_private_key, platform_part, [share]
            )
        guessed = shamir.Share(share.index % 3 + 1, shamir.random_element())  # a made-up second share
        with pytest.raises(KeyShareError, match="do not add up"):
            tenderkey.recover_private_key(
                cast.tender.id,
                2,
                tender_key.check_value,
                tender_key.wrapped_private_key,
                platform_part,
                [share, guessed],
            )


def test_all_member_keys_without_the_platform_part_decrypt_nothing(cast, bids, db_session, app):
    tender_key, _rows = stored(db_session, cast.tender)
    shares = [messages.parse_clear_share(share_of(db_session, cast.tender, m))[3] for m in cast.members]
    secret = shamir.combine(shares)  # the whole commission secret: the members' side is complete
    assert tenderkey.check_value(cast.tender.id, secret) == tender_key.check_value
    wrong_kek = bytes(32)
    with pytest.raises(KeyShareError):  # the platform part does not unwrap without the KEK
        tenderkey.release_platform_part(wrong_kek, cast.tender.id, tender_key.wrapped_platform_part)
    for guess in (bytes(32), app.extensions["safkat.keys"].kek):  # nor is it the KEK itself, or zeros
        with pytest.raises(KeyShareError, match="wrong platform part"):
            tenderkey.recover_private_key(
                cast.tender.id, 2, tender_key.check_value, tender_key.wrapped_private_key, guess, shares
            )


def test_after_the_deadline_the_kek_and_k_handed_in_shares_do_open(opened, db_session, app):
    """What remains (docs/security.md): after the deadline, once k members have handed in
    their shares, the database and the KEK together recover the key. Said, and tested."""
    private_key = keys.tender_private_key(
        db_session, db_session.get(Tender, opened.tender.id), app.extensions["safkat.keys"].kek, datetime_after(opened)
    )
    assert opens_a_bid(db_session, private_key)


# --- the opening session --------------------------------------------------------------------


def test_before_the_deadline_even_k_shares_are_refused_and_nothing_is_kept(cast, bids, db_session, app, clock):
    clock.set(cast.tender.submission_deadline_at - timedelta(seconds=1))
    extensions = app.extensions
    for member in cast.members[:2]:
        share = json.dumps(share_of(db_session, cast.tender, member))
        with pytest.raises(DomainError, match="starts at the submission deadline"):
            services.confirm_presence(
                db_session, cast.tender, member, True, extensions["safkat.keys"], extensions["safkat.files"],
                clock.now(), share=share,
            )  # fmt: skip
        with pytest.raises(DomainError, match="starts at the submission deadline"):
            keys.hand_in_share(db_session, cast.tender, member, share, extensions["safkat.keys"].kek, clock.now())
    assert not any(kept(db_session, cast.tender).values()) and present(db_session) == 0
    with pytest.raises(DomainError, match="stay sealed"):
        keys.tender_private_key(db_session, cast.tender, extensions["safkat.keys"].kek, clock.now())


@pytest.mark.parametrize("pair", [(0, 1), (1, 2), (2, 0)])
def test_any_two_members_open_the_bids(cast, bids, after_deadline, login, db_session, pair):
    for n in pair:
        assert confirm_presence(login(cast.members[n]), cast.tender).status_code == 302
    db_session.expire_all()
    assert db_session.get(Tender, cast.tender.id).status == "opened"
    rows = db_session.scalars(select(OpenedBid).where(OpenedBid.tender_id == cast.tender.id)).all()
    assert len(rows) == 2 and all(row.is_intact for row in rows)
    assert "123456789" in "".join(row.amounts for row in rows)  # the offers were really decrypted
    assert kept(db_session, cast.tender) == {m.id: i in pair for i, m in enumerate(cast.members)}


def test_one_member_opens_nothing_and_their_share_waits_for_the_next(
    cast, bids, after_deadline, login, db_session, app
):
    first, second = cast.members[2], cast.members[0]
    assert confirm_presence(login(first), cast.tender).status_code == 302
    db_session.expire_all()
    tender = db_session.get(Tender, cast.tender.id)
    assert tender.status == "published" and db_session.get(Opening, tender.id) is None
    assert kept(db_session, tender)[first.id] and sum(kept(db_session, tender).values()) == 1
    extensions = app.extensions
    with pytest.raises(KeyShareError, match="Fewer shares"):
        bid_opening.open_bids(
            db_session, tender, first, extensions["safkat.keys"], extensions["safkat.files"], datetime_after(cast)
        )
    assert db_session.get(Opening, tender.id) is None
    page = login(first).get(f"/officer/tenders/{tender.id}/opening?lang=en").get_data(as_text=True)
    assert "1 of 2 needed." in page
    assert confirm_presence(login(second), cast.tender).status_code == 302  # the kept share counts
    db_session.expire_all()
    assert db_session.get(Tender, tender.id).status == "opened"


def corrupted(share: dict) -> str:
    value = int(share["value"], 16)
    return json.dumps(share | {"value": f"{(value + 1) % shamir.P:064x}"})


def test_a_corrupt_share_is_refused_named_in_the_audit_and_the_right_one_then_accepted(
    cast, bids, after_deadline, login, db_session
):
    member = cast.members[1]
    client = login(member)
    response = client.post(
        f"/officer/tenders/{cast.tender.id}/opening?lang=fr",
        data={"no_conflict": "y", "share": corrupted(share_of(db_session, cast.tender, member))},
        follow_redirects=True,
    )
    assert "ne correspond pas à celle enregistrée pour vous" in response.get_data(as_text=True)
    [refused] = refusals(db_session)
    assert refused.details_dict["member"] == member.full_name and refused.object_id == str(cast.tender.id)
    assert present(db_session) == 0 and not any(kept(db_session, cast.tender).values())
    assert confirm_presence(client, cast.tender).status_code == 302
    assert present(db_session) == 1 and kept(db_session, cast.tender)[member.id]


def test_a_share_of_another_tender_or_member_or_commission_is_refused(
    cast, bids, after_deadline, make, login, db_session
):
    other = make.tender(state="closed", authority=cast.tender.authority, commission=cast.members, lots=1)
    member, neighbour = cast.members[0], cast.members[1]
    foreign = [
        json.dumps(share_of(db_session, other, member)),  # the member's own share, of another tender
        json.dumps(share_of(db_session, cast.tender, neighbour)),  # another member's share of this tender
        json.dumps(share_of(db_session, cast.tender, member) | {"epoch": 2}),  # of another commission
        "not a share",
    ]
    for share in foreign:
        assert confirm_presence(login(member), cast.tender, share=share).status_code == 303
    assert [event.details_dict["member"] for event in refusals(db_session)] == [member.full_name] * len(foreign)
    assert present(db_session) == 0 and not any(kept(db_session, cast.tender).values())
    response = login(member).post(
        f"/officer/tenders/{cast.tender.id}/opening?lang=en", data={"no_conflict": "y"}, follow_redirects=True
    )
    assert "Hand in your share" in response.get_data(as_text=True) and present(db_session) == 0


def test_shares_of_removed_members_and_of_a_retired_commission_are_refused(
    cast, bids, after_deadline, login, db_session
):
    removed, retired = cast.members[2], cast.members[1]
    removed_share = json.dumps(share_of(db_session, cast.tender, removed))
    retired_share = json.dumps(share_of(db_session, cast.tender, retired))
    db_session.delete(member_row(db_session, cast, removed))  # as an amendment would
    keys.current_share(db_session, cast.tender.id, retired.id).retired_at = datetime_after(cast)
    db_session.flush()
    assert confirm_presence(login(removed), cast.tender, share=removed_share).status_code == 403
    response = login(retired).post(
        f"/officer/tenders/{cast.tender.id}/opening?lang=en",
        data={"no_conflict": "y", "share": retired_share},
        follow_redirects=True,
    )
    assert "No share of this tender" in response.get_data(as_text=True)
    assert present(db_session) == 0 and not any(kept(db_session, cast.tender).values())


def member_row(db_session, cast, user):
    return db_session.scalar(
        select(CommissionMember).where(
            CommissionMember.tender_id == cast.tender.id, CommissionMember.user_id == user.id
        )
    )


def test_a_tender_sealed_under_the_kek_alone_still_opens_with_presences(make, login, db_session, clock):
    authority = make.authority()
    members = [make.officer(authority=authority) for _ in range(3)]
    tender = make.tender(state="open", authority=authority, created_by=members[0], commission=members, scheme="kek")
    firm = make.bidder(enterprise=make.enterprise())
    assert post_bid(login(firm), tender).status_code == 302
    clock.set(tender.submission_deadline_at + timedelta(minutes=1))
    page = login(members[0]).get(f"/officer/tenders/{tender.id}/opening?lang=en").get_data(as_text=True)
    assert "data-keyshare" not in page and "Confirm my presence" in page
    for member in members[:2]:
        assert confirm_presence(login(member), tender).status_code == 302
    db_session.expire_all()
    assert db_session.get(Tender, tender.id).status == "opened"
    assert db_session.get(TenderKey, tender.id).scheme == KeyScheme.KEK


# --- the page ---------------------------------------------------------------------------------


def test_the_page_asks_for_the_share_with_and_without_javascript(cast, bids, after_deadline, login, db_session):
    page = login(cast.members[1]).get(f"/officer/tenders/{cast.tender.id}/opening?lang=fr").get_data(as_text=True)
    row = keys.current_share(db_session, cast.tender.id, cast.members[1].id)
    assert 'data-keyshare="unseal"' in page and row.member_key.fingerprint in page
    assert "python -m safkat.keyshare.member unseal my-key.json request.json" in page
    assert '<textarea data-keyshare-result dir="ltr" id="keyshare-share" name="share"' in page
    for secret in ("data-keyshare-backup", "data-keyshare-passphrase"):  # never sent: no name
        tag = page[page.rindex("<input", 0, page.index(secret)) : page.index(">", page.index(secret))]
        assert "name=" not in tag
    assert "js/keyshare/page.js" in page


# --- publication ------------------------------------------------------------------------------


def test_publication_needs_every_member_to_have_an_opening_key(make, login, db_session, app, clock):
    authority = make.authority()
    members = [make.officer(authority=authority, full_name=name) for name in ("Amel Kaci", "Samir Ould", "Lina Bey")]
    tender = make.tender(state="draft", authority=authority, created_by=members[0], commission=False)
    make.commission(tender, members, keys=False)
    make.opening_key(members[0])
    client = login(members[0])
    page = client.get(f"/officer/tenders/{tender.id}/publish?lang=fr").get_data(as_text=True)
    assert "n’ont pas encore de clé d’ouverture : Samir Ould, Lina Bey." in page  # before the officer clicks
    response = client.post(f"/officer/tenders/{tender.id}/publish?lang=en", data={})
    assert response.status_code == 422 and "no opening key yet: Samir Ould, Lina Bey" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Tender, tender.id).status == "draft" and db_session.get(TenderKey, tender.id) is None
    for member in members[1:]:
        make.opening_key(member)
    assert client.post(f"/officer/tenders/{tender.id}/publish?lang=en", data={}).status_code == 302
    tender_key, rows = stored(db_session, tender)
    assert tender_key.scheme == KeyScheme.COMMISSION and set(rows) == {m.id for m in members}
    assert all(rows[m.id].member_key.fingerprint == make.opening_key(m).fingerprint for m in members)
