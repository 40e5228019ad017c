"""Checks of Algerian identifiers, shared by forms and services."""

from __future__ import annotations

import re

_RC = re.compile(r"^\d{2}/\d{2}-\d{5,8}\s?[A-Z]\s?\d{2}$")
_AUTHORITY_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}(-[A-Z0-9]{2,6})?$")


def normalise_digits(value: str) -> str:
    """Drop spaces and dashes people type inside long numbers."""
    return re.sub(r"[\s\-.]", "", value or "")


def is_valid_nif(value: str) -> bool:
    """A NIF is 15 digits (20 for some entities)."""
    value = normalise_digits(value)
    return value.isascii() and value.isdigit() and len(value) in (15, 20)


def is_valid_nis(value: str) -> bool:
    """A NIS is usually 15 digits."""
    value = normalise_digits(value)
    return value.isascii() and value.isdigit() and len(value) == 15


def normalise_rc(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip().upper())


def is_valid_rc(value: str) -> bool:
    """A trade-register number such as ``31/00-1234567 B 20``."""
    return bool(_RC.match(normalise_rc(value)))


def is_valid_authority_code(value: str) -> bool:
    """Codes used in tender references, such as ``AT-ORN`` or ``APA``."""
    return bool(_AUTHORITY_CODE.match(value or ""))


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()
