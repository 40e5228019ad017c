"""What a tender card of a listing shows, read as plain rows and written once per card.

Built from ORM objects by a template that formatted every field, the 20 cards of a page
cost ~2 ms of loading and ~2.4 ms of template on the benchmark machine, most of a page
(issue 16). Here one statement reads only the columns a card shows, each card's strings
are formatted in Python with what is the same for the whole page (language, labels,
date and number patterns, the clock) looked up once, and ``tenders/_cards.html`` only
places them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from flask import url_for
from flask_babel import get_locale, get_timezone, ngettext
from markupsafe import Markup
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from safkat.accounts.models import ContractingAuthority
from safkat.bilingual import pick_version, wrap
from safkat.i18n import current_language, format_dzd, medium_when, translated, wilaya_name
from safkat.tenders import services
from safkat.tenders.labels import CATEGORY_LABELS, STATUS_LABELS
from safkat.tenders.models import Tender, codes_of, url_reference_of
from safkat.tenders.queries import LOTS_COUNT, WILAYAS_JOINED


@dataclass(frozen=True, slots=True)
class Card:
    """A tender as a card shows it, every text already in the page's language."""

    href: str
    title: Markup  # in its own lang/dir element, with the fallback note
    state: str  # the public status: the badge's class
    status: str
    reference: str
    authority: str
    category: str
    is_reserved: bool
    deadline_iso: str
    deadline: str
    wilayas: str
    lots: str
    budget: str  # "" when the budget is not public


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


class CardWriter:
    """Writes the cards of one page: built once per page, in a request (it reads the
    page's language, time zone and URL map)."""

    def __init__(self, now: datetime):
        self.now = now
        self.language = current_language()
        self.locale, self.timezone = get_locale(), get_timezone()
        self.statuses = translated(STATUS_LABELS)
        self.categories = translated(CATEGORY_LABELS)
        self.tender_path = url_for("tenders.show_tender", url_reference="-").removesuffix("-")
        self._lots: dict[int, str] = {}

    def load(self, session: Session, ids: Sequence[int]) -> list[Card]:
        """The cards of tenders ``ids``, in that order (ids no longer public are skipped)."""
        if not ids:
            return []
        rows = {row.id: row for row in session.execute(CARD_ROW.where(Tender.id.in_(ids)))}
        return [self.card(rows[id_]) for id_ in ids if id_ in rows]

    def card(self, row) -> Card:
        state = services.public_status(row, self.now)  # a row has the status and deadline it reads
        deadline = row.submission_deadline_at
        return Card(
            href=self.tender_path + quote(url_reference_of(row.reference)),
            title=wrap(pick_version(row.title_fr, row.title_ar, self.language)),
            state=state,
            status=self.statuses[state],
            reference=row.reference,
            authority=row.authority_ar if self.language == "ar" else row.authority_fr,
            category=self.categories[row.category],
            is_reserved=row.has_reserved_lot,
            deadline_iso=deadline.isoformat(),
            deadline=medium_when(deadline, self.locale, self.timezone),
            wilayas=", ".join(wilaya_name(code, self.language) for code in codes_of(row.wilaya_codes)),
            lots=self._lots_text(row.lots_count),
            budget=self._budget(row),
        )

    def _budget(self, row) -> str:
        if not row.is_budget_public or row.estimated_budget is None:
            return ""
        return format_dzd(row.estimated_budget, self.language)

    def _lots_text(self, count: int) -> str:
        text = self._lots.get(count)
        if text is None:
            text = self._lots[count] = ngettext("%(num)d lot", "%(num)d lots", count)
        return text
