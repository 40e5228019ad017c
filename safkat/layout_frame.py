"""The layout of an anonymous visitor's page, rendered once per language.

``base.html`` is the same for every anonymous visitor reading in one language, but for
the page's title, head and content and the three links to the page in other languages;
rendering it cost ~0.2 ms a page (issue 16). :func:`render_page` renders only the page's
own blocks (the page extends ``layout``, here ``_layout_parts.html``, which writes just
its blocks) and fills the layout rendered once with markers in those places
(``_layout_blank.html``, kept as a :class:`safkat.slots.Blank`). A signed-in visitor,
or one with a message waiting, gets ``render_template`` as before: their layout is theirs.
A page that renders this way extends ``layout|default("base.html")`` and defines its title.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable
from typing import NamedTuple

from flask import current_app, render_template, request, session
from flask.globals import request_ctx
from flask_login import current_user
from markupsafe import Markup, escape

from safkat import slots
from safkat.i18n import current_language, language_urls

EXTENSION = "safkat.layout_frame"
PARTS = ("title", "head", "content")
_PART_MARKERS = re.compile("|".join(re.escape(slots.marker(name)) for name in PARTS))
# Between the blocks of a page rendered alone: unguessable, so that no text of the page
# (a search box repeats what the visitor typed) can pass for one.
_SEPARATOR = f"\ue000part-{secrets.token_hex(8)}\ue000"


def init_app(app) -> None:
    app.extensions[EXTENSION] = {}  # (language, application root) → its _Layout; pages' blanks


def render_page(template_name: str, **context) -> str:
    """``render_template(template_name, **context)``, its layout filled in rather than
    rendered when the visitor is anonymous with no message waiting."""
    if not layout_is_shared():
        return render_template(template_name, **context)
    values = _parts(template_name, context) | language_links()
    return _layout().blank.fill(values)


def page_blank(template_name: str, **context) -> slots.Blank:
    """The whole page as a blank, for a page that is itself rendered once with
    :func:`safkat.slots.marker` values in ``context``: those markers and the layout's
    language links become its slots (fill the latter with :func:`language_links`)."""
    parts = {slots.marker(name): part for name, part in _parts(template_name, context).items()}
    # In one pass: a page's own markers, inside its parts, are left for the blank.
    return slots.Blank(_PART_MARKERS.sub(lambda found: parts[found.group()], _layout().text))


def remembered_page_blank(template_name: str, shape: Hashable, marked_context: Callable[[], dict]) -> slots.Blank:
    """:func:`page_blank` of ``template_name`` with ``marked_context()``, made once per
    ``shape`` (what decides the page's markup besides its texts), language and root."""
    built = current_app.extensions[EXTENSION]
    key = (template_name, shape, current_language(), request.script_root)
    blank = built.get(key)
    if blank is None:
        blank = built[key] = page_blank(template_name, **marked_context())
    return blank


def language_links() -> dict[str, str]:
    """The values of the layout's language links for this request, escaped."""
    return {f"language_{code}": escape(url) for code, url in language_urls().items()}


def layout_is_shared() -> bool:
    """The layout shows this visitor nothing of their own: no menu of a signed-in user, no
    message (``flash``) waiting in their session or already read in this request."""
    return not current_user.is_authenticated and "_flashes" not in session and not request_ctx.flashes


def _parts(template_name: str, context: dict) -> dict[str, str]:
    separator = Markup(_SEPARATOR)
    rendered = render_template(template_name, layout="_layout_parts.html", PART=separator, **context)
    _, *parts = rendered.split(_SEPARATOR)
    return dict(zip(PARTS, parts, strict=True))


class _Layout(NamedTuple):
    text: str  # base.html with a marker in each block and language link
    blank: slots.Blank  # the same, to fill


def _layout() -> _Layout:
    built = current_app.extensions[EXTENSION]
    key = (current_language(), request.script_root)
    layout = built.get(key)
    if layout is None:
        text = render_template(
            "_layout_blank.html",
            SLOTS={name: Markup(slots.marker(name)) for name in PARTS},
            language_url=lambda code: Markup(slots.marker(f"language_{code}")),
        )
        layout = built[key] = _Layout(text, slots.Blank(text))
    return layout
