"""Remake the phone screenshots of docs/screenshots/: pages at 360 px wide, in Arabic and French.

Usage (from the project's root, with the test extras installed)::

    .venv/bin/python scripts/screenshots.py                 # every page below
    .venv/bin/python scripts/screenshots.py tender bid-form # some of them

It starts the application on a throw-away SQLite database loaded with the demo data, as the
browser tests do, and drives Debian's Chromium with Playwright. Each page is a function
below, registered in ``PAGES``: it receives a Playwright page, the live server and the
language, and brings the page to what the screenshot shows (logging in, filling a form…);
it raises ``PageMissing`` when this version of the application has no such page, which is
then skipped with a line saying why.
Pictures are whole pages, saved as 8-bit palette PNGs to keep the repository small.
"""

from __future__ import annotations

import argparse
import io
import logging
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from safkat import create_app  # noqa: E402
from safkat.db import Database  # noqa: E402
from safkat.demo import DEMO_PASSWORD  # noqa: E402
from safkat.notifications.transports import MemoryTransport  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, LiveServer, TravelClock  # noqa: E402
from tests.browser.inventory import facts  # noqa: E402
from tests.conftest import reset_database  # noqa: E402

PHONE = {"width": 360, "height": 740}
LANGUAGES = ("ar", "fr")
OUTPUT = PROJECT_ROOT / "docs" / "screenshots"


def log_in(page, server, email: str, lang: str) -> None:
    page.goto(f"{server.url}/login?lang={lang}")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def tender_page(page, server, lang: str) -> None:
    """The public page of a call for tender open to bids."""
    page.goto(f"{server.url}/tenders/{facts(server)['open_for_bidder']}?lang={lang}")


def bid_form(page, server, lang: str) -> None:
    """The bid form of that call, as a verified firm sees it."""
    log_in(page, server, facts(server)["bidder"], lang)
    page.goto(f"{server.url}/tenders/{facts(server)['open_for_bidder']}/bid?lang={lang}")


class PageMissing(Exception):
    """This version of the application has no such page (yet)."""


def bid_review(page, server, lang: str) -> None:
    """The review page shown before sealing: one lot, its amounts and a file, as a firm fills them."""
    bid_form(page, server, lang)
    review = page.locator("main form button[name=action][value=review]")
    if review.count() == 0:
        raise PageMissing("the bid form has no review step")
    lot = page.locator("input[type=checkbox][name^=lot_]").first
    lot.check()
    lot_id = lot.get_attribute("name").removeprefix("lot_")
    page.fill(f"#excl_vat_{lot_id}", "4 500 000,00" if lang == "fr" else "4500000")
    page.fill(f"#vat_{lot_id}", "855 000" if lang == "fr" else "855000")
    if page.locator("#statement").count():
        page.fill("#statement", "Équipe de 5 techniciens, 3 mois." if lang == "fr" else "فريق من 5 تقنيين، 3 أشهر.")
    record = {"name": "registre.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n% registre\n%%EOF\n"}
    page.set_input_files("#application_files", record)
    with page.expect_navigation():
        review.click()
    if not page.url.split("?")[0].endswith("/bid/review"):
        raise PageMissing(f"the form did not lead to the review page but to {page.url}")


def stats_page(page, server, lang: str) -> None:
    """The public statistics, whose days to pay suppliers sit beside the reserved share awarded."""
    page.goto(f"{server.url}/stats?lang={lang}")


def authority_stats(page, server, lang: str) -> None:
    """The statistics of the demo authority that pays late: its flag and its reserved share."""
    page.goto(f"{server.url}/stats/authority/AT-ORN?lang={lang}")


def opening_key(page, server, lang: str) -> None:
    """An officer's opening key page: the key made in this browser, its backup checked."""
    log_in(page, server, "officer.oran@safkat.dz", lang)
    page.goto(f"{server.url}/account/opening-key?lang={lang}")


def opening_session(page, server, lang: str) -> None:
    """A commission member at the opening session: presence, and their share from their backup."""
    from tests.browser.test_opening_with_keys import ready_tender_of_oran

    log_in(page, server, "officer.oran@safkat.dz", lang)
    page.goto(f"{server.url}/officer/tenders/{ready_tender_of_oran(server)}/opening?lang={lang}")
    page.locator("form[data-keyshare=unseal] details").evaluate("details => details.open = true")


PAGES = {
    "tender": tender_page,
    "bid-form": bid_form,
    "bid-review": bid_review,
    "stats": stats_page,
    "authority-stats": authority_stats,
    "opening-key": opening_key,
    "opening-session": opening_session,
}


def optimised_png(png: bytes) -> bytes:
    """The screenshot as an 8-bit palette PNG (a third of the size; text stays sharp)."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def take(names: list[str], output: Path) -> list[Path]:
    folder = Path(tempfile.mkdtemp(prefix="safkat-screenshots-"))
    engine = reset_database(f"sqlite:///{folder / 'screenshots.db'}")
    mailbox = MemoryTransport()
    app = create_app(
        {
            "DATABASE": Database(engine=engine),
            "CLOCK": TravelClock(),
            "MAIL_TRANSPORT": mailbox,
            "ARGON2_PROFILE": "fast",
            "UPLOAD_FOLDER": str(folder / "uploads"),
        }
    )
    saved = []
    try:
        with LiveServer(app, mailbox) as server, sync_playwright() as playwright:
            app.config["BASE_URL"] = server.url
            server.seed_demo()
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            output.mkdir(parents=True, exist_ok=True)
            for name in names:
                for lang in LANGUAGES:
                    context = browser.new_context(viewport=PHONE, locale={"ar": "ar-DZ", "fr": "fr-DZ"}[lang])
                    page = context.new_page()
                    try:
                        PAGES[name](page, server, lang)
                        picture = page.screenshot(full_page=True)
                    except PageMissing as missing:
                        print(f"{name}-{lang}: skipped, {missing}")
                        continue
                    finally:
                        context.close()
                    path = output / f"{name}-{lang}.png"
                    path.write_bytes(optimised_png(picture))
                    saved.append(path)
            browser.close()
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", metavar="PAGE", help=f"which pages ({', '.join(PAGES)}; all by default)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder of the PNG files")
    arguments = parser.parse_args()
    if unknown := set(arguments.pages) - set(PAGES):
        parser.error(f"no such page: {', '.join(sorted(unknown))} (known: {', '.join(PAGES)})")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing (apt-get install chromium)")
    for path in take(arguments.pages or list(PAGES), arguments.output):
        print(
            f"{path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}"
            f"  {path.stat().st_size / 1024:.0f} KB"
        )


if __name__ == "__main__":
    main()
