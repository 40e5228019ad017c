"""Markdown of tender descriptions: one converter per thread is reused (issue 16), so
nothing of one description may carry over into the next."""

import random
import re

import pytest

from safkat import markup
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


# Pieces of texts to build thousands of descriptions from: mostly what plain texts are made
# of (words, punctuation, bold, paragraphs, list items), now and then Markdown syntax.
# fmt: off
PLAIN = (
    "Le service", "contractant", "Algérie Télécom — Oran", "l'attributaire", "5 %", "(lot 2)", ":", ";", ",", ".",
    "n°12", "2026.", "«offre»", '"entre guillemets"', "صيانة الشبكة", "ولاية وهران", "!", "?", "=", "+", "#", "~",
    "-", "--", "**gras**", "\n", "\n\n", "\n- ", "\n\n- ", "\n\n\n",
)
SYNTAX = (
    "*", "**", "***", "_", "__", "`", "\\", "[lien]", "(https://example.org)", "<b>", "&amp;", "&", "|", "---",
    "1.", "2)", "\u00a0", "\t", "  ", "\n\n1. ", "\n\n# ", "\n\n> ", "\n\n    ", "\n  \n", "\r\n", "\x85",
    "\n* ", "\n\n=", "\n- - -", "\n-  x", "\n- # x", "\n- 1. x", " **", "** ",
)
# fmt: on


def _texts(count: int, seed: int):
    rng = random.Random(seed)
    for _ in range(count):
        pieces = (rng.choice(SYNTAX if rng.random() < 0.04 else PLAIN) for _ in range(rng.randint(1, 30)))
        text = "".join(piece + rng.choice(("", " ", " ")) for piece in pieces)
        yield re.sub(r" *\n *", "\n", text) if rng.random() < 0.8 else text  # most lines without spaces at the ends


def _through_markdown(source: str) -> str:
    return markup.nh3.clean(
        markup._converter().reset().convert(source),
        tags=markup.ALLOWED_TAGS,
        attributes=markup.ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


def test_plain_texts_are_written_as_markdown_writes_them():
    """The short cut for plain descriptions (issue 16) gives Markdown's own HTML, or leaves
    the text to Markdown: compared on 20,000 texts mixing words and Markdown syntax."""
    written = 0
    for source in _texts(20_000, seed=16):
        html = markup.plain_text_html(source)
        if html is not None:
            written += 1
            assert markup.render_markdown(source) == _through_markdown(source), repr(source)
    assert written > 1_000  # the comparison covered texts the short cut writes


@pytest.mark.parametrize(
    "source",
    [
        "Le service contractant **Algérie Télécom — Oran** lance un appel d'offres pour : fibre (lot 1).\n\n"
        "- Délai d'exécution : 12 mois\n\nUne caution de 5 % sera exigée.\n\nVisite recommandée ; 8 h 30.",
        "تعلن **بلدية وهران** عن طلب عروض.\n\n- أجل التنفيذ: 4 أشهر\n- زيارة الموقع موصى بها",
        "**Attention** : deux lignes\ndans un paragraphe.\n\n\n\nAprès trois lignes vides.\n",
        "a**b**c et **x** **y**",
    ],
)
def test_descriptions_as_officers_write_them_take_the_short_cut(source):
    assert markup.plain_text_html(source) is not None
    assert markup.render_markdown(source) == _through_markdown(source)


@pytest.mark.parametrize(
    "source",
    ["- un\n\n- deux", "Texte\n- item", "1. premier", "* puce", "**ouvert", "ligne  \ncassée", "# Titre", "a_b", ""],
)
def test_anything_else_is_left_to_markdown(source):
    assert markup.plain_text_html(source) is None
    assert markup.render_markdown(source) == _through_markdown(source)
