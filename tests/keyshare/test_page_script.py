"""static/js/keyshare/page.js in Chromium, on forms as a page would have them: a member
makes a key in the browser, the backup downloads, only the public key is posted; at the
opening the member's share is unsealed from the backup and only the clear share is posted.
Errors show the form's own (translated) text and post nothing."""

from __future__ import annotations

import html
import json
import os
from urllib.parse import parse_qs

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from nacl.public import PrivateKey

from safkat.keyshare import backup, messages, tenderkey
from safkat.keyshare.sealing import public_bytes
from safkat.keyshare.tenderkey import MemberKey
from tests.keyshare.chromium import ORIGIN, Browser

PASSPHRASE = "une phrase de passe assez longue"
SCRIPT = '<script type="module" src="/static/js/keyshare/page.js"></script>'
MESSAGES = (
    'data-keyshare-message-short-passphrase="12 caractères au moins." '
    'data-keyshare-message-passphrase-mismatch="Les deux phrases diffèrent." '
    'data-keyshare-message-wrong-passphrase="Phrase de passe erronée ou sauvegarde modifiée." '
    'data-keyshare-message-share-does-not-open="Cette part ne s’ouvre pas avec votre clé." '
    'data-keyshare-message-default="Erreur."'
)
FORM_END = """<p data-keyshare-error role="alert" tabindex="-1" hidden></p>
<button type="submit">OK</button></form>"""
GENERATE = f"""<!doctype html><html lang="fr"><title>Clé</title>
<form method="post" action="/posted" data-keyshare="generate" {MESSAGES}>
<input type="hidden" name="csrf_token" value="jeton">
<input type="password" id="passphrase" data-keyshare-passphrase>
<input type="password" id="confirm" data-keyshare-confirm>
<textarea name="public_key" data-keyshare-result></textarea>
<a data-keyshare-download download="cle-safkat.json" hidden>Sauvegarde</a>
{FORM_END}{SCRIPT}"""


def _unseal_page(request: dict, kind: str = "unseal") -> str:
    attribute = html.escape(json.dumps(request))
    return f"""<!doctype html><html lang="fr"><title>Ouverture</title>
<form method="post" action="/posted" data-keyshare="{kind}" data-keyshare-request="{attribute}" {MESSAGES}>
<p data-keyshare-ok hidden>Votre part s'ouvre avec votre clé.</p>
<input type="hidden" name="csrf_token" value="jeton">
<input type="file" id="backup" data-keyshare-backup>
<input type="password" id="passphrase" data-keyshare-passphrase>
<textarea name="share" data-keyshare-result></textarea>
{FORM_END}{SCRIPT}"""


@pytest.fixture
def member_browser():
    browser = Browser({"/generate": GENERATE}, {})
    yield browser
    browser.close()


def _error_after_submit(page) -> str:
    page.click("button")
    error = page.locator("[data-keyshare-error]")
    error.wait_for(state="visible")
    return error.inner_text()


def test_a_member_makes_a_key_and_opens_with_it_posting_no_secret(member_browser):
    page = member_browser.page
    page.goto(f"{ORIGIN}/generate")
    page.fill("#passphrase", "court")
    page.fill("#confirm", "court")
    assert _error_after_submit(page) == "12 caractères au moins."
    page.fill("#passphrase", PASSPHRASE)
    page.fill("#confirm", PASSPHRASE + "!")
    assert _error_after_submit(page) == "Les deux phrases diffèrent."
    assert member_browser.posted == []

    page.fill("#confirm", PASSPHRASE)
    with page.expect_download() as download:
        page.click("button")
    page.wait_for_url(f"{ORIGIN}/posted")
    saved = open(download.value.path()).read()
    assert download.value.suggested_filename == "cle-safkat.json"
    [(_, body)] = member_browser.posted
    posted = parse_qs(body)
    assert set(posted) == {"csrf_token", "public_key"}
    public_key = messages.unb64(posted["public_key"][0])
    assert public_key == backup.backup_public_key(saved)
    backup.read_backup(saved, PASSPHRASE)  # the download is a backup Python reads

    # The tender is protected for this member (and two others); the opening comes.
    others = [MemberKey(2, os.urandom(32)), MemberKey(3, os.urandom(32))]
    protection = tenderkey.protect(
        os.urandom(32), 5, bytes(PrivateKey.generate()), [MemberKey(1, public_key), *others], 2
    )
    record = protection.shares[0]
    member_browser.pages["/unseal"] = _unseal_page(messages.share_request(5, 1, record))
    member_browser.posted.clear()
    page.goto(f"{ORIGIN}/unseal")
    page.set_input_files(
        "#backup", files=[{"name": "cle.json", "mimeType": "application/json", "buffer": saved.encode()}]
    )
    page.fill("#passphrase", "pas la bonne phrase")
    assert _error_after_submit(page) == "Phrase de passe erronée ou sauvegarde modifiée."
    assert member_browser.posted == []

    page.fill("#passphrase", PASSPHRASE)
    page.click("button")
    page.wait_for_url(f"{ORIGIN}/posted")
    [(_, body)] = member_browser.posted
    posted = parse_qs(body)
    assert set(posted) == {"csrf_token", "share"}
    for secret in (PASSPHRASE, json.loads(saved)["ciphertext"], json.loads(saved)["kdf"]["salt"]):
        assert secret not in body and secret not in posted["share"][0]
    tender_id, epoch, member_id, share = messages.parse_clear_share(posted["share"][0])
    tenderkey.verify_share(tender_id, epoch, member_id, share, record)


def test_a_member_checks_their_share_before_the_deadline_sending_nothing(member_browser):
    key = X25519PrivateKey.generate()
    saved = backup.make_backup(key, PASSPHRASE)
    impostor = X25519PrivateKey.generate()  # a key the server put in the member's place
    members = [MemberKey(1, public_bytes(key)), MemberKey(2, public_bytes(impostor))]
    records = tenderkey.protect(os.urandom(32), 5, bytes(PrivateKey.generate()), members, 2).shares
    page = member_browser.page
    for record, outcome in ((records[0], "ok"), (records[1], "error")):
        member_browser.pages["/check"] = _unseal_page(messages.share_request(5, 1, record), kind="check")
        page.goto(f"{ORIGIN}/check")
        files = [{"name": "cle.json", "mimeType": "application/json", "buffer": saved.encode()}]
        page.set_input_files("#backup", files=files)
        page.fill("#passphrase", PASSPHRASE)
        page.click("button")
        page.locator(f"[data-keyshare-{outcome}]").wait_for(state="visible")
    assert page.locator("[data-keyshare-error]").inner_text() == "Cette part ne s’ouvre pas avec votre clé."
    assert member_browser.posted == []
    assert page.url == f"{ORIGIN}/check"


def test_a_share_pasted_from_the_command_line_tool_is_sent_as_is(member_browser):
    """With JavaScript on, a member who used `python -m safkat.keyshare.member unseal` pastes
    its output and chooses no backup: the page sends what was pasted; with nothing pasted
    and no backup, it says so and sends nothing."""
    key = X25519PrivateKey.generate()
    members = [MemberKey(1, public_bytes(key)), MemberKey(2, os.urandom(32))]
    [record, _other] = tenderkey.protect(os.urandom(32), 5, bytes(PrivateKey.generate()), members, 2).shares
    request = messages.share_request(5, 1, record)
    member_browser.pages["/unseal"] = _unseal_page(request)
    page = member_browser.page
    page.goto(f"{ORIGIN}/unseal")
    assert _error_after_submit(page) == "Erreur."  # no backup, nothing pasted
    assert member_browser.posted == []
    pasted = json.dumps(messages.clear_share(key, request), indent=2)
    page.fill("textarea[name=share]", pasted)
    page.click("button")
    page.wait_for_url(f"{ORIGIN}/posted")
    [(_, body)] = member_browser.posted
    tender_id, epoch, member_id, share = messages.parse_clear_share(parse_qs(body)["share"][0])
    tenderkey.verify_share(tender_id, epoch, member_id, share, record)
