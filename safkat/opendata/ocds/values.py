"""Dates, amounts and JSON text as the OCDS releases write them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

CURRENCY = "DZD"


def iso(value: datetime | None) -> str | None:
    """``2026-03-02T09:00:00Z``: UTC, to the second."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def amount_number(centimes: int) -> int | float:
    """Centimes as a JSON number of DZD: whole dinars stay integers."""
    return centimes // 100 if centimes % 100 == 0 else float(Decimal(centimes).scaleb(-2))


def money(centimes: int) -> dict:
    return {"amount": amount_number(centimes), "currency": CURRENCY}


def amount_text(centimes: int) -> str:
    """``1234.50 DZD``: an amount in a description."""
    return f"{Decimal(centimes).scaleb(-2):f} {CURRENCY}"


def compact(mapping: dict) -> dict:
    """Drop the keys whose value is ``None`` (absent, not null: null would erase on merge)."""
    return {key: value for key, value in mapping.items() if value is not None}


def dumps(document: dict) -> str:
    """Compact JSON, UTF-8 characters kept as they are."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
