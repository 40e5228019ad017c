"""A tender as the API lists it, written from one plain row per tender.

A page of ``/api/v1/tenders`` was read as ORM objects (a tender, its authority, their
identity map and loader options) only to be turned into dictionaries: the loading cost a
third of the page (issue 16). Here one statement, built once, reads the listed columns of
the page's tenders and each row is written as its summary; the tender's own API answer
writes the same summary from its loaded tender (:func:`tender_summary`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Select, select

from safkat.accounts.models import ContractingAuthority
from safkat.tenders import services
from safkat.tenders.models import Tender, codes_of, url_reference_of
from safkat.tenders.queries import LOTS_COUNT, SECTORS_JOINED, WILAYAS_JOINED, RowLoader


def iso(value: datetime | None) -> str | None:
    """``2026-03-02T09:00:00Z``: UTC, to the second (``isoformat`` writes it in two thirds of
    ``strftime``'s time, and a page of the API writes 80)."""
    return value.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z" if value else None


def amount(centimes: int | None) -> str | None:
    """Centimes as a DZD decimal string: ``150000000`` → ``"1500000.00"``."""
    return None if centimes is None else f"{Decimal(centimes).scaleb(-2):f}"


def summary(tender, moment: datetime, tender_base: str, authority: tuple[str, str, str], codes: tuple) -> dict:
    """The listed facts of ``tender`` (a tender or a row of :data:`SUMMARY_COLUMNS`):
    ``tender_base`` is the absolute URL of the tender pages ending in ``/``, ``authority``
    its code and French and Arabic names, ``codes`` its wilaya codes, sector codes and
    number of lots."""
    wilayas, sectors, lots_count = codes
    return {
        "reference": tender.reference,
        "url": tender_base + url_reference_of(tender.reference or ""),
        "title": {"fr": tender.title_fr, "ar": tender.title_ar},
        "status": services.public_status(tender, moment),
        "category": tender.category,
        "procedure": tender.procedure,
        "authority": {"code": authority[0], "name": {"fr": authority[1], "ar": authority[2]}},
        "wilayas": wilayas,
        "sectors": sectors,
        "estimated_budget": amount(tender.estimated_budget) if tender.is_budget_public else None,
        "currency": "DZD",
        "published_at": iso(tender.published_at),
        "enquiry_deadline_at": iso(tender.enquiry_deadline_at),
        "submission_deadline_at": iso(tender.submission_deadline_at),
        "opening_at": iso(tender.opening_at),
        "has_reserved_lot": tender.has_reserved_lot,
        "lots_count": lots_count,
    }


def tender_summary(tender: Tender, moment: datetime, tender_base: str) -> dict:
    """The summary of a loaded tender (its authority, lot count and codes in place)."""
    authority = tender.authority
    codes = (tender.listed_wilaya_codes, tender.listed_sector_codes, tender.lots_count)
    return summary(tender, moment, tender_base, (authority.code, authority.name_fr, authority.name_ar), codes)


SUMMARY_COLUMNS: Select = (
    select(
        Tender.id,
        Tender.reference,
        Tender.title_fr,
        Tender.title_ar,
        Tender.status,
        Tender.category,
        Tender.procedure,
        Tender.estimated_budget,
        Tender.is_budget_public,
        Tender.published_at,
        Tender.enquiry_deadline_at,
        Tender.submission_deadline_at,
        Tender.opening_at,
        Tender.has_reserved_lot,
        ContractingAuthority.code.label("authority_code"),
        ContractingAuthority.name_fr.label("authority_fr"),
        ContractingAuthority.name_ar.label("authority_ar"),
        WILAYAS_JOINED.label("wilaya_codes"),
        SECTORS_JOINED.label("sector_codes"),
        LOTS_COUNT.label("lots_count"),
    )
    .join_from(Tender, ContractingAuthority, Tender.authority_id == ContractingAuthority.id)
)


class SummaryWriter:
    """The summaries of a page of the listing (``queries.listing_page``'s ``load``)."""

    def __init__(self, moment: datetime, tender_base: str):
        self.moment, self.tender_base = moment, tender_base
        # The summaries of tenders ids, in that order (ids no longer there skipped); a
        # listing page reads them in the statement of its ids.
        self.load = RowLoader(SUMMARY_COLUMNS, self.summary)

    def summary(self, row) -> dict:
        authority = (row.authority_code, row.authority_fr, row.authority_ar)
        codes = (codes_of(row.wilaya_codes or ""), codes_of(row.sector_codes or ""), row.lots_count)
        return summary(row, self.moment, self.tender_base, authority, codes)
