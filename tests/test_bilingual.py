"""The reader's version of an officer's text, its marked fallback, and its bidi isolation."""

import pytest
from flask_babel import force_locale

from safkat.bilingual import pick_version, text_lines, user_text, wrap


@pytest.mark.parametrize(
    ("french", "arabic", "locale", "expected"),
    [
        ("Siège", "المقر", "ar", ("المقر", "ar", False)),
        ("Siège", "المقر", "fr", ("Siège", "fr", False)),
        ("Siège", "المقر", "en", ("Siège", "fr", False)),  # no English version to miss
        ("Siège", None, "ar", ("Siège", "fr", True)),
        ("Siège", "   ", "ar", ("Siège", "fr", True)),  # blank is missing
        ("", "المقر", "fr", ("المقر", "ar", True)),
        ("", None, "ar", ("", "ar", False)),  # nothing at all: nothing to mark
    ],
)
def test_the_readers_version_else_the_other_marked(french, arabic, locale, expected):
    version = pick_version(french, arabic, locale)
    assert (version.text, version.lang, version.is_fallback) == expected


def test_lines_skip_blank_lines():
    assert text_lines(" Registre du commerce \n\n  \nAttestation\n") == ["Registre du commerce", "Attestation"]
    assert pick_version("a\n\nb", None, "fr").lines == ["a", "b"]


def test_wrapped_text_has_its_language_direction_and_a_translated_note(app):
    with app.test_request_context(), force_locale("ar"):
        html = wrap(pick_version("? Une visite <b>", None, "ar"))
        assert (
            html
            == '<span lang="fr" dir="auto">? Une visite &lt;b&gt;</span> <small class="lang-note">(بالفرنسية)</small>'
        )
    with app.test_request_context(), force_locale("fr"):
        assert "(en arabe)" in wrap(pick_version("", "المقر", "fr"))
        assert wrap(pick_version("Siège", "المقر", "fr"), "p") == '<p lang="fr" dir="auto">Siège</p>'


def test_markdown_is_rendered_and_sanitised_inside_the_wrapper(app):
    with app.test_request_context():
        html = wrap(pick_version("**gras**<script>x</script>", None, "fr"), "div", markdown=True, class_="prose")
    assert html.startswith('<div class="prose" lang="fr" dir="auto"><p><strong>gras</strong>')
    assert "<script>" not in html


def test_user_text_is_isolated_and_escaped():
    assert user_text("Le lot 2 ?") == '<span dir="auto">Le lot 2 ?</span>'
    assert user_text("<i>", "ar", "p") == '<p lang="ar" dir="auto">&lt;i&gt;</p>'
