"""An officer drafts, publishes, answers and amends a tender; the public finds it."""

import re
from datetime import datetime, timedelta
from pathlib import Path

from safkat.demo import DEMO_PASSWORD


def local(days: int, hour: int = 10) -> str:
    moment = datetime.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def log_in(page, url, email):
    page.context.clear_cookies()
    page.goto(f"{url}/login?lang=fr")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


def test_officer_publishes_and_the_public_finds_it(page, live_server, tmp_path):
    live_server.seed_demo()
    url = live_server.url
    log_in(page, url, "officer.oran@safkat.dz")
    page.goto(f"{url}/officer/tenders/new?lang=fr")
    page.fill("#title_fr", "Pose de fibre optique à Es Sénia")
    page.fill("#title_ar", "مد الألياف البصرية بالسانية")
    page.fill("#description_fr", "Travaux de **tranchée** et pose de fourreaux vers le quartier Zitouna.")
    page.select_option("#category", "works")
    for code in ("31", "46"):
        page.check(f"input[name=wilayas][value='{code}']")
    page.fill("#enquiry_deadline", local(15))
    page.fill("#submission_deadline", local(21))
    page.fill("#opening_at", local(21, 11))
    page.fill("#opening_place", "Direction opérationnelle, Oran")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/officer/tenders/\d+$"))

    for title in ("Tranchées", "Fourreaux et chambres"):
        page.fill("#title_fr", title)
        page.click("form[action$='/lots'] button[type=submit]")
    pdf = tmp_path / "cdc.pdf"
    pdf.write_bytes(b"%PDF-1.7\ncahier des charges Es Senia\n%%EOF\n")
    page.fill("form[action$='/documents'] #title", "Cahier des charges")
    page.set_input_files("form[action$='/documents'] #file", str(pdf))
    page.click("form[action$='/documents'] button[type=submit]")
    page.click("a[href$='/commission']")  # the commission: the authority's three demo officers
    for box in page.locator("input[name=members]").all():
        box.check()
    page.select_option("#chair", label="Karima Benali")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/officer/tenders/\d+$"))
    page.click("a[href$='/publish']")  # the confirmation page
    page.click("form[action$='/publish'] button")
    assert page.locator(".flash-success").filter(has_text="AT-ORN/").is_visible()
    reference = re.search(r"AT-ORN/\d{4}/\d{4}", page.locator(".flash-success").inner_text()).group(0)
    url_reference = reference.replace("/", "-")

    # A verified firm downloads the documents and asks a question.
    log_in(page, url, "firm01@demo.safkat.dz")
    page.goto(f"{url}/tenders/{url_reference}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Cahier des charges").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.fill("#text", "Le linéaire de tranchée est-il de 2 km ?")
    page.click("#questions button[type=submit]")

    # The officer answers and extends the deadline.
    log_in(page, url, "officer.oran@safkat.dz")
    page.goto(f"{url}/officer/")
    page.get_by_role("link", name=reference).first.click()
    page.fill("#questions textarea", "Oui, environ 2,1 km.")
    page.click("#questions button[type=submit]")
    page.fill("#reason", "Report de la date limite d'une semaine.")
    page.fill("#new_deadline", local(28))
    page.click("form[action$='/amend'] button[type=submit]")
    assert page.locator(".flash-success").is_visible()
    assert len(live_server.mailbox.sent) >= 1  # the firm that downloaded is told

    # The public finds it.
    page.context.clear_cookies()
    for query in ("q=tranchée", "q=الألياف", "wilaya=46"):
        page.goto(f"{url}/tenders?{query}")
        assert page.get_by_role("link", name=re.compile("Pose de fibre optique à Es Sénia|مد الألياف")).count() >= 1, (
            query
        )
    page.goto(f"{url}/tenders/{url_reference}?lang=fr")
    body = page.content()
    assert "Oui, environ 2,1 km." in body and "Report de la date limite" in body
    assert "firm01" not in body
    feed = page.request.get(f"{url}/feeds/tenders.atom?wilaya=31").text()
    assert reference in feed or url_reference in feed
    api = page.request.get(f"{url}/api/v1/tenders?q=tranchee").json()
    assert [item["reference"] for item in api["data"]] == [reference]
