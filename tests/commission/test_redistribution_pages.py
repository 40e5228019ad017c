"""The members' pages of a key redistribution, without JavaScript: each member pastes what
the command-line tool (``python -m safkat.keyshare.member``) printed for the page's request."""

from __future__ import annotations

import html
import re

import pytest

from safkat.bids.models import TenderKey
from safkat.commission import rekeying
from safkat.commission.reshare_models import RoundStatus
from safkat.keyshare import backup
from safkat.keyshare.member import PASSPHRASE_VARIABLE, main
from tests.bids.helpers import post_bid
from tests.commission import rekeying_helpers as h

PASSPHRASE = "une phrase de passe assez longue"


@pytest.fixture
def kek(app):
    return app.extensions["safkat.keys"].kek


@pytest.fixture
def round_started(cast, db_session, kek, clock, login, tmp_path):
    """Omar leaves and Yacine (the outsider) joins after a bid was sealed; everyone's key
    is in a backup file on their own computer."""
    people = [*cast.members, cast.outsider]
    cast.keys = {user.id: h.give_key(db_session, user, clock.now()) for user in people}
    cast.backups = {}
    for user in people:
        cast.backups[user.id] = tmp_path / f"key-{user.id}.json"
        cast.backups[user.id].write_text(backup.make_backup(cast.keys[user.id], PASSPHRASE))
    h.protect(db_session, cast.tender, kek, clock.now())
    assert post_bid(login(cast.firm), cast.tender).status_code == 302
    karim, nadia, _omar = cast.members
    h.rename(db_session, cast.tender, karim, [karim, nadia, cast.outsider], 2, kek, clock.now())
    return cast


def _page(client, tender, lang="en"):
    response = client.get(f"/officer/tenders/{tender.id}/key-redistribution?lang={lang}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _tool_answer(page: str, kind: str, backup_file, tmp_path, monkeypatch, capsys) -> str:
    """What the member does on their computer: save the request, run the tool, copy its output."""
    request = re.search(r'<pre dir="ltr" class="keyshare-text">(\{.*?)</pre>', page, re.S).group(1)
    request_file = tmp_path / "request.json"
    request_file.write_text(html.unescape(request))
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSPHRASE)
    capsys.readouterr()
    assert main([kind, str(backup_file), str(request_file)]) == 0
    return capsys.readouterr().out


def test_a_redistribution_done_from_each_members_page_with_the_tool(
    round_started, login, db_session, tmp_path, monkeypatch, capsys
):
    cast = round_started
    karim, nadia, omar = cast.members
    yacine = cast.outsider
    assert 'data-keyshare="reshare"' in _page(login(karim), cast.tender)
    assert "data-keyshare" not in _page(login(yacine), cast.tender)  # nothing to do before the old members
    for sender in (karim, nadia):
        client = login(sender)
        answer = _tool_answer(
            _page(client, cast.tender), "reshare", cast.backups[sender.id], tmp_path, monkeypatch, capsys
        )
        response = client.post(
            f"/officer/tenders/{cast.tender.id}/key-redistribution/reshare?lang=en", data={"reply": answer}
        )
        assert response.status_code == 302
        assert "re-shared" in _page(client, cast.tender)
    status = login(karim).get(f"/officer/tenders/{cast.tender.id}/commission?lang=en").get_data(as_text=True)
    assert "Waiting for the new members to combine their parts" in status
    for member in (karim, nadia, yacine):
        client = login(member)
        page = _page(client, cast.tender)
        assert 'data-keyshare="combine"' in page
        answer = _tool_answer(page, "combine", cast.backups[member.id], tmp_path, monkeypatch, capsys)
        response = client.post(
            f"/officer/tenders/{cast.tender.id}/key-redistribution/combine?lang=en", data={"reply": answer}
        )
        assert response.status_code == 302
    db_session.expire_all()
    round_ = rekeying.latest_round(db_session, cast.tender.id)
    assert round_.status == RoundStatus.COMPLETE
    assert db_session.get(TenderKey, cast.tender.id).epoch == round_.new_epoch
    assert "Complete: the new commission holds the tender" in _page(login(yacine), cast.tender)


def test_a_bad_paste_gets_a_translated_error_and_changes_nothing(round_started, login, db_session):
    cast = round_started
    client = login(cast.chair)
    response = client.post(
        f"/officer/tenders/{cast.tender.id}/key-redistribution/reshare?lang=fr", data={"reply": '{"tender": 1}'}
    )
    assert response.status_code == 303
    page = _page(client, cast.tender, "fr")
    assert "Ce message n’est pas" in page or "Ce message n'est pas" in page
    response = client.post(f"/officer/tenders/{cast.tender.id}/key-redistribution/reshare?lang=ar", data={"reply": ""})
    assert response.status_code == 303
    db_session.expire_all()
    round_ = rekeying.pending_round(db_session, cast.tender.id)
    assert all(p.answered_at is None and p.reply is None for p in round_.participants)


def test_only_the_chosen_members_may_answer(round_started, login, make):
    cast = round_started
    _karim, _nadia, omar = cast.members
    url = f"/officer/tenders/{cast.tender.id}/key-redistribution"
    assert login(omar).post(f"{url}/reshare", data={"reply": "{}"}).status_code == 403  # removed, not a sender
    assert login(cast.outsider).post(f"{url}/reshare", data={"reply": "{}"}).status_code == 403  # a recipient only
    assert login(cast.other_authority).get(url).status_code == 403
    assert login(cast.firm).get(url).status_code == 403
    assert login(cast.chair).post(f"{url}/reshare", data={"reply": "{}"}, csrf=False).status_code == 400


def test_after_the_deadline_the_page_asks_nothing_and_says_why(round_started, login, clock):
    cast = round_started
    clock.set(cast.tender.submission_deadline_at)
    page = _page(login(cast.chair), cast.tender)
    assert "data-keyshare" not in page and "The deadline passed before the end" in page


def test_the_pages_speak_french_and_arabic(round_started, login):
    cast = round_started
    assert "Redistribuer votre part" in _page(login(cast.chair), cast.tender, "fr")
    assert "أعد توزيع جزئك" in _page(login(cast.chair), cast.tender, "ar")
