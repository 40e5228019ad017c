"""Every public page weighs under 60 KB compressed, fonts excepted, as Chromium loads it.

Counted: the HTML, style sheets, scripts and images the page loads, each compressed with
gzip (level 6, a usual server setting), with the browser's cache off. Algeria's copper
lines are slow: the design allows 60 KB per page (``../shared/DESIGN.md``).
"""

import gzip

import pytest

from tests.browser.inventory import public_visits

LIMIT = 60 * 1024
COUNTED = {"document", "stylesheet", "script", "image"}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_public_page_stays_under_60_kb_compressed(page, live_server, lang):
    live_server.seed_demo()
    page.route("**/*", lambda route: route.continue_())  # a routed context bypasses the HTTP cache
    weights, loaded = {}, []
    page.on("response", lambda response: loaded.append(response))
    for visit in public_visits(live_server):
        if not visit.is_public:
            continue
        loaded.clear()
        page.goto(f"{live_server.url}{visit.path}{'&' if '?' in visit.path else '?'}lang={lang}")
        page.wait_for_load_state("networkidle")
        assert {"document", "stylesheet"} <= {r.request.resource_type for r in loaded}, visit.path
        weights[visit.path] = sum(
            len(gzip.compress(response.body(), compresslevel=6))
            for response in loaded
            if response.request.resource_type in COUNTED and not response.url.endswith("/favicon.ico")
        )
    for path, weight in sorted(weights.items(), key=lambda item: -item[1]):
        print(f"{weight / 1024:6.1f} KB  {lang}  {path}")
    assert {path: weight for path, weight in weights.items() if weight >= LIMIT} == {}
