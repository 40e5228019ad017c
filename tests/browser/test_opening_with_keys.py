"""Two demo members open the demo's "ready to open" tender from two browser sessions, in
French and Arabic on a phone, each handing in their share unsealed in their own browser
from their demo backup (issue 14). A wrong passphrase is named in the page's language and
sends nothing; no request holds a passphrase, a backup or a private key."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qs, quote_plus

import pytest
from sqlalchemy import select

from safkat.bids.models import Opening
from safkat.demo import DEMO_KEY_PASSPHRASE, DEMO_KEYS, DEMO_PASSWORD, demo_private_key
from safkat.tenders.models import Tender
from tests.browser.pages import translator

MEMBERS = ["officer.oran@safkat.dz", "officer2.oran@safkat.dz"]
SHOTS = "/tmp/safkat-opening-keys-{lang}-{name}.png"


def ready_tender_of_oran(live_server) -> int:
    app = live_server.app
    now = app.extensions["safkat.clock"].now()
    with app.app_context(), app.extensions["safkat.db"].session() as session:
        return session.scalar(
            select(Tender.id)
            .where(
                Tender.status == "published",
                Tender.submission_deadline_at < now,
                Tender.authority.has(code="AT-ORN"),
            )
            .order_by(Tender.id)
        )


def member_window(browser, live_server, email: str, lang: str):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    sent: list[tuple[str, str, str]] = []  # method, URL, body of every request
    page.on("request", lambda request: sent.append((request.method, request.url, request.post_data or "")))
    page.goto(f"{live_server.url}/login?lang={lang}")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    return page, sent


def hand_in(page, email: str, passphrase: str) -> None:
    page.check("#no_conflict")
    page.set_input_files("#keyshare-backup", str(DEMO_KEYS / f"{email}.json"))
    page.fill("#keyshare-passphrase", passphrase)
    page.click("form[data-keyshare=unseal] button[type=submit]")


def secrets_of(email: str) -> list[str]:
    raw = demo_private_key(email).private_bytes_raw()
    document = json.loads((DEMO_KEYS / f"{email}.json").read_text())
    return [
        DEMO_KEY_PASSPHRASE,
        base64.b64encode(raw).decode(),
        raw.hex(),
        document["ciphertext"],
        document["kdf"]["salt"],
    ]


def leaked(sent: list[tuple[str, str, str]], secrets: list[str]) -> list[str]:
    texts = [f"{url} {body}" for _method, url, body in sent]
    return [s for s in secrets if any(s in text or quote_plus(s) in text for text in texts)]


def posts(sent: list[tuple[str, str, str]]) -> list[str]:
    return [body for method, _url, body in sent if method == "POST"]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_two_members_open_with_their_backups_and_send_no_secret(browser, live_server, lang):
    live_server.seed_demo()
    t = translator(lang)
    tender_id = ready_tender_of_oran(live_server)
    opening = f"{live_server.url}/officer/tenders/{tender_id}/opening?lang={lang}"
    windows = [member_window(browser, live_server, email, lang) for email in MEMBERS]

    first, first_sent = windows[0]
    first.goto(opening)
    first.screenshot(path=SHOTS.format(lang=lang, name="share-form"), full_page=True)
    hand_in(first, MEMBERS[0], "pas la phrase de passe de la démo")
    error = first.locator("form[data-keyshare=unseal] [data-keyshare-error]")
    error.wait_for(state="visible", timeout=60_000)
    assert error.inner_text() == t("Wrong passphrase, or the backup file was altered.")
    assert len(posts(first_sent)) == 1  # the login only: nothing was sent

    hand_in(first, MEMBERS[0], DEMO_KEY_PASSPHRASE)
    first.wait_for_selector(".flash-success", timeout=60_000)
    assert t("Your presence is recorded. The bids open when the quorum is present.") in first.inner_text(".flashes")

    second, second_sent = windows[1]
    second.goto(opening)
    hand_in(second, MEMBERS[1], DEMO_KEY_PASSPHRASE)
    second.wait_for_selector(".flash-success", timeout=60_000)
    assert t("The quorum is present: the bids are open.") in second.inner_text(".flashes")
    second.screenshot(path=SHOTS.format(lang=lang, name="opened"), full_page=True)

    app = live_server.app
    with app.app_context(), app.extensions["safkat.db"].session() as session:
        assert session.get(Opening, tender_id) is not None
    for _page, sent in windows:
        handed_in = [parse_qs(body)["share"][0] for body in posts(sent) if "share=" in body]
        assert len(handed_in) == 1 and json.loads(handed_in[0])["tender"] == tender_id  # one clear share
        assert leaked(sent, secrets_of(MEMBERS[0]) + secrets_of(MEMBERS[1])) == []
    for page, _sent in windows:
        page.context.close()
