"""French and Arabic versions of what officers write for the public.

An officer writes each public text in French (the original, always there for titles) and,
optionally, in Arabic. :func:`pick_version` chooses the reader's version, falling back to
the other one; the Jinja helpers render it inside its own ``lang`` and ``dir="auto"``
element, so that a French sentence in an Arabic page keeps its punctuation where it
belongs, and mark a fallback with a short note such as "(en français)".

English readers get the French original, unmarked: there is no English version to miss.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import Markup, escape

from safkat.markup import render_markdown
from safkat.slots import escaped


def text_lines(text: str | None) -> list[str]:
    """The non-blank lines of a one-item-per-line text (required documents, criteria)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class TextVersion:
    text: str
    lang: str  # "fr" or "ar": the language the text is written in
    is_fallback: bool  # the reader's language had no version: this is the other one

    @property
    def lines(self) -> list[str]:
        return text_lines(self.text)

    def __bool__(self) -> bool:
        return bool(self.text.strip())


def pick_version(french: str | None, arabic: str | None, locale: str) -> TextVersion:
    """The reader's version of a text, else the other one, marked as a fallback."""
    french, arabic = (french or "").strip(), (arabic or "").strip()
    wanted, other = (("ar", arabic), ("fr", french)) if locale == "ar" else (("fr", french), ("ar", arabic))
    if wanted[1] or not other[1]:
        return TextVersion(wanted[1], wanted[0], False)
    return TextVersion(other[1], other[0], True)


def fallback_note(version: TextVersion) -> Markup:
    """ "(en français)" / "(بالفرنسية)" after a text shown in the other language, else nothing."""
    if not version.is_fallback:
        return Markup("")
    note = gettext("(in French)") if version.lang == "fr" else gettext("(in Arabic)")
    return Markup(' <small class="lang-note">{}</small>').format(note)


def wrap(version: TextVersion, tag: str = "span", markdown: bool = False, class_: str = "") -> Markup:
    """The text inside its own ``<tag lang=… dir="auto">``, followed by its fallback note."""
    body = render_markdown(version.text) if markdown else escape(version.text)
    class_attribute = f' class="{escape(class_)}"' if class_ else ""
    note = fallback_note(version) if version.is_fallback else ""
    # Joined rather than Markup.format: listings call this for every card (issue 16).
    # ``version.lang`` is "fr" or "ar" (pick_version's): nothing to escape.
    return Markup(f'<{tag}{class_attribute} lang="{version.lang}" dir="auto">{body}</{tag}>{note}')


def wrapped_version(french: str | None, arabic: str | None, locale: str) -> str:
    """``wrap(pick_version(french, arabic, locale))`` as a plain string. The reader's
    version, nearly every time, is written here without the objects between (a listing's
    card title: 1.6 → 0.6 µs; issue 16); a fallback goes through :func:`wrap`."""
    text = ((arabic if locale == "ar" else french) or "").strip()
    if text:
        lang = "ar" if locale == "ar" else "fr"
        return f'<span lang="{lang}" dir="auto">{escaped(text)}</span>'
    return str(wrap(pick_version(french, arabic, locale)))


def user_text(value: str | None, lang: str | None = None, tag: str = "span") -> Markup:
    """Text typed by a user in one language only (a question, a document title): isolated
    with ``dir="auto"`` so it cannot garble the page around it."""
    lang_attribute = f' lang="{escape(lang)}"' if lang else ""
    # Joined rather than Markup.format, as wrap() is: a tender page calls this for every lot, document and question.
    return Markup(f'<{tag}{lang_attribute} dir="auto">{escape(value or "")}</{tag}>')


def init_app(app) -> None:
    from safkat.i18n import current_language

    def version(french, arabic):
        return pick_version(french, arabic, current_language())

    def localized(french, arabic, tag="span", markdown=False, class_=""):
        return wrap(version(french, arabic), tag, markdown, class_)

    app.jinja_env.globals.update(
        text_version=version, localized=localized, fallback_note=fallback_note, user_text=user_text
    )
