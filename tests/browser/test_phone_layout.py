"""Every page type fits a 360 × 740 phone screen, in French, Arabic (right to left) and English.

The pages are those of :mod:`tests.browser.inventory`, as each person sees them, plus the
pages answering a form. On each one (see ``phone.js``):

- nothing is wider than the screen: ``document.documentElement.scrollWidth`` is not above
  ``clientWidth``; no box of its own scrolls sideways either (a table in a scroll wrapper);
- every tap target is at least 44 × 44 CSS px (WCAG 2.5.5, "Target Size"). Targets are
  links with an ``href``, buttons, form fields (inputs other than hidden ones, selects,
  text areas), ``<summary>`` and anything focusable through ``tabindex``; a checkbox or
  radio button inside its label is measured with its label (tapping either ticks it).
  Exceptions, as the success criterion has them: an inline link whose line also holds
  text that is not a target (a link in a sentence, whose size the line-height sets), and
  a target that is not shown (in a closed ``<details>``, say).

Offenders are printed, page by page.
"""

from pathlib import Path

import pytest

from tests.browser.inventory import every_visit
from tests.browser.walks import answer_forms, walk

PHONE = {"width": 360, "height": 740}
MEASURE = (Path(__file__).parent / "phone.js").read_text()


def problems_of(page) -> list[str]:
    found = page.evaluate(MEASURE)
    return (
        [f"overflow: {text}" for text in found["overflow"]]
        + [f"scrolls sideways: {text}" for text in found["scrolling"]]
        + [f"tap target under 44 px: {text}" for text in found["small"]]
    )


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_page_type_fits_a_phone(page, live_server, tmp_path, lang):
    live_server.seed_demo()
    page.set_viewport_size(PHONE)
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        if problems := problems_of(page):
            found[name] = problems

    visits = every_visit(live_server)
    walk(page, live_server, visits, lang, lambda visit, _response: check(str(visit)))
    answer_forms(page, live_server, lang, tmp_path, lambda name, _response: check(name))
    for name, problems in found.items():
        print(f"{lang} {name}:\n  " + "\n  ".join(problems))
    print(f"phone layout: {len(visits)} page types and the form answers in {lang}, {len(found)} with problems")
    assert sorted(found) == []
