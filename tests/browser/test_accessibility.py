"""axe-core's WCAG 2.1 AA rules on every page type of the foundation, in all three languages."""

import json
from pathlib import Path

import pytest

from safkat.demo import DEMO_PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PUBLIC_PAGES = [
    "/",
    "/login",
    "/register",
    "/password/forgot",
    "/no-such-page",
    "/tenders",
    "/tenders?q=inexistant&wilaya=31",
    "/tenders?status=closed",
]
PAGES_BY_LOGIN = {
    "firm08@demo.safkat.dz": ["/enterprise", "/account"],  # registered: the upload form
    "officer.oran@safkat.dz": [
        "/review/enterprises",
        "/review/enterprises/5",
        "/officer/",
        "/officer/tenders/new",
        "/officer/tenders/1",
        "/officer/tenders/2",
        "/officer/tenders/2/edit",
    ],
    "admin@safkat.dz": ["/admin/", "/admin/authorities", "/admin/authorities/1", "/admin/authorities/new"],
}


@pytest.fixture
def check(page, live_server):
    if not AXE.exists():
        pytest.skip(f"accessibility test: {AXE} is missing (run `npm install`; .ci/run and scripts/test do)")

    def violations(path: str, lang: str) -> list[str]:
        page.goto(f"{live_server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
        return [f"{v['id']}: {json.dumps([n['target'] for n in v['nodes']])}" for v in result["violations"]]

    return violations


def login(page, live_server, email):
    page.goto(f"{live_server.url}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_public_pages_have_no_violation(check, live_server, lang):
    live_server.seed_demo()
    for path in PUBLIC_PAGES + live_server.sample_tender_pages():
        assert check(path, lang) == [], path


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_pages_of_each_role_have_no_violation(check, page, live_server, lang):
    live_server.seed_demo()
    for email, paths in PAGES_BY_LOGIN.items():
        page.context.clear_cookies()
        login(page, live_server, email)
        for path in paths:
            assert check(path, lang) == [], (email, path)


def test_form_errors_have_no_violation(check, page, live_server):
    page.goto(f"{live_server.url}/register?lang=ar")
    page.click("button[type=submit]")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    assert result["violations"] == []
