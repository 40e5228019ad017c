"""Figures as text: for the page, in its language (Babel, no request needed), and for CSV files."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from safkat.i18n import format_dzd


class Formatter:
    """Numbers, shares, amounts and months in one language (Babel, no request needed)."""

    def __init__(self, locale: str):
        self.locale = locale

    def integer(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def decimal(self, value: Decimal | None, places: int = 1) -> str:
        if value is None:
            return "—"
        pattern = "#,##0." + "0" * places
        return format_decimal(_round(value, places), format=pattern, locale=self.locale)

    def percent(self, share: Decimal | None) -> str:
        """A share (0–1) to one decimal of a percent: ``39,3 %``."""
        if share is None:
            return "—"
        return format_percent(_round(share, 3), locale=self.locale, decimal_quantization=False)

    def amount(self, centimes: int) -> str:
        return format_dzd(centimes, self.locale)

    def month(self, key: str) -> str:
        year, month = map(int, key.split("-"))
        return format_date(date(year, month, 1), "LLLL y", locale=self.locale)


def _round(value: Decimal, places: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def csv_amount(centimes: int) -> str:
    """``370000000`` → ``"3700000.00"`` (DZD, two decimals)."""
    return f"{Decimal(centimes).scaleb(-2):.2f}"


def csv_percent(share: Decimal | None) -> str:
    return "" if share is None else f"{_round(share * 100, 2):.2f}"


def csv_decimal(value: Decimal | None, places: int = 2) -> str:
    return "" if value is None else f"{_round(value, places):.{places}f}"
