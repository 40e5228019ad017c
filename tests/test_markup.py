"""Markdown of tender descriptions: one converter per thread is reused (issue 16), so
nothing of one description may carry over into the next."""

from safkat.markup import render_markdown


def test_a_reused_converter_forgets_the_previous_description():
    first = render_markdown("See [the rules][rules].\n\n[rules]: https://example.org/rules")
    assert 'href="https://example.org/rules"' in first
    second = render_markdown("See [the rules][rules].")
    assert "href" not in second and "[the rules][rules]" in second


def test_raw_html_and_scripts_never_get_through():
    html = render_markdown("<script>alert(1)</script>\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n[x](javascript:alert(1))")
    assert "<script" not in html and "javascript:" not in html
    assert "<table>" in html and "<td>1</td>" in html
