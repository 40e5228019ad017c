"""Chromium through Playwright on a page of http://localhost (a secure context, so
WebCrypto is there), whose files come from the tree and carry the site's CSP."""

from __future__ import annotations

from pathlib import Path

import pytest

from safkat.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ORIGIN = "http://localhost"


class Browser:
    def __init__(self, pages: dict[str, str], files: dict[str, Path]):
        """``pages``: path → HTML; ``files``: path → file outside static/js/keyshare/."""
        if not CHROMIUM.exists():
            pytest.skip(f"{CHROMIUM} is missing: the Chromium half of the JavaScript tests is skipped")
        sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
        self.pages, self.files, self.posted = pages, files, []
        self.playwright = sync_api.sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        self.page = self.browser.new_page(accept_downloads=True)
        self.page.route(f"{ORIGIN}/**", self._serve)

    def _serve(self, route):
        request = route.request
        path = request.url.removeprefix(ORIGIN)
        if request.method == "POST":
            self.posted.append((path, request.post_data or ""))
            return route.fulfill(body="<!doctype html><title>posted</title>", content_type="text/html")
        if path in self.pages:
            headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}
            return route.fulfill(body=self.pages[path], content_type="text/html; charset=utf-8", headers=headers)
        file = self.files.get(path) or ROOT / path.lstrip("/")
        if not (path.startswith("/static/js/keyshare/") or path in self.files) or not file.is_file():
            return route.fulfill(status=404)
        return route.fulfill(body=file.read_text(), content_type="text/javascript")

    def close(self):
        self.browser.close()
        self.playwright.stop()
