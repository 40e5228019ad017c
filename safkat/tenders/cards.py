"""What a tender card of a listing shows, read as plain rows and written once per card.

Built from ORM objects by a template that formatted every field, the 20 cards of a page
cost ~2 ms of loading and ~2.4 ms of template on the benchmark machine, most of a page
(issue 16). Here one statement, built once, reads only the columns a card shows; each
card's strings are formatted in Python with what is the same for the whole page
(language, labels, date and number patterns, the clock) looked up once; and
``tenders/_card.html``, rendered once per language and variant with markers in its slots
and made a format string (:mod:`safkat.slots`), is filled for each card.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import quote

from flask import render_template
from flask_babel import get_locale, get_timezone, ngettext
from markupsafe import Markup, escape
from sqlalchemy import Select, select

from safkat import slots
from safkat.accounts.models import ContractingAuthority
from safkat.bilingual import wrapped_version
from safkat.fixed_urls import fixed_url
from safkat.i18n import MediumDates, current_language, format_dzd, translated, wilaya_names
from safkat.slots import escaped
from safkat.tenders import services
from safkat.tenders.labels import CATEGORY_LABELS, STATUS_LABELS
from safkat.tenders.models import Tender, codes_of, url_reference_of
from safkat.tenders.queries import LOTS_COUNT, WILAYAS_JOINED, RowLoader

CARD_ROW: Select = select(
    Tender.id,
    Tender.reference,
    Tender.title_fr,
    Tender.title_ar,
    Tender.status,
    Tender.submission_deadline_at,
    Tender.category,
    Tender.has_reserved_lot,
    Tender.is_budget_public,
    Tender.estimated_budget,
    ContractingAuthority.name_fr.label("authority_fr"),
    ContractingAuthority.name_ar.label("authority_ar"),
    LOTS_COUNT.label("lots_count"),
    WILAYAS_JOINED.label("wilaya_codes"),
).join_from(Tender, ContractingAuthority, Tender.authority_id == ContractingAuthority.id)
# Built once: a statement made afresh costs more to build and to key for the compiled
# cache than the database takes to run it. A listing page reads its rows as named tuples
# (queries.RowLoader): a card reads their fields ~15 times, ~0.04 µs each against ~0.3
# from SQLAlchemy's row.
SLOTS = ("href", "title", "state", "status", "reference", "authority", "category")
SLOTS += ("deadline_iso", "deadline", "wilayas", "lots", "budget")
_blanks: dict[tuple[str, bool, bool], str] = {}  # (language, reserved, with budget) → a % format string


@lru_cache(maxsize=8)
def _labels(language: str) -> tuple[dict[str, Markup], dict[str, Markup]]:
    """The statuses and categories in ``language`` (the page's), escaped: once per process."""
    return (
        {state: escape(label) for state, label in translated(STATUS_LABELS).items()},
        {category: escape(label) for category, label in translated(CATEGORY_LABELS).items()},
    )


class CardWriter:
    """Writes the cards of one page: built once per page, in a request (it reads the
    page's language, time zone and URL map)."""

    def __init__(self, now: datetime):
        self.now = now
        self.language = current_language()
        self.deadline_text = MediumDates(get_locale(), get_timezone())
        self.statuses, self.categories = _labels(self.language)
        self.tender_path = fixed_url("tenders.show_tender", url_reference="-").removesuffix("-")
        # The cards of tenders ids as HTML, in that order (ids no longer public skipped);
        # a listing page reads them in the statement of its ids.
        self.load = RowLoader(CARD_ROW, self.write)

    def write(self, row) -> Markup:
        """The card of ``row`` (of :data:`CARD_ROW`) as ``tenders/_card.html`` renders it."""
        values = self.slot_values(row)
        has_budget = bool(values[-1])
        key = (self.language, bool(row.has_reserved_lot), has_budget)
        blank = _blanks.get(key)
        if blank is None:
            markers = {name: Markup(slots.marker(name)) for name in SLOTS}
            variant = {"is_reserved": key[1], "budget": markers["budget"] if has_budget else ""}
            rendered = render_template("tenders/_card.html", card=markers | variant)
            blank = _blanks[key] = slots.positional(rendered, SLOTS)
        return Markup(blank % (values if has_budget else values[:-1]))  # the budget is the last slot

    def slot_values(self, row) -> tuple[str, ...]:
        """What each slot of ``row``'s card shows (:data:`SLOTS`, in order), in the page's
        language, escaped."""
        state = services.public_status(row, self.now)  # a row has the status and deadline it reads
        deadline = row.submission_deadline_at
        return (
            # quote() leaves letters, digits, "_.-~" and "/": nothing to escape
            self.tender_path + quote(url_reference_of(row.reference)),
            wrapped_version(row.title_fr, row.title_ar, self.language),
            state,
            self.statuses[state],
            escaped(row.reference),
            escaped(row.authority_ar if self.language == "ar" else row.authority_fr),
            self.categories[row.category],
            deadline.isoformat(),
            escaped(self.deadline_text(deadline)),
            _wilayas_text(self.language, row.wilaya_codes),
            _lots_text(self.language, row.lots_count),
            self._budget(row),
        )

    def _budget(self, row) -> str:
        if not row.is_budget_public or row.estimated_budget is None:
            return ""
        return format_dzd(row.estimated_budget, self.language)  # digits, separators and "DZD"/"دج"


@lru_cache(maxsize=256)
def _lots_text(language: str, count: int) -> str:
    """A card's "3 lots" in ``language``, the request's (which ``ngettext`` reads), escaped."""
    return escaped(ngettext("%(num)d lot", "%(num)d lots", count))


@lru_cache(maxsize=4096)
def _wilayas_text(language: str, joined_codes: str) -> str:
    """The names of a card's wilayas (their codes as the statement joins them) in
    ``language``, escaped: a few hundred sets cover most tenders."""
    names = wilaya_names(language)
    return escaped(", ".join(names.get(code, code) for code in codes_of(joined_codes)))
