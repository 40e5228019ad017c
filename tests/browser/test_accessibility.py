"""axe-core's WCAG 2.1 AA rules on every page type, in all three languages.

The pages are those of :mod:`tests.browser.inventory` (public, bidder, officer and
administrator pages, in every state the demo data has), plus pages answering a form:
errors, the e-mail confirmation page, a failed document check.
"""

import json
from pathlib import Path

import pytest

from tests.browser.inventory import every_visit
from tests.browser.walks import answer_forms, walk

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def axe(page):
    if not AXE.exists():
        pytest.skip(f"accessibility test: {AXE} is missing (run `npm install`; .ci/run and scripts/test do)")

    def violations() -> list[str]:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
        return [f"{v['id']}: {json.dumps([n['target'] for n in v['nodes']])}" for v in result["violations"]]

    return violations


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_page_type_has_no_violation(axe, page, live_server, lang):
    live_server.seed_demo()
    found = {}

    def check(visit, _response):
        if problems := axe():
            found[f"{visit.who or 'public'} {visit.path}"] = problems

    visits = every_visit(live_server)
    walk(page, live_server, visits, lang, check)
    print(f"axe-core: {len(visits)} pages in {lang}, {len(found)} with violations")
    assert found == {}


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_pages_answering_a_form_have_no_violation(axe, page, live_server, tmp_path, lang):
    live_server.seed_demo()
    found = {}

    def check(name, _response):
        if problems := axe():
            found[name] = problems

    answer_forms(page, live_server, lang, tmp_path, check)
    assert found == {}
