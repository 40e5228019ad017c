"""A draft is no side door into the submitted bid (issue 14).

While a bid is a draft its data keys are wrapped under a sub-key of the KEK, so whoever
holds a backup of that moment and the KEK can read the draft. Submitting re-encrypts every
envelope under a fresh data key sealed to the tender: the backup then opens nothing of the
submitted bid, and the bid still opens at the opening. Real crypto throughout."""

import hashlib
import io
import os
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from safkat.bids import crypto, services
from safkat.bids.models import Bid, BidUpload, EnvelopeKind, OpenedBid, OpenedDocument
from safkat.errors import DomainError
from safkat.ops.files import stored_files
from tests.bids.helpers import PDF_HEAD, bid_form, confirm_bid, open_by_commission, review_fields
from tests.bids.test_chunked_upload import complete, send_all, start


@pytest.fixture
def tender(make):
    return make.tender(state="open", lots=1)


@pytest.fixture
def firm(make):
    return make.bidder(enterprise=make.enterprise(status="verified"))


def save_draft_by_form(client, tender, application: bytes, technical: bytes) -> None:
    data = bid_form(tender, application=application, technical=technical, action="save")
    response = client.post(f"/tenders/{tender.url_reference}/bid", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def backup(db_session, store) -> dict:
    """What a database dump and a copy of the uploads folder hold at this moment: each
    envelope's raw row and the bytes of its file, and each unfinished upload's key and parts."""
    rows = db_session.execute(text("SELECT storage_key, draft_key, sealed_key FROM envelopes")).all()
    uploads = db_session.execute(text("SELECT data_key, storage_key, token FROM bid_uploads")).all()
    return {
        "envelopes": [(row.storage_key, row.draft_key, store.path_for(row.storage_key).read_bytes()) for row in rows],
        "uploads": [
            (row.data_key, row.token, store.path_for(row.storage_key).read_bytes())
            for row in uploads
            if store.path_for(row.storage_key).exists()
        ],
    }


def submitted_envelopes(db_session, tender):
    bid = db_session.scalar(select(Bid).where(Bid.tender_id == tender.id, Bid.status == "submitted"))
    return bid, list(bid.envelopes)


def assert_backup_opens_nothing_submitted(db_session, saved: dict, submitted, store, kek: bytes) -> None:
    draft_keys = [crypto.unwrap_draft_key(kek, key) for _storage, key, _data in saved["envelopes"] if key]
    draft_keys += [crypto.unwrap_draft_key(kek, key) for key, _token, _parts in saved["uploads"]]
    assert draft_keys, "the backup holds draft keys: the attacker of this test is real"
    for _storage_key, wrapped, ciphertext in saved["envelopes"]:  # the backup does read the draft...
        assert crypto.decrypt_envelope(io.BytesIO(ciphertext), None, crypto.unwrap_draft_key(kek, wrapped))
    old_files = {storage_key for storage_key, _key, _data in saved["envelopes"]}
    old_digests = {hashlib.sha256(data).hexdigest() for _key, _wrapped, data in saved["envelopes"]}
    for envelope in submitted:  # ...but nothing of the submitted bid
        assert envelope.draft_key is None and envelope.sealed_key is not None
        assert envelope.storage_key not in old_files and envelope.ciphertext_sha256 not in old_digests
        ciphertext = store.path_for(envelope.storage_key).read_bytes()
        for data_key in draft_keys:
            with pytest.raises(crypto.SealError):
                crypto.decrypt_envelope(io.BytesIO(ciphertext), None, data_key)
    for storage_key in old_files:  # and the draft's rows and files are gone from the server
        assert not store.path_for(storage_key).exists()
    assert db_session.execute(text("SELECT count(*) FROM envelopes WHERE draft_key IS NOT NULL")).scalar() == 0


def open_and_read(login, tender, db_session, clock, store) -> dict[str, bytes]:
    """Open the tender through its commission; the opened documents' bytes by name."""
    clock.set(tender.submission_deadline_at + timedelta(minutes=5))
    open_by_commission(login, tender)
    db_session.expire_all()
    [row] = db_session.scalars(select(OpenedBid).where(OpenedBid.tender_id == tender.id)).all()
    assert row.is_intact, row.problem
    documents = db_session.scalars(select(OpenedDocument).where(OpenedDocument.opened_bid_id == row.id)).all()
    return {d.original_name: store.path_for(d.storage_key).read_bytes() for d in documents}


def test_a_backup_taken_while_the_bid_was_a_draft_does_not_decrypt_the_submitted_bid(
    app, login, firm, tender, db_session, clock
):
    store, keys = app.extensions["safkat.files"], app.extensions["safkat.keys"]
    client = login(firm)
    application, technical = PDF_HEAD + os.urandom(70_000), PDF_HEAD + os.urandom(150_000)
    save_draft_by_form(client, tender, application, technical)
    saved = backup(db_session, store)
    assert len(saved["envelopes"]) == 3  # the offer data and the two documents

    assert confirm_bid(client, tender).status_code == 302  # the review page, then the seal
    db_session.expire_all()
    bid, submitted = submitted_envelopes(db_session, tender)
    assert len(submitted) == 3
    assert bid.digest == crypto.bid_digest([(e.kind, e.ciphertext_sha256) for e in submitted])
    assert_backup_opens_nothing_submitted(db_session, saved, submitted, store, keys.kek)

    opened = open_and_read(login, tender, db_session, clock, store)
    assert opened == {"registre.pdf": application, "memoire-technique.pdf": technical}


def test_a_replacing_bid_sealed_from_a_chunked_upload_shares_no_key_with_its_draft(
    app, login, firm, tender, db_session, clock
):
    store, keys = app.extensions["safkat.files"], app.extensions["safkat.keys"]
    client = login(firm)
    first = PDF_HEAD + os.urandom(5_000)
    save_draft_by_form(client, tender, first, None)
    assert confirm_bid(client, tender).status_code == 302  # a first bid, to be replaced

    content = PDF_HEAD + os.urandom(2 * 1024 * 1024 + 777)
    state = start(client, tender, content).get_json()
    send_all(client, state, content[: 1024 * 1024], 0)
    mid_upload = backup(db_session, store)  # the upload's key and its first part
    send_all(client, state, content, start_at=1024 * 1024)
    assert complete(client, state).status_code == 200
    save_draft_by_form(client, tender, first, None)
    as_draft = backup(db_session, store)
    assert mid_upload["uploads"] and db_session.scalar(select(BidUpload)).completed_at is not None

    assert confirm_bid(client, tender).status_code == 302
    db_session.expire_all()
    bid, submitted = submitted_envelopes(db_session, tender)
    assert bid.replaces_id is not None and len(submitted) == 3  # offer, application, the upload
    draft_rows = [row for row in as_draft["envelopes"] if row[1] is not None]  # not the first bid's
    saved = {"envelopes": draft_rows, "uploads": mid_upload["uploads"]}
    assert_backup_opens_nothing_submitted(db_session, saved, submitted, store, keys.kek)

    opened = open_and_read(login, tender, db_session, clock, store)
    assert opened["plans-detailles.pdf"] == content


def draft_with_two_documents(app, db_session, tender, firm, clock) -> Bid:
    lot = tender.lots[0]
    documents = [
        services.NewBidDocument(EnvelopeKind.APPLICATION, f"piece-{n}.pdf", io.BytesIO(PDF_HEAD + os.urandom(90_000)))
        for n in range(2)
    ]
    amounts = {lot.id: (100_000, 19_000)}
    data = services.BidInput(lot_ids=[lot.id], amounts=amounts, statement="Équipe de 4.", documents=documents)
    store, keys = app.extensions["safkat.files"], app.extensions["safkat.keys"]
    draft = services.save_draft(db_session, tender, firm, data, store, keys, 10**7, clock.now())
    db_session.commit()
    return draft


def submit_draft(app, db_session, tender, firm, draft, clock):
    store, keys = app.extensions["safkat.files"], app.extensions["safkat.keys"]
    fingerprint = services.draft_fingerprint(draft)
    return services.submit_draft(db_session, tender, firm, store, keys, 10**7, clock.now(), "key-1", fingerprint)


def draft_state(draft):
    return sorted((e.storage_key, e.draft_key, e.sealed_key) for e in draft.envelopes)


def test_a_failure_half_way_through_re_sealing_keeps_the_draft_and_stores_nothing(
    app, db_session, tender, firm, clock, monkeypatch
):
    store = app.extensions["safkat.files"]
    draft = draft_with_two_documents(app, db_session, tender, firm, clock)
    before, files = draft_state(draft), {key for key, _path in stored_files(store)}
    real, calls = crypto.reencrypt_envelope, []

    def disk_full_on_the_second_document(source, out, old_key, new_key):
        calls.append(1)
        if len(calls) == 2:
            out.write(b"half a ciphertext")
            raise OSError(28, "No space left on device")
        return real(source, out, old_key, new_key)

    monkeypatch.setattr(crypto, "reencrypt_envelope", disk_full_on_the_second_document)
    with pytest.raises(OSError):
        submit_draft(app, db_session, tender, firm, draft, clock)
    db_session.rollback()
    assert {key for key, _path in stored_files(store)} == files  # no copy left behind
    db_session.expire_all()
    assert draft.status == "draft" and draft_state(draft) == before
    assert len(calls) == 2

    monkeypatch.setattr(crypto, "reencrypt_envelope", real)  # the disk has room again: it seals
    bid, _receipt = submit_draft(app, db_session, tender, firm, draft, clock)
    db_session.commit()
    assert bid.status == "submitted"
    assert not {key for key, _sealed, _none in before} & {key for key, _path in stored_files(store)}


def test_a_tampered_draft_file_is_refused_with_a_clear_error(app, db_session, tender, firm, clock):
    store = app.extensions["safkat.files"]
    draft = draft_with_two_documents(app, db_session, tender, firm, clock)
    before, files = draft_state(draft), {key for key, _path in stored_files(store)}
    target = store.path_for(next(e for e in draft.envelopes if not e.is_offer_data).storage_key)
    altered = bytearray(target.read_bytes())
    altered[len(altered) // 2] ^= 0x01
    target.write_bytes(bytes(altered))

    with pytest.raises(DomainError, match="A file of your draft is damaged and cannot be sealed"):
        submit_draft(app, db_session, tender, firm, draft, clock)
    db_session.rollback()
    assert {key for key, _path in stored_files(store)} == files
    db_session.expire_all()
    assert draft.status == "draft" and draft_state(draft) == before


@pytest.mark.parametrize(
    "lang, sentence",
    [
        ("fr", "Un brouillon n'est pas scellé tant que vous ne l'avez pas déposé"),
        ("ar", "المسودة غير مختومة ما لم تودعوها"),
        ("en", "A draft is not sealed until you submit it"),
    ],
)
def test_the_form_says_a_draft_is_not_sealed_next_to_the_save_button(login, firm, tender, lang, sentence):
    page = login(firm).get(f"/tenders/{tender.url_reference}/bid?lang={lang}").get_data(as_text=True)
    assert f'<p class="help" id="draft-not-sealed">{sentence}' in page
    assert 'value="save" class="button secondary" aria-describedby="draft-not-sealed"' in page


def test_a_firm_whose_draft_file_was_damaged_is_told_and_can_replace_it(app, login, firm, tender, db_session):
    store, client = app.extensions["safkat.files"], login(firm)
    save_draft_by_form(client, tender, PDF_HEAD + os.urandom(5_000), PDF_HEAD + os.urandom(5_000))
    fields = review_fields(client, tender)
    draft = services.draft_bid(db_session, tender, firm.enterprise_id)
    damaged = next(e for e in draft.envelopes if e.kind == EnvelopeKind.TECHNICAL)
    target = store.path_for(damaged.storage_key)
    altered = bytearray(target.read_bytes())
    altered[-1] ^= 0x01
    target.write_bytes(bytes(altered))
    warning = "a damaged file that cannot be sealed: remove it and attach it again"

    form = client.get(f"/tenders/{tender.url_reference}/bid?lang=en")
    assert form.status_code == 200 and warning in form.get_data(as_text=True)
    refused = confirm_bid(client, tender, fields=fields)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and warning in page
    assert "A file of your draft is damaged and cannot be sealed: remove it and attach it again." in page
    assert db_session.scalar(select(Bid).where(Bid.status == "submitted")) is None

    data = bid_form(tender, application=False, technical=PDF_HEAD + os.urandom(5_000))
    data[f"remove_{damaged.id}"] = "1"
    response = client.post(f"/tenders/{tender.url_reference}/bid", data=data, content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith("/bid/review")
    assert confirm_bid(client, tender).status_code == 302
