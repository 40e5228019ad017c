"""The commission's journey in French and Arabic, in real browsers: an officer names the
commission, firms bid, the deadline passes, two members confirm from two sessions and the
bids open, the committee views a technical document from the evaluation screen, asks a firm
for a missing attestation, and the firm uploads it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from safkat.demo import DEMO_PASSWORD
from tests.browser.pages import choose_demo_backup

TEXTS = {
    "fr": {"opened": "Le quorum est atteint", "recorded": "Votre présence est enregistrée", "sent": "transmis"},
    "ar": {"opened": "اكتمل النصاب", "recorded": "سُجّل حضورك", "sent": "أُرسلت الوثيقة"},
}
CHAIR, MEMBER, THIRD = "officer.oran@safkat.dz", "officer2.oran@safkat.dz", "officer3.oran@safkat.dz"
SHOTS = "/tmp/safkat-commission-{lang}-{name}.png"


def log_in(browser, url, email, lang, width=1000):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/login?lang={lang}")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    return page


def a_draft_of_oran(live_server) -> int:
    from safkat.tenders.models import Tender

    with live_server.app.app_context():
        with live_server.app.extensions["safkat.db"].session() as session:
            return session.scalar(
                select(Tender.id)
                .join(Tender.authority)
                .where(Tender.status == "draft", Tender.authority.has(code="AT-ORN"))
                .order_by(Tender.id)
            )


def bid(browser, url, email, tender_reference, lang, tmp_path, tag):
    page = log_in(browser, url, email, lang)
    page.goto(f"{url}/tenders/{tender_reference}/bid?lang={lang}")
    lot = page.locator("input[type=checkbox][name^=lot_]").first
    lot_id = lot.get_attribute("name").split("_")[1]
    lot.check()
    page.fill(f"#excl_vat_{lot_id}", "2500000.00")
    page.fill(f"#vat_{lot_id}", "475000.00")
    page.fill("#statement", f"Méthode de {tag} : équipe de 5, 3 mois.")
    technical, application = tmp_path / f"plans-{tag}.pdf", tmp_path / f"rc-{tag}.pdf"
    technical.write_bytes(b"%PDF-1.7\nplans techniques " + tag.encode())
    application.write_bytes(b"%PDF-1.7\nregistre " + tag.encode())
    page.set_input_files("#technical_files", str(technical))
    page.set_input_files("#application_files", str(application))
    page.click("button[name=action][value=review]")  # the review page, then its confirmation seals
    page.wait_for_url(re.compile(r"/bid/review$"), timeout=60_000)
    page.click("form[action$='/bid/confirm'] button[type=submit]")
    page.wait_for_url(re.compile(r"/bids/\d+$"), timeout=60_000)
    bid_url = page.url
    page.context.close()
    return bid_url, technical.read_bytes()


def confirm(page, url, tender_id, lang, email):
    page.goto(f"{url}/officer/tenders/{tender_id}/opening?lang={lang}")
    page.check("#no_conflict")
    choose_demo_backup(page, email)  # the member's share of the tender's key, unsealed in the browser
    page.click("main form button[type=submit]")
    page.wait_for_selector(".flashes", timeout=60_000)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_commission_opens_reads_and_asks_for_a_missing_document(browser, live_server, tmp_path, lang):
    live_server.seed_demo()
    url, texts = live_server.url, TEXTS[lang]
    tender_id = a_draft_of_oran(live_server)

    # The chair names the commission on the draft (360 px wide, as on a phone), then publishes.
    chair = log_in(browser, url, CHAIR, lang, width=360)
    chair.goto(f"{url}/officer/tenders/{tender_id}/commission?lang={lang}")
    for box in chair.locator("input[name=members]").all():
        box.check()
    chair.select_option("#chair", label="Karima Benali")
    chair.fill("#quorum", "2")
    chair.screenshot(path=SHOTS.format(lang=lang, name="commission"), full_page=True)
    chair.click("main form button[type=submit]")
    chair.wait_for_url(re.compile(rf"/officer/tenders/{tender_id}$"))
    assert "Rachid Ouali" in chair.locator("#commission").inner_text()
    chair.click("a[href$='/publish']")  # the confirmation page
    chair.click("form[action$='/publish'] button")
    reference = chair.locator("p.meta a[dir=ltr]").inner_text().replace("/", "-")
    chair.context.close()

    # Two firms bid; the deadline passes.
    firm_bid, technical = bid(browser, url, "firm01@demo.safkat.dz", reference, lang, tmp_path, "a")
    bid(browser, url, "firm02@demo.safkat.dz", reference, lang, tmp_path, "b")
    live_server.travel(days=40)
    live_server.forget_rate_limits()

    # Two members, two sessions: the first is recorded, the second opens the bids.
    first = log_in(browser, url, MEMBER, lang, width=360)
    second = log_in(browser, url, CHAIR, lang)
    confirm(first, url, tender_id, lang, MEMBER)
    assert texts["recorded"] in first.content()
    first.screenshot(path=SHOTS.format(lang=lang, name="opening"), full_page=True)
    confirm(second, url, tender_id, lang, CHAIR)
    assert texts["opened"] in second.content()
    assert "Karima Benali" in second.content() and "Yacine Meziane" in second.content()  # the minutes

    # The committee reads a technical document from the evaluation screen.
    second.goto(f"{url}/officer/tenders/{tender_id}/evaluation?lang={lang}")
    second.locator("main table a[href*='/evaluation/lots/']").first.click()
    second.click("main form[action$='/start'] button")
    for details in second.locator("tr.row-files details").all():
        details.evaluate("element => element.open = true")
    link = second.locator("tr.row-files a[href*='/documents/']", has_text="plans-").first
    with second.context.expect_page() as popup:
        link.click()
    viewer = popup.value
    viewer.wait_for_load_state()
    document = second.context.request.get(url + link.get_attribute("href"))
    assert document.ok and document.body() in (technical, technical.replace(b"plans-a", b"plans-b"))
    assert document.headers["content-disposition"].startswith("inline")
    assert document.headers["content-security-policy"] == "default-src 'none'; sandbox"
    second.screenshot(path=SHOTS.format(lang=lang, name="evaluation"), full_page=True)

    # It asks firm A for its support attestation; the firm uploads it.
    files = second.locator("tr.row-files", has_text=re.compile("Fibre Ouest"))
    files.locator("select[name=document]").select_option("support_attestation")
    files.locator("textarea[name=note]").fill("L'attestation ANADE manque.")
    files.locator("button[type=submit]").click()
    firm = log_in(browser, url, "firm01@demo.safkat.dz", lang, width=360)
    firm.goto(f"{firm_bid}?lang={lang}")
    firm.locator("a[href*='/document-requests/']").click()
    attestation = tmp_path / "attestation.pdf"
    attestation.write_bytes(b"%PDF-1.7\nattestation ANADE")
    firm.set_input_files("#file", str(attestation))
    firm.click("main form button[type=submit]")
    assert texts["sent"] in firm.content() and "attestation.pdf" in firm.content()
    firm.screenshot(path=SHOTS.format(lang=lang, name="answer"), full_page=True)
    second.reload()
    assert "attestation.pdf" in second.content()  # the commission sees the answer
