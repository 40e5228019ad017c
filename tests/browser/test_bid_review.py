"""A firm types its amount as it writes it, sees it read back in figures and in words as it
types, then on the review page; the bid is sealed only when it confirms that page.

The site's Content-Security-Policy is enforced (``Person``): the preview script must work
under it. The review page is looked at on a 360 px phone in French and in Arabic.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from sqlalchemy import func, select

from safkat.bids.models import Bid, Receipt
from tests.browser.pages import Person, path_of
from tests.browser.test_accessibility import AXE, WCAG_AA
from tests.browser.test_html_validity import VNU, check_html

FIRM = "firm01@demo.safkat.dz"
NNBSP = "\u202f"  # Babel's French thousands separator
WORDS = "quatre millions cinq cent mille dinars algériens"
SHOTS = os.environ.get("SAFKAT_SCREENSHOTS")  # a folder to keep the phone screenshots in


def sealed_state(server) -> tuple[int, int]:
    """(bids submitted, receipts issued) in the live server's database."""
    with server.app.app_context():
        with server.app.extensions["safkat.db"].session() as session:
            bids = session.scalar(select(func.count()).select_from(Bid).where(Bid.status == "submitted"))
            return bids, session.scalar(select(func.count()).select_from(Receipt))


def test_amount_typed_in_french_is_read_back_and_sealed_only_after_review(browser, live_server, tmp_path):
    live_server.seed_demo()
    firm = Person(browser, live_server, "fr", FIRM)
    firm.go("/tenders?status=open")
    firm.follow(".tender-card h3 a")
    firm.follow(firm.page.locator("main a[href$='/bid']"))
    page = firm.page

    lot = page.locator("input[type=checkbox][name^=lot_]").first
    lot_id = lot.get_attribute("name").removeprefix("lot_")
    lot.check()
    page.fill(f"#excl_vat_{lot_id}", "")
    page.locator(f"#excl_vat_{lot_id}").press_sequentially("4 500 000,00", delay=20)
    page.fill(f"#vat_{lot_id}", "855 000")
    words = page.locator(f"[data-words-for=excl_vat_{lot_id}]")
    words.filter(has_text=WORDS).wait_for(timeout=10_000)
    assert words.inner_text() == f"Montant hors taxes : 4{NNBSP}500{NNBSP}000,00 DZD — {WORDS}"
    assert page.locator(f"#excl_vat_{lot_id}-preview").inner_text() == f"4{NNBSP}500{NNBSP}000,00 DZD"
    total = page.locator(f"[data-amount-row]:has(#excl_vat_{lot_id}) [data-preview-total]")
    total.filter(has_text="5\u202f355\u202f000,00").wait_for(timeout=10_000)

    # An ambiguous amount is refused as it is typed, and the form is not sent.
    page.fill(f"#vat_{lot_id}", "4.500")
    vat_preview = page.locator(f"#vat_{lot_id}-preview")
    vat_preview.filter(has_text="deux montants différents").wait_for(timeout=10_000)
    page.get_by_role("button", name="Vérifier mon offre avant de la sceller").click()
    page.wait_for_timeout(500)
    assert path_of(page.url).endswith("/bid"), "an ambiguous amount must not be sent"
    page.fill(f"#vat_{lot_id}", "855 000")
    vat_preview.filter(has_text=f"855{NNBSP}000,00 DZD").wait_for(timeout=10_000)

    if SHOTS:  # the form as the firm sees it while typing, on a phone
        page.set_viewport_size({"width": 360, "height": 740})
        page.screenshot(path=str(Path(SHOTS) / "bid-form-typing-360-fr.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
    page.fill("#statement", "Équipe de 5 techniciens, 3 mois.")
    record = tmp_path / "registre.pdf"
    record.write_bytes(b"%PDF-1.7\n% registre du commerce\n%%EOF\n")
    page.set_input_files("#application_files", str(record))
    before = sealed_state(live_server)
    firm.submit("main form[enctype]", "button[value=review]")

    assert path_of(page.url).endswith("/bid/review")
    text = page.locator("main").inner_text()
    assert f"4{NNBSP}500{NNBSP}000,00 DZD" in text and WORDS in text
    assert f"855{NNBSP}000,00 DZD" in text and f"5{NNBSP}355{NNBSP}000,00 DZD" in text
    assert "registre.pdf" in text
    assert sealed_state(live_server) == before, "nothing is sealed before the firm confirms"

    look_at_the_phone(browser, firm, tmp_path)

    firm.submit("form[action$='/bid/confirm']")
    assert re.search(r"/bids/\d+$", page.url)
    firm.see("Your bid is sealed and received. Keep your receipt.")
    bids, receipts = sealed_state(live_server)
    assert receipts == before[1] + 1 and bids in (before[0], before[0] + 1)  # new, or replacing its own


def look_at_the_phone(browser, firm: Person, tmp_path: Path) -> None:
    """The review page on a 360 px phone, in French and Arabic, in a window of the firm's
    own (its cookies): nothing wider than the screen; it and the form have no axe-core
    WCAG 2.1 AA violation and valid HTML (Nu HTML Checker). Screenshots go to tmp_path, and to $SAFKAT_SCREENSHOTS."""
    review_url = firm.page.url.split("?")[0]
    phone = browser.new_context(
        viewport={"width": 360, "height": 740}, storage_state=firm.context.storage_state(), bypass_csp=True
    )
    page, pages = phone.new_page(), []
    form_url = review_url.removesuffix("/review")
    for lang in ("fr", "ar"):
        page.goto(f"{review_url}?lang={lang}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"the review page is wider than the phone in {lang}: {widths}"
        for folder in (tmp_path, *([Path(SHOTS)] if SHOTS else [])):
            page.screenshot(path=str(folder / f"bid-review-360-{lang}.png"), full_page=True)
        for url in (review_url, form_url):  # the form too: its amount previews and file help
            page.goto(f"{url}?lang={lang}")
            if AXE.exists():
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
                assert [v["id"] for v in result["violations"]] == [], (url, lang, result["violations"])
            pages.append(tmp_path / f"page-{len(pages)}.html")
            pages[-1].write_bytes(phone.request.get(f"{url}?lang={lang}").body())
    phone.close()
    if shutil.which("java") and VNU.exists():
        errors = [m for m in check_html(pages) if m["type"] != "info"]
        assert errors == [], errors
