"""The browser code (static/js/keyshare/) against the Python code, both ways: the same
field, the same sealed shares, the same backup format, the same redistribution.

Run in node (its WebCrypto has X25519 from version 20) and in Chromium through
Playwright, with the site's Content-Security-Policy; a missing runtime skips with why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from nacl.public import PrivateKey

from safkat.bids.crypto import public_key_fingerprint
from safkat.keyshare import backup, messages, shamir, tenderkey
from safkat.keyshare.sealing import public_bytes
from safkat.keyshare.tenderkey import MemberKey, Recipient
from tests.keyshare.chromium import ORIGIN, Browser

DRIVER = Path(__file__).with_name("js") / "node-driver.mjs"
PASSPHRASE = "مفتاح اللجنة الطويل 2026"
KEK = os.urandom(32)


def _node_runner():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the node half of the JavaScript tests is skipped")

    def run(ops):
        done = subprocess.run(
            [node, "--experimental-default-type=module", str(DRIVER)],
            input=json.dumps(ops),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if "X25519" in done.stderr and done.returncode:
            pytest.skip(f"this node's WebCrypto has no X25519: {done.stderr.strip().splitlines()[-1]}")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


class _ChromiumRunner(Browser):
    def __init__(self):
        super().__init__({"/": "<!doctype html><title>keys</title>"}, {"/ops.mjs": DRIVER.with_name("ops.mjs")})
        self.page.goto(f"{ORIGIN}/")

    def __call__(self, ops):
        script = "async (ops) => (await import('/ops.mjs')).run('/static/js/keyshare', ops)"
        return self.page.evaluate(script, ops)


@pytest.fixture(scope="module", params=["node", "chromium"])
def js(request):
    if request.param == "node":
        yield _node_runner()
        return
    runner = _ChromiumRunner()
    yield runner
    runner.close()


def test_the_field_arithmetic_agrees(js):
    secret = shamir.random_element()
    js_shares, js_secret = js(
        [
            {"op": "split", "secret": f"{secret:x}", "threshold": 3, "indices": [2, 5, 7, 9]},
            {
                "op": "combine_values",
                "shares": [{"index": s.index, "value": f"{s.value:x}"} for s in shamir.split(secret, 3, [1, 4, 6])],
            },
        ]
    )
    assert shamir.combine([shamir.Share(s["index"], int(s["value"], 16)) for s in js_shares[1:]]) == secret
    assert int(js_secret, 16) == secret


@pytest.fixture(scope="module")
def js_members(js):
    """Three members whose keys were made in the JavaScript runtime."""
    results = js([{"op": "generate", "passphrase": PASSPHRASE} for _ in range(3)])
    assert not any(result["extractable"] for result in results)  # the private key stays a non-extractable CryptoKey
    return {member: result["backup"] for member, result in zip((11, 12, 13), results, strict=True)}


def test_python_reads_a_javascript_backup_and_refuses_a_wrong_passphrase(js_members):
    text = js_members[11]
    key = backup.read_backup(text, PASSPHRASE)
    assert public_bytes(key) == backup.backup_public_key(text)
    with pytest.raises(backup.BackupError, match="Wrong passphrase"):
        backup.read_backup(text, PASSPHRASE + " ")


def test_javascript_reads_a_python_backup_and_refuses_bad_ones(js):
    key = X25519PrivateKey.generate()
    text = backup.make_backup(key, PASSPHRASE)
    altered = json.loads(text)
    altered["ciphertext"] = messages.b64(os.urandom(48))
    weak = json.loads(text)
    weak["kdf"]["iterations"] = 1000
    good, wrong, corrupt, weakened, other = js(
        [
            {"op": "read_backup", "backup": text, "passphrase": PASSPHRASE},
            {"op": "read_backup", "backup": text, "passphrase": "not the passphrase"},
            {"op": "read_backup", "backup": json.dumps(altered), "passphrase": PASSPHRASE},
            {"op": "read_backup", "backup": json.dumps(weak), "passphrase": PASSPHRASE},
            {"op": "read_backup", "backup": "a letter, not a key", "passphrase": PASSPHRASE},
        ]
    )
    fingerprint = public_key_fingerprint(public_bytes(key))
    assert good == {"public_key": messages.b64(public_bytes(key)), "extractable": False, "fingerprint": fingerprint}
    assert [wrong, corrupt, weakened, other] == [
        {"error": "wrong-passphrase"},
        {"error": "wrong-passphrase"},
        {"error": "weak-backup"},
        {"error": "not-a-backup"},
    ]


def _protect(js_members, tender_id=21):
    members = [MemberKey(m, backup.backup_public_key(text)) for m, text in js_members.items()]
    tender_key = PrivateKey.generate()
    protection = tenderkey.protect(KEK, tender_id, bytes(tender_key), members, 2)
    return tender_key, protection, {r.member_id: r for r in protection.shares}


def _recover(protection, tender_id, epoch, records, clear_shares):
    shares = []
    for text in clear_shares:
        got_tender, got_epoch, member, share = messages.parse_clear_share(text)
        assert (got_tender, got_epoch) == (tender_id, epoch)
        tenderkey.verify_share(tender_id, epoch, member, share, records[member])
        shares.append(share)
    part = tenderkey.release_platform_part(KEK, tender_id, protection.wrapped_platform_part)
    return tenderkey.recover_private_key(
        tender_id, 2, protection.check_value, protection.wrapped_private_key, part, shares
    )


def test_python_seals_javascript_unseals_and_the_server_opens(js, js_members):
    tender_key, protection, records = _protect(js_members)
    ops = [
        {
            "op": "clear_share",
            "backup": js_members[m],
            "passphrase": PASSPHRASE,
            "request": messages.share_request(21, 1, records[m]),
        }
        for m in (11, 13)
    ]
    wrong_member = {**ops[0], "request": messages.share_request(21, 1, records[12])}  # 12's share, 11's key
    *clear, refused = js([*ops, wrong_member])
    assert refused == {"error": "share-does-not-open"}
    assert _recover(protection, 21, 1, records, clear) == bytes(tender_key)


def test_javascript_redistributes_and_python_combines(js, js_members):
    tender_key, protection, records = _protect(js_members)
    # 11 and 12 re-share in JavaScript; 13 stays (combines in JavaScript), 14 joins with a Python key.
    key14 = X25519PrivateKey.generate()
    recipients = [Recipient(13, 1, backup.backup_public_key(js_members[13])), Recipient(14, 2, public_bytes(key14))]
    replies = js(
        [
            {
                "op": "reshare",
                "backup": js_members[m],
                "passphrase": PASSPHRASE,
                "request": messages.reshare_request(21, 1, records[m], 2, [1, 2], 2, recipients),
            }
            for m in (11, 12)
        ]
    )
    [reply13] = js(
        [
            {
                "op": "combine",
                "backup": js_members[13],
                "passphrase": PASSPHRASE,
                "request": messages.combine_request(21, 2, 13, 1, replies),
            }
        ]
    )
    reply14 = messages.combine_reply(key14, messages.combine_request(21, 2, 14, 2, replies))
    new_records = {m: messages.parse_combine_reply(reply)[2] for m, reply in ((13, reply13), (14, reply14))}
    [clear13] = js(
        [
            {
                "op": "clear_share",
                "backup": js_members[13],
                "passphrase": PASSPHRASE,
                "request": messages.share_request(21, 2, new_records[13]),
            }
        ]
    )
    clear14 = messages.clear_share(key14, messages.share_request(21, 2, new_records[14]))
    assert _recover(protection, 21, 2, new_records, [clear13, clear14]) == bytes(tender_key)
    # The commitment the JavaScript computed is the one Python computes for that share.
    share13 = messages.parse_clear_share(clear13)[3]
    assert new_records[13].commitment == tenderkey.share_commitment(21, 2, 13, share13)
