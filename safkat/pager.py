"""What a list's pager shows, its text and its links, worked out once in Python: the
macro only places them, and the listing writes them into a page rendered once with
markers (:mod:`safkat.tenders.listing_html`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from markupsafe import Markup

from safkat.fixed_urls import query_url
from safkat.i18n import format_count, page_gettext
from safkat.pagination import Page


@dataclass(frozen=True)
class PagerView:
    text: Markup  # "Page 2 of 7": the translation is trusted markup, as Jinja's ``_()`` makes it
    prev_url: str | None
    next_url: str | None


def pager_view(page: Page, endpoint: str) -> PagerView | None:
    """The pager of ``page`` of ``endpoint``'s list (the request's arguments kept in its
    links), or ``None`` when everything fits on one page."""
    if page.pages <= 1:
        return None
    if page.is_exact:
        text = page_gettext("Page %(page)s of %(pages)s", page=page.page, pages=page.pages)
    else:
        text = page_gettext("Page %(page)s of about %(pages)s", page=page.page, pages=format_count(page.pages))
    return PagerView(
        Markup(text),
        _page_url(endpoint, page.page - 1) if page.has_prev else None,
        _page_url(endpoint, page.page + 1) if page.has_next else None,
    )


def _page_url(endpoint: str, number: int) -> str:
    return query_url(endpoint, dict(request.args, page=number))
