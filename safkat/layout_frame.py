"""The layout of an anonymous visitor's page, rendered once per language.

``base.html`` is the same for every anonymous visitor reading in one language, but for
the page's title, head and content and the three links to the page in other languages;
rendering it cost ~0.2 ms a page (issue 16). :func:`render_page` renders only the page's
own blocks (the page extends ``layout``, here ``_layout_parts.html``, which writes just
its blocks) and fills the layout rendered once with markers in those places
(``_layout_blank.html``, made a format string by :mod:`safkat.slots`). A signed-in visitor,
or one with a message waiting, gets ``render_template`` as before: their layout is theirs.
A page that renders this way extends ``layout|default("base.html")`` and defines its title.
"""

from __future__ import annotations

from flask import current_app, render_template, request, session
from flask.globals import request_ctx
from flask_login import current_user
from markupsafe import Markup, escape

from safkat import slots
from safkat.i18n import LANGUAGES, current_language, language_url

EXTENSION = "safkat.layout_frame"
PARTS = ("title", "head", "content")
PART = slots.marker("part")


def init_app(app) -> None:
    app.extensions[EXTENSION] = {}  # (language, application root) → the layout as a format string


def render_page(template_name: str, **context) -> str:
    """``render_template(template_name, **context)``, its layout filled in rather than
    rendered when the visitor is anonymous with no message waiting."""
    if not _layout_is_shared():
        return render_template(template_name, **context)
    rendered = render_template(template_name, layout="_layout_parts.html", PART=Markup(PART), **context)
    _, *parts = rendered.split(PART)
    values = dict(zip(PARTS, parts, strict=True))
    for code in LANGUAGES:
        values[f"language_{code}"] = escape(language_url(code))
    return _blank_layout().format_map(values)


def _layout_is_shared() -> bool:
    """The layout shows this visitor nothing of their own: no menu of a signed-in user, no
    message (``flash``) waiting in their session or already read in this request."""
    return not current_user.is_authenticated and "_flashes" not in session and not request_ctx.flashes


def _blank_layout() -> str:
    built = current_app.extensions[EXTENSION]
    key = (current_language(), request.script_root)
    blank = built.get(key)
    if blank is None:
        rendered = render_template(
            "_layout_blank.html",
            SLOTS={name: Markup(slots.marker(name)) for name in PARTS},
            language_url=lambda code: Markup(slots.marker(f"language_{code}")),
        )
        blank = built[key] = slots.formatted(rendered)
    return blank
