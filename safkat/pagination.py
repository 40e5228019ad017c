"""Pagination of SQLAlchemy queries for list pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from safkat.numbers import parse_int

DEFAULT_PER_PAGE = 20
MAX_PAGE = 10_000


def parse_page(value: str | None) -> int:
    """A page number from a query string; anything absurd becomes 1."""
    return parse_int(value, default=1, minimum=1, maximum=MAX_PAGE)


@dataclass
class Page:
    """A page of results. ``total`` may be rounded (``is_exact=False``: "about N"); then
    ``more`` says whether a next page exists, from one row read beyond this page."""

    items: list
    page: int
    per_page: int
    total: int
    is_exact: bool = True
    more: bool | None = None

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.more if self.more is not None else self.page < self.pages


def paginate(session: Session, query: Select, page: str | int | None, per_page: int = DEFAULT_PER_PAGE) -> Page:
    number = parse_page(page) if not isinstance(page, int) else page
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, number, per_page, total)
