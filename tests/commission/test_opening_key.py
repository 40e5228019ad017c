"""An officer's opening key (issue 14): registered from the officer's side, checked,
replaced; only the officer themself, only valid X25519 public keys, always audited."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select

from safkat.audit import AuditEvent
from safkat.bids.crypto import public_key_fingerprint
from safkat.commission import member_keys
from safkat.commission.key_models import MemberKey
from safkat.commission.keys import protect_tender_key
from safkat.errors import DomainError
from safkat.keyshare.sealing import public_bytes
from safkat.permissions import can

URL = "/account/opening-key"


def new_public_key() -> str:
    return base64.b64encode(public_bytes(X25519PrivateKey.generate())).decode()


def keys_of(session, user) -> list[MemberKey]:
    return list(session.scalars(select(MemberKey).where(MemberKey.user_id == user.id).order_by(MemberKey.id)))


def audit_actions(session) -> list[str]:
    return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


# --- the service ------------------------------------------------------------------------


def test_a_registered_key_keeps_only_the_public_half_with_its_fingerprint(make, db_session, clock):
    officer = make.officer()
    text = new_public_key()
    key = member_keys.register_key(db_session, officer, f"  {text[:20]}\n{text[20:]} ", clock.now())
    raw = base64.b64decode(text)
    assert (key.public_key, key.fingerprint, key.revoked_at) == (raw, public_key_fingerprint(raw), None)
    assert member_keys.active_key(db_session, officer) is key
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "member_key.created"))
    assert event.actor_id == officer.id and key.fingerprint in event.details


@pytest.mark.parametrize(
    "text, message",
    [
        ("not base64 at all!", "not valid base64"),
        (base64.b64encode(b"\x09" * 31).decode(), "has 31"),
        (base64.b64encode(b"\x09" * 33).decode(), "has 33"),
        (base64.b64encode(bytes(32)).decode(), "not a usable opening key"),  # the point 0
        (base64.b64encode(b"\x01" + bytes(31)).decode(), "not a usable opening key"),  # the point 1, of order 4
    ],
)
def test_a_key_that_cannot_receive_a_share_is_refused_and_nothing_is_stored(make, db_session, clock, text, message):
    officer = make.officer()
    with pytest.raises(DomainError) as refused:
        member_keys.register_key(db_session, officer, text, clock.now())
    assert message in str(refused.value)
    assert keys_of(db_session, officer) == []
    assert "member_key.created" not in audit_actions(db_session)


def test_a_second_key_must_replace_the_first(make, db_session, clock):
    officer = make.officer()
    member_keys.register_key(db_session, officer, new_public_key(), clock.now())
    with pytest.raises(DomainError, match="replace it"):
        member_keys.register_key(db_session, officer, new_public_key(), clock.now())
    assert len(keys_of(db_session, officer)) == 1


def test_a_public_key_already_registered_is_refused(make, db_session, clock):
    text = new_public_key()
    member_keys.register_key(db_session, make.officer(), text, clock.now())
    other = make.officer()
    with pytest.raises(DomainError, match="already registered"):
        member_keys.register_key(db_session, other, text, clock.now())
    assert keys_of(db_session, other) == []


def test_replacing_revokes_the_old_key_and_names_the_tenders_still_sealed_to_it(make, db_session, clock, app):
    authority = make.authority()
    members = [make.officer(authority=authority) for _ in range(3)]
    for member in members:
        member_keys.register_key(db_session, member, new_public_key(), clock.now())
    tender = make.tender(state="draft", authority=authority, commission=members)
    protect_tender_key(db_session, tender, app.extensions["safkat.keys"].kek, clock.now())
    tender.status, tender.reference, tender.published_at = "published", "TEST/2026/0001", clock.now()
    db_session.flush()
    old = member_keys.active_key(db_session, members[1])
    assert member_keys.tenders_sealed_to(db_session, old) == [tender]

    clock.advance(days=1)
    new = member_keys.replace_key(db_session, members[1], new_public_key(), clock.now())
    assert old.revoked_at == clock.now() and new.revoked_at is None
    assert member_keys.active_key(db_session, members[1]) is new
    assert member_keys.tenders_sealed_to(db_session, new) == []
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "member_key.replaced"))
    assert old.fingerprint in event.details and new.fingerprint in event.details
    with pytest.raises(DomainError, match="already registered"):  # the revoked key does not come back
        member_keys.replace_key(db_session, members[1], base64.b64encode(old.public_key).decode(), clock.now())


def test_there_is_nothing_to_replace_without_a_key(make, db_session, clock):
    with pytest.raises(DomainError, match="no opening key to replace"):
        member_keys.replace_key(db_session, make.officer(), new_public_key(), clock.now())


def test_only_the_officer_themself_manages_their_key(make):
    officer, colleague = make.officer(), make.officer()
    assert can(officer, "member_key.manage", officer)
    assert not can(colleague, "member_key.manage", officer)
    admin = make.admin()
    assert not can(admin, "member_key.manage", admin)
    bidder = make.bidder()
    assert not can(bidder, "member_key.manage", bidder)


# --- the pages --------------------------------------------------------------------------


def test_an_officer_without_key_sees_both_ways_to_make_one(make, login):
    page = login(make.officer()).get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-keyshare="generate"' in html
    assert "python -m safkat.keyshare.member generate my-opening-key.json" in html
    # the secrets the browser handles have no name: a form cannot send them
    assert 'name="passphrase"' not in html and "data-keyshare-passphrase" in html


def test_an_officer_registers_a_pasted_key_and_sees_its_fingerprint(make, login, db_session):
    officer = make.officer()
    client = login(officer)
    response = client.post(URL, data={"public_key": new_public_key()})
    assert response.status_code == 302
    key = member_keys.active_key(db_session, officer)
    html = client.get(URL).get_data(as_text=True)
    assert key.fingerprint in html
    assert f'data-keyshare-public-key="{base64.b64encode(key.public_key).decode()}"' in html


@pytest.mark.parametrize("text", ["%%%", base64.b64encode(b"\x07" * 16).decode(), base64.b64encode(bytes(32)).decode()])
def test_a_bad_key_gets_a_translated_error_and_changes_nothing(make, login, db_session, text):
    officer = make.officer(locale="fr")
    client = login(officer)
    client.set_cookie("lang", "fr")
    response = client.post(URL, data={"public_key": text})
    assert response.status_code == 422
    assert "clé" in response.get_data(as_text=True).split("flash-error")[1][:300]
    assert keys_of(db_session, officer) == []


def test_a_post_without_csrf_token_is_refused(make, login, db_session):
    officer = make.officer()
    response = login(officer).post(URL, data={"public_key": new_public_key()}, csrf=False)
    assert response.status_code == 400
    assert keys_of(db_session, officer) == []


@pytest.mark.parametrize("role", ["bidder", "admin"])
def test_only_officers_have_an_opening_key_page(make, login, db_session, role):
    user = getattr(make, role)()
    client = login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"public_key": new_public_key()}).status_code == 403
    assert keys_of(db_session, user) == []


def test_replacing_needs_the_confirmation_and_touches_only_ones_own_key(make, login, db_session, clock):
    officer, colleague = make.officer(), make.officer()
    colleague_key = member_keys.register_key(db_session, colleague, new_public_key(), clock.now())
    first = member_keys.register_key(db_session, officer, new_public_key(), clock.now())
    client = login(officer)
    refused = client.post(f"{URL}/replace", data={"public_key": new_public_key()})
    assert refused.status_code == 422 and first.revoked_at is None
    assert client.post(f"{URL}/replace", data={"public_key": new_public_key(), "understood": "y"}).status_code == 302
    db_session.expire_all()
    assert [k.revoked_at is None for k in keys_of(db_session, officer)] == [False, True]
    assert colleague_key.revoked_at is None and keys_of(db_session, colleague) == [colleague_key]
