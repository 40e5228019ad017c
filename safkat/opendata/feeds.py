"""Atom feed (RFC 4287) of the newest calls for tender, with the HTML list's filters.

Built with ElementTree, which escapes ``<`` and ``&``; characters that XML 1.0 cannot hold at
all (most control characters) are dropped, so the feed is well-formed whatever a title holds.
Names are unqualified under a default ``xmlns`` attribute: ElementTree's ``default_namespace``
refuses unqualified attributes such as ``href``.
The summary is in the request's language; titles are given in French, then Arabic.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _

from safkat.http_cache import cacheable, make_etag, not_modified
from safkat.i18n import current_language, format_when, wilaya_name
from safkat.opendata.api import absolute_url, iso, tender_url
from safkat.tenders import queries
from safkat.tenders.forms import CATEGORY_LABELS
from safkat.tenders.models import Tender
from safkat.tenders.queries import TenderFilters
from safkat.web import get_session, now

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {name: _NOT_XML_CHAR.sub("", value) for name, value in attributes.items()})
    if text is not None:
        element.text = _NOT_XML_CHAR.sub("", text)
    return element


def _summary(tender: Tender, language: str) -> str:
    wilayas = ", ".join(f"{code} {wilaya_name(code)}" for code in tender.listed_wilaya_codes)
    return "\n".join(
        (
            tender.reference or "",
            f"{_('Submission deadline')}: {format_when(tender.submission_deadline_at)}",
            f"{_('Contracting authority')}: {tender.authority.name(language)}",
            f"{_('Wilayas of execution')}: {wilayas}",
        )
    )


def _entry(feed: ET.Element, tender: Tender, language: str) -> None:
    entry = _add(feed, "entry")
    url = tender_url(tender)
    _add(entry, "id", url)
    _add(entry, "title", " — ".join(t.strip() for t in (tender.title_fr, tender.title_ar or "") if t.strip()))
    _add(entry, "link", rel="alternate", type="text/html", href=url)
    _add(entry, "updated", iso(tender.changed_at))
    if tender.published_at:
        _add(entry, "published", iso(tender.published_at))
    _add(_add(entry, "author"), "name", tender.authority.name(language))
    _add(entry, "category", term=tender.category, label=str(CATEGORY_LABELS.get(tender.category, tender.category)))
    _add(entry, "summary", _summary(tender, language), type="text")


def atom_feed(tenders: list[Tender], filters: TenderFilters, updated: datetime) -> bytes:
    """The feed document for ``tenders`` (newest first), as UTF-8 bytes."""
    language = current_language()
    self_url = absolute_url(url_for("feeds.tenders_atom", **filters.as_args()))
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: language})
    _add(feed, "id", self_url)
    _add(feed, "title", f"Safkat — {_('New calls for tender')}")
    _add(feed, "updated", iso(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(
        feed,
        "link",
        rel="alternate",
        type="text/html",
        href=absolute_url(url_for("tenders.list_tenders", **filters.as_args())),
    )
    _add(_add(feed, "author"), "name", "Safkat")
    for tender in tenders:
        _entry(feed, tender, language)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/tenders.atom")
def tenders_atom():
    """The 50 most recently published tenders matching the query string's filters."""
    session, moment = get_session(), now()
    filters = TenderFilters.from_args(request.args)
    last_modified = queries.last_change(session, moment)
    etag = make_etag("feeds.tenders", sorted(filters.as_args().items()), last_modified)
    response = not_modified(etag, last_modified)
    if response is None:
        body = atom_feed(queries.newest_published(session, filters, moment), filters, last_modified or moment)
        response = current_app.response_class(body, content_type=CONTENT_TYPE)
    return cacheable(response, etag, last_modified)
