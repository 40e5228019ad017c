"""The public listing's filters: read from a query string, and split in two for its statements.

A filter's statements (``queries``) are built once per *form* (which filters are set, the
status and the order) with its values left as parameters, and run with the values of
the visitor's filter (:func:`bound_values`). Built once per filter instead, each new
filter cost every process ~3 ms of building and compiling on its first page (issue 16:
232 wilaya × category filters, 27 words).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from safkat.numbers import parse_int
from safkat.tenders import search
from safkat.tenders.models import Category, Procedure
from safkat.wilayas import WILAYAS_BY_CODE

ALGIERS = ZoneInfo("Africa/Algiers")
# Every public state of a tender's life (DOMAIN.md); later issues store the later ones.
PUBLIC_STATUSES = (
    "open",
    "closed",
    "opened",
    "evaluation",
    "provisional_award",
    "awarded",
    "unsuccessful",
    "cancelled",
)
SORTS = ("relevance", "deadline", "published")
MAX_AMOUNT_DZD = 10**13

# The filters whose values are parameters of the statements, and the mark a form puts in
# place of each value given: the statements see that a filter is set, never its value.
# The mark of a search is a word, so that the form has search terms too.
BOUND = ("q", "category", "procedure", "wilaya", "sector", "authority", "deadline_from", "deadline_to")
BOUND_AMOUNTS = ("budget_min", "budget_max")
_CATEGORIES = frozenset(category.value for category in Category)
_PROCEDURES = frozenset(procedure.value for procedure in Procedure)
_MARK_TEXT = "given"
_MARK_DATE = date.min
_MARK_AMOUNT = 0


@dataclass(frozen=True)
class TenderFilters:
    """Validated filters; anything absurd in the query string is dropped, never an error."""

    q: str = ""  # as typed (shown back in the search box); searched through search.query_terms
    status: str = ""
    category: str = ""
    procedure: str = ""
    wilaya: str = ""
    sector: str = ""
    authority: str = ""
    reserved: bool = False
    deadline_from: date | None = None
    deadline_to: date | None = None
    budget_min: int | None = None  # DZD
    budget_max: int | None = None
    sort: str = "relevance"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> TenderFilters:
        # The first value of each name, in a dict: a query string's MultiDict raises and
        # catches an exception for each filter not given (~1 µs each; issue 16).
        args = args.to_dict() if hasattr(args, "to_dict") else args

        def choice(name, allowed):
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        return cls(
            q=" ".join((args.get("q") or "")[: search.MAX_QUERY_LENGTH].split()),
            status=choice("status", PUBLIC_STATUSES),
            category=choice("category", _CATEGORIES),
            procedure=choice("procedure", _PROCEDURES),
            wilaya=choice("wilaya", WILAYAS_BY_CODE),
            sector=(args.get("sector") or "").strip()[:32],
            authority=(args.get("authority") or "").strip().upper()[:16],
            reserved=args.get("reserved") in ("1", "true", "on"),
            deadline_from=_date(args.get("deadline_from")),
            deadline_to=_date(args.get("deadline_to")),
            budget_min=_amount(args.get("budget_min")),
            budget_max=_amount(args.get("budget_max")),
            sort=choice("sort", SORTS) or "relevance",
        )

    def as_args(self) -> dict[str, str]:
        """The filters that are set, as query-string values (for shareable links)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in ("", None, False) or (f.name == "sort" and value == "relevance"):
                continue
            out[f.name] = "1" if value is True else str(value)
        return out

    @property
    def is_filtered(self) -> bool:
        return bool(set(self.as_args()) - {"sort"})

    @property
    def form(self) -> TenderFilters:
        """These filters with a mark in place of each value their statements bind: what the
        statements depend on. A search without a word to search is no search."""
        marks = {name: _mark(name) for name in BOUND if getattr(self, name)}
        marks |= {name: _MARK_AMOUNT for name in BOUND_AMOUNTS if getattr(self, name) is not None}
        if "q" in marks and not search.query_terms(self.q):
            marks["q"] = ""
        return replace(self, **marks)


def _mark(name: str) -> object:
    return _MARK_DATE if name.startswith("deadline") else _MARK_TEXT


def bound_values(filters: TenderFilters, dialect: str) -> dict:
    """The values of ``filters`` that the statements of their form take, by parameter name."""
    values = {name: getattr(filters, name) for name in ("category", "procedure", "wilaya", "sector", "authority")}
    values = {name: value for name, value in values.items() if value}
    if filters.deadline_from:
        values["deadline_from"] = algiers_midnight(filters.deadline_from)
    if filters.deadline_to:
        values["deadline_to"] = algiers_midnight(filters.deadline_to + timedelta(days=1))
    for name in BOUND_AMOUNTS:
        if getattr(filters, name) is not None:
            values[name] = getattr(filters, name) * 100  # stored in centimes
    terms = search.query_terms(filters.q)
    return values | search.bound_words(dialect, terms) if terms else values


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10]) if value else None
    except ValueError:
        return None


def _amount(value: str | None) -> int | None:
    return parse_int((value or "").replace(" ", ""), maximum=MAX_AMOUNT_DZD)


def algiers_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ALGIERS)
