"""The listing page (``/tenders``): its texts worked out in Python, its markup rendered
once per shape.

Rendered by Jinja for every page, the listing's own template (heading, pager, links) cost
more than its twenty cards (issue 16). What the page says is a :class:`ListingView` of
finished texts; what decides its markup besides them is its shape (results or none, a
pager and which of its links, filters or none). An anonymous visitor's page is the
template rendered once per shape and language with a marker for each text
(:func:`safkat.layout_frame.remembered_page_blank`), filled with the texts, escaped;
anyone else's is the template rendered with the texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup, escape

from safkat.fixed_urls import query_url
from safkat.i18n import format_count, page_gettext, page_ngettext
from safkat.layout_frame import language_links, layout_is_shared, remembered_page_blank
from safkat.pager import PagerView, pager_view
from safkat.pagination import Page
from safkat.slots import marker
from safkat.tenders.queries import TenderFilters

TEMPLATE = "tenders/list.html"
_TEXTS = ("heading", "cards", "search_form", "feed_url", "json_url")  # the view's texts (fields)


@dataclass(frozen=True)
class ListingView:
    heading: Markup
    cards: Markup
    search_form: Markup
    feed_url: str
    json_url: str
    pager: PagerView | None
    has_items: bool
    is_filtered: bool

    @property
    def shape(self) -> tuple[bool, ...]:
        pager = self.pager
        links = (pager.prev_url is not None, pager.next_url is not None) if pager else (False, False)
        return (pager is not None, *links, self.has_items, self.is_filtered)


def listing_view(page: Page, filters: TenderFilters, search_form: Markup) -> ListingView:
    """What the page of ``page``'s cards (HTML) under ``filters`` says."""
    args = filters.as_args()
    return ListingView(
        heading=results_heading(page),
        cards=Markup("".join(page.items)),
        search_form=search_form,
        feed_url=query_url("feeds.tenders_atom", args),
        json_url=query_url("api.list_tenders", args),
        pager=pager_view(page, "tenders.list_tenders"),
        has_items=bool(page.items),
        is_filtered=filters.is_filtered,
    )


def results_heading(page: Page) -> Markup:
    """ "12 calls for tender", or "About 95,000 calls for tender" for a rounded count."""
    if page.is_exact:
        return Markup(page_ngettext("%(num)d call for tender", "%(num)d calls for tender", page.total))
    return Markup(page_gettext("About %(num)s calls for tender", num=format_count(page.total)))


def listing_html(view: ListingView) -> str:
    """The listing page showing ``view``."""
    if not layout_is_shared():
        return render_template(TEMPLATE, listing=view)
    blank = remembered_page_blank(TEMPLATE, view.shape, lambda: {"listing": _marked(view)})
    return blank.fill(_texts(view) | language_links())


def _marked(view: ListingView) -> ListingView:
    """A view of ``view``'s shape with a marker for each of its texts."""
    pager = view.pager and PagerView(
        Markup(marker("pager_text")),
        Markup(marker("prev_url")) if view.pager.prev_url is not None else None,
        Markup(marker("next_url")) if view.pager.next_url is not None else None,
    )
    texts = {name: Markup(marker(name)) for name in _TEXTS}
    return ListingView(**texts, pager=pager, has_items=view.has_items, is_filtered=view.is_filtered)


def _texts(view: ListingView) -> dict[str, str]:
    """The view's texts as the template places them: escaped, markup as it is."""
    texts = {name: escape(getattr(view, name)) for name in _TEXTS}
    if view.pager:
        pager = view.pager
        texts |= {
            "pager_text": pager.text,
            "prev_url": escape(pager.prev_url or ""),
            "next_url": escape(pager.next_url or ""),
        }
    return texts
