"""What the figures are made of: shares that tolerate an empty denominator, names in each language."""

from __future__ import annotations

from decimal import Decimal


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """``numerator / denominator`` as a Decimal, ``None`` when there is nothing to divide."""
    return Decimal(numerator) / Decimal(denominator) if denominator else None


def localized(names: dict[str, str], locale: str, default: str) -> str:
    """The name in ``locale``, else the French one, else ``default`` (a code)."""
    return names.get(locale) or names.get("fr") or default
