"""Markdown for tender descriptions, rendered then sanitised: no script ever gets through."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

_local = threading.local()
MAX_REMEMBERED = 2048  # descriptions of ~2 KB: a few MB per process

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(source: str | None) -> Markup:
    """Markdown to safe HTML: raw HTML escaped, tags and attributes whitelisted, links ``rel=nofollow``."""
    return Markup(_rendered(source or ""))


@lru_cache(maxsize=MAX_REMEMBERED)
def _rendered(source: str) -> str:
    """The safe HTML of ``source``, remembered: a description is the same for every visitor
    and language, and converting one costs ~0.3 ms, a sixth of a tender's page (issue 16).
    A plain text (:func:`plain_text_html`) is written directly, in a tenth of that; every
    other goes through Markdown. Either way the HTML is then sanitised."""
    html = plain_text_html(source)
    if html is None:
        html = _converter().reset().convert(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


# What makes a text more than paragraphs, "- " lists and **bold**: escapes, code, emphasis
# with "_", links and images, HTML and entities, tables, tabs and control characters.
_MARKDOWN_SYNTAX = re.compile(r"[\\`_\[\]<>&|\t\r\x00-\x08\x0b-\x1f\x7f]")
# A line (or a list item's text) starting so is a heading, a quote, a list, a rule or code.
_BLOCK_START = re.compile(r"[#>=+-]|\*(?!\*\S)|\d+[.)]|\s")
_BLANK_LINES = re.compile(r"\n{2,}")


def plain_text_html(source: str) -> str | None:
    """The HTML Markdown writes for a plain text, or None for any other text.

    Plain means: paragraphs and lists of one level (each line of a block ``- item``)
    separated by blank lines, no two lists in a row, words in ``**bold**``, no other
    Markdown syntax and no space at either end of a line. That is what tender descriptions
    are made of (the demo's, the benchmarks' and most officers'); Markdown's parser took
    ~0.3 ms for one. ``tests/test_markup.py`` compares both on thousands of texts."""
    if _MARKDOWN_SYNTAX.search(source):
        return None
    html, after_list = [], False
    for block in _BLANK_LINES.split(source.strip("\n")):
        lines = block.split("\n")
        items = [line[2:] for line in lines if line.startswith("- ")]
        if items and (len(items) < len(lines) or after_list):
            return None  # a block mixing lines and items, or a list right after a list
        texts = items or lines
        if any(not text or text != text.strip() or _BLOCK_START.match(text) for text in texts):
            return None
        inline = [_bold(text) for text in texts]
        if None in inline:
            return None
        if items:
            html.append("<ul>\n" + "".join(f"<li>{text}</li>\n" for text in inline) + "</ul>")
        else:
            html.append("<p>" + "\n".join(inline) + "</p>")
        after_list = bool(items)
    return "\n".join(html)


def _bold(text: str) -> str | None:
    """``text`` with each ``**words**`` in ``<strong>``; None for any other asterisk."""
    parts = text.split("**")
    if len(parts) % 2 == 0 or "*" in text.replace("**", ""):
        return None
    if any(not part or part != part.strip() for part in parts[1::2]):
        return None
    return "".join(part if n % 2 == 0 else f"<strong>{part}</strong>" for n, part in enumerate(parts))


def forget() -> None:
    """Forget the remembered conversions (the benchmarks measure pages rendered afresh)."""
    _rendered.cache_clear()


def _converter() -> markdown.Markdown:
    """This thread's Markdown converter: building one (its extensions, its patterns) cost
    more than converting a tender's description, and a converter is not thread-safe."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    return converter
