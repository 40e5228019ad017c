"""A key redistribution in real browsers, French and Arabic, 360 px wide: two old members
re-share their parts from their own sessions, then the three members of the new commission
combine theirs. What the browsers send holds no private key, backup or passphrase."""

from __future__ import annotations

import re
import shutil

import pytest

from safkat.keyshare import backup
from tests import factories

PASSPHRASE = "une phrase de passe assez longue"
SHOTS = "/tmp/safkat-redistribution-{lang}-{name}.png"
TEXTS = {
    "fr": {"reshared": "Votre part est redistribuée", "kept": "Votre nouvelle part", "complete": "Terminée"},
    "ar": {"reshared": "أُعيد توزيع جزئك", "kept": "حُفظ جزؤك الجديد", "complete": "اكتملت"},
}


def _set_up(live_server, tmp_path):
    """Karim, Nadia and Omar hold the tender's key; Omar leaves, Yacine joins: the round starts."""
    from safkat.commission import rekeying
    from safkat.commission.models import Commission, CommissionMember
    from tests.commission import rekeying_helpers as h

    app = live_server.app
    with app.app_context(), app.extensions["safkat.db"].session() as session, session.begin():
        clock = app.extensions["safkat.clock"]
        make = factories.Factory(
            session,
            app.extensions["safkat.hasher"],
            clock,
            app.extensions["safkat.files"],
            app.extensions["safkat.keys"].kek,
        )
        authority = make.authority()
        names = ("Karim Benali", "Nadia Saïdi", "Omar Haddad", "Yacine Meziane")
        people = [make.officer(authority=authority, full_name=name) for name in names]
        keys = {}
        for user in people:
            keys[user.email] = h.give_key(session, user, clock.now())
            (tmp_path / f"{user.email}.json").write_text(backup.make_backup(keys[user.email], PASSPHRASE))
        tender = factories.tender_factory(make)(
            state="open", authority=authority, created_by=people[0], commission=people[:3]
        )
        key = h.protect(session, tender, make.kek, clock.now())
        commission = session.get(Commission, tender.id)
        commission.members = [m for m in commission.members if m.user_id != people[2].id]
        commission.members.append(CommissionMember(user_id=people[3].id))
        session.flush()
        rekeying.start_round(session, tender, key, commission, people[0], clock.now())
        return tender.id, [user.email for user in people], keys


def _log_in(browser, url, email, lang, bypass_csp=False):
    """A member's own session, 360 px wide; under the site's CSP unless axe-core is to be injected."""
    page = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=bypass_csp).new_page()
    page.goto(f"{url}/login?lang={lang}")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    sent = []
    page.on("request", lambda request: sent.append(request.post_data or "") if request.method == "POST" else None)
    page.sent = sent
    return page


def _answer(page, url, tender_id, lang, backup_file, expected, shot=None):
    page.goto(f"{url}/officer/tenders/{tender_id}/key-redistribution?lang={lang}")
    page.set_input_files("[data-keyshare-backup]", str(backup_file))
    page.fill("[data-keyshare-passphrase]", PASSPHRASE)
    if shot:
        page.screenshot(path=SHOTS.format(lang=lang, name=shot), full_page=True)
    page.click("form[data-keyshare] button[type=submit]")
    page.wait_for_selector(".flash-success, [data-keyshare-error]:not([hidden])", timeout=60_000)
    assert expected in page.locator(".flashes").inner_text()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_old_members_reshare_and_new_members_combine_from_their_browsers(browser, live_server, tmp_path, lang):
    tender_id, (karim, nadia, omar, yacine), keys = _set_up(live_server, tmp_path)
    url, texts = live_server.url, TEXTS[lang]
    pages = {email: _log_in(browser, url, email, lang) for email in (karim, nadia, yacine)}
    _answer(pages[karim], url, tender_id, lang, tmp_path / f"{karim}.json", texts["reshared"], shot="reshare")
    _answer(pages[nadia], url, tender_id, lang, tmp_path / f"{nadia}.json", texts["reshared"])
    for email in (karim, nadia, yacine):
        _answer(
            pages[email],
            url,
            tender_id,
            lang,
            tmp_path / f"{email}.json",
            texts["kept"],
            shot="combine" if email == yacine else None,
        )
    assert texts["complete"] in pages[yacine].content()
    pages[yacine].screenshot(path=SHOTS.format(lang=lang, name="complete"), full_page=True)

    for email, page in pages.items():
        body = "".join(page.sent)
        backup_text = (tmp_path / f"{email}.json").read_text()
        assert PASSPHRASE.split()[1] not in body and "ciphertext" not in body and backup_text[:40] not in body
        assert keys[email].private_bytes_raw().hex() not in body
    _the_new_commission_opens(live_server, tender_id, keys, (karim, nadia, yacine), (karim, yacine))


def _the_new_commission_opens(live_server, tender_id, keys, new_commission, emails):
    """After the deadline, two of the new commission (here Karim and Yacine) and the
    platform part recover the tender's private key."""
    from sqlalchemy import select

    from safkat.accounts.models import User
    from safkat.bids.models import TenderKey
    from safkat.commission.rekeying import current_shares
    from safkat.tenders.models import Tender
    from tests.commission import rekeying_helpers as h

    app = live_server.app
    with app.app_context(), app.extensions["safkat.db"].session() as session:
        tender = session.get(Tender, tender_id)
        assert {row.user.email for row in current_shares(session, tender)} == set(new_commission)
        users = [session.scalar(select(User).where(User.email == email)) for email in emails]
        shares = [h.share_of(session, tender, user, keys[user.email]) for user in users]
        raw = h.recover(session, tender, app.extensions["safkat.keys"].kek, shares)
        assert h.opens_tender_key(session, tender, raw)
        assert session.get(TenderKey, tender_id).epoch == 2


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_redistribution_pages_are_accessible_and_valid_html(browser, live_server, tmp_path, lang):
    """The sender's page (with its form), a waiting member's and the commission page with
    the progress block: axe-core's WCAG 2.1 AA rules and the Nu HTML Checker."""
    from tests.browser.test_accessibility import AXE, WCAG_AA
    from tests.browser.test_html_validity import VNU, check_html

    if not AXE.exists() or not VNU.exists() or shutil.which("java") is None:
        pytest.skip("axe-core, vnu-jar (npm install) or java is missing")
    tender_id, (karim, _nadia, _omar, yacine), _keys = _set_up(live_server, tmp_path)
    paths = [f"/officer/tenders/{tender_id}/key-redistribution", f"/officer/tenders/{tender_id}/commission"]
    saved = []
    for email in (karim, yacine):
        page = _log_in(browser, live_server.url, email, lang, bypass_csp=True)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}?lang={lang}")
            saved.append(tmp_path / f"page-{len(saved)}.html")
            saved[-1].write_bytes(response.body())
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
            assert result["violations"] == [], (email, path, [v["id"] for v in result["violations"]])
    errors = [m for m in check_html(saved) if m["type"] != "info"]
    assert errors == [], [(m.get("url", "")[-12:], m.get("lastLine"), m["message"]) for m in errors]
