"""Markdown for tender descriptions, rendered then sanitised: no script ever gets through."""

from __future__ import annotations

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
    and language, and converting one costs ~0.4 ms, a fifth of a tender's page (issue 16)."""
    html = _converter().reset().convert(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )


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
