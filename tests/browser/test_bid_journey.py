"""A firm on a bad line sends a sealed bid with a large document; the upload resumes."""

import os
import re

from safkat.demo import DEMO_PASSWORD


def test_bid_with_a_large_document_survives_a_dropped_chunk(page, live_server, tmp_path):
    live_server.seed_demo()
    url = live_server.url
    page.goto(f"{url}/login?lang=fr")
    page.fill("#email", "firm01@demo.safkat.dz")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{url}/tenders?status=open&lang=fr")
    page.locator(".tender-card h3 a").first.click()
    page.get_by_role("link", name="Préparer ou déposer mon offre").click()
    page.wait_for_url(re.compile(r"/bid$"))

    lot = page.locator("input[type=checkbox][name^=lot_]").first
    lot_id = lot.get_attribute("name").split("_")[1]
    lot.check()
    page.fill(f"#excl_vat_{lot_id}", "2 500 000,00")
    page.fill(f"#vat_{lot_id}", "475 000,00")
    page.fill("#statement", "Équipe de 5 techniciens, 3 mois.")
    big = tmp_path / "plans.pdf"
    big.write_bytes(b"%PDF-1.7\n" + os.urandom(2_600_000))
    small = tmp_path / "rc.pdf"
    small.write_bytes(b"%PDF-1.7\nregistre\n")
    page.set_input_files("#technical_files", str(big))
    page.set_input_files("#application_files", str(small))

    dropped = []

    def drop_second_chunk(route):
        if "offset=1048576" in route.request.url and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r".*/bid-uploads/.*/chunks.*"), drop_second_chunk)
    page.get_by_role("button", name="Vérifier mon offre avant de la sceller").click()
    try:
        page.wait_for_url(re.compile(r"/bid/review$"), timeout=60_000)
    except Exception:
        print("STATUS:", page.locator("#upload-status").inner_text(), page.url)
        raise
    assert dropped, "the test did not drop a chunk"
    review = page.locator("main").inner_text()
    assert "plans.pdf" in review and "rc.pdf" in review  # the large file, resumed, is in the draft
    assert "deux millions cinq cent mille dinars algériens" in review
    page.get_by_role("button", name=re.compile("Confirmer")).click()
    page.wait_for_url(re.compile(r"/bids/\d+$"))
    assert "Déposée, scellée" in page.content() or "scell" in page.content().lower()
    assert page.get_by_role("link", name=re.compile("JSON")).count() == 1
