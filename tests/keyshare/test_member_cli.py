"""The member's command-line tool, end to end with the server-side message functions:
keys made on the member's side, shares unsealed and re-shared there, the server opening."""

from __future__ import annotations

import json
import os

import pytest
from nacl.public import PrivateKey

from safkat.bids.crypto import public_key_fingerprint
from safkat.keyshare import messages, tenderkey
from safkat.keyshare.errors import KeyShareError
from safkat.keyshare.member import PASSPHRASE_VARIABLE, main
from safkat.keyshare.tenderkey import MemberKey, Recipient

KEK = os.urandom(32)
PASSPHRASE = "a passphrase long enough"


@pytest.fixture
def tool(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSPHRASE)

    def run(*args, stdin: dict | None = None):
        if stdin is not None:
            (tmp_path / "request.json").write_text(json.dumps(stdin))
            args = (*args, str(tmp_path / "request.json"))
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    run.path = tmp_path
    return run


def _key_file(tool, name):
    path = tool.path / f"{name}.json"
    assert tool("generate", path)[0] == 0
    code, out, _ = tool("public-key", path)
    assert code == 0
    return path, messages.unb64(out.strip())


def test_members_open_and_redistribute_with_the_tool(tool):
    files, members = {}, []
    for member in (1, 2, 3):
        files[member], public_key = _key_file(tool, f"member{member}")
        members.append(MemberKey(member, public_key))
    assert oct(os.stat(files[1]).st_mode & 0o777) == "0o600"
    tender_key = PrivateKey.generate()
    protection = tenderkey.protect(KEK, 9, bytes(tender_key), members, 2)
    records = {r.member_id: r for r in protection.shares}
    part = tenderkey.release_platform_part(KEK, 9, protection.wrapped_platform_part)

    def open_with(epoch, records, files, who):
        shares = []
        for member in who:
            code, out, _ = tool("unseal", files[member], stdin=messages.share_request(9, epoch, records[member]))
            assert code == 0
            tender_id, got_epoch, member_id, share = messages.parse_clear_share(out)
            assert (tender_id, got_epoch, member_id) == (9, epoch, member)
            tenderkey.verify_share(9, epoch, member, share, records[member])
            shares.append(share)
        p = protection
        return tenderkey.recover_private_key(9, 2, p.check_value, p.wrapped_private_key, part, shares)

    assert open_with(1, records, files, [1, 3]) == bytes(tender_key)

    # Members 1 and 2 hand over to a new commission: 3 stays, 4 joins.
    new_files = {3: files[3]}
    new_files[4], key4 = _key_file(tool, "member4")
    recipients = [Recipient(3, 1, members[2].public_key), Recipient(4, 2, key4)]
    replies = []
    for member in (1, 2):
        request = messages.reshare_request(9, 1, records[member], 2, [1, 2], 2, recipients)
        code, out, _ = tool("reshare", files[member], stdin=request)
        assert code == 0
        replies.append(messages.parse_reshare_reply(out, 9, 2, [3, 4]))
    with pytest.raises(KeyShareError):  # a reply for another redistribution, or missing a member
        messages.parse_reshare_reply(out, 9, 3, [3, 4])
    with pytest.raises(KeyShareError):
        messages.parse_reshare_reply(out, 9, 2, [3, 4, 5])
    new_records = {}
    for recipient in recipients:
        request = messages.combine_request(9, 2, recipient.member_id, recipient.index, replies)
        code, out, _ = tool("combine", new_files[recipient.member_id], stdin=request)
        assert code == 0
        assert messages.parse_combine_reply(out)[:2] == (9, 2)
        new_records[recipient.member_id] = messages.parse_combine_reply(out)[2]
    assert open_with(2, new_records, new_files, [3, 4]) == bytes(tender_key)


def test_a_wrong_passphrase_says_so_and_prints_nothing(tool, monkeypatch):
    path, public_key = _key_file(tool, "member")
    record = tenderkey.protect(KEK, 9, os.urandom(32), [MemberKey(5, public_key)], 1).shares[0]
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "not the passphrase at all")
    code, out, err = tool("unseal", path, stdin=messages.share_request(9, 1, record))
    assert (code, out) == (1, "")
    assert "Wrong passphrase" in err


def test_generate_never_overwrites_a_key(tool):
    path, _ = _key_file(tool, "member")
    before = path.read_text()
    code, _, err = tool("generate", path)
    assert code == 1 and "already exists" in err
    assert path.read_text() == before


@pytest.mark.parametrize(
    "bad", ["[]", '{"tender": 9}', '{"tender": 9, "epoch": 1, "member": 1, "index": 1, "value": "zz"}']
)
def test_a_malformed_clear_share_is_refused(bad):
    with pytest.raises(KeyShareError, match="not one Safkat understands"):
        messages.parse_clear_share(bad)


def test_check_opens_a_backup_and_prints_the_fingerprint_the_platform_shows(tool, monkeypatch):
    path, public_key = _key_file(tool, "member")
    code, out, _ = tool("check", path)
    assert code == 0
    assert public_key_fingerprint(public_key) in out
    monkeypatch.setenv(PASSPHRASE_VARIABLE, "not the passphrase at all")
    code, out, err = tool("check", path)
    assert (code, out) == (1, "")
    assert "Wrong passphrase" in err
