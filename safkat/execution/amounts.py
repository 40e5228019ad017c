"""A strict amount parser (DZD to centimes), kept in one function so that a shared parser
can replace it: digits with optional spaces or dots as thousands separators and at most two
decimals after a comma (or a lone dot followed by one or two digits)."""

from __future__ import annotations

import re

from safkat.errors import N_, DomainError

_AMOUNT = re.compile(r"^([0-9]{1,3}(?:[ .\u00a0\u202f][0-9]{3})+|[0-9]+)(?:[,.]([0-9]{1,2}))?$")
MAX_CENTIMES = 10**15


def parse_amount(text: str | None) -> int:
    """``"1 234 567,89"`` → ``123456789`` centimes; anything else raises :class:`DomainError`."""
    cleaned = (text or "").strip()
    match = _AMOUNT.match(cleaned)
    if not match:
        raise DomainError(N_("Write the amount in dinars, e.g. 1 250 000,00."))
    whole = int(re.sub(r"\D", "", match.group(1)))
    cents = int((match.group(2) or "0").ljust(2, "0"))
    value = whole * 100 + cents
    if not 0 < value < MAX_CENTIMES:
        raise DomainError(N_("Write the amount in dinars, e.g. 1 250 000,00."))
    return value
