"""Amounts of money as people type them, read safely into integer centimes.

Firms type "4 500 000,00", "4.500.000,00", "4,500,000.00", "4500000", Arabic-Indic digits
("٤٥٠٠٠٠٠٫٠٠"), with or without "DA", "DZD" or "دج". Whatever the writing, the value must
be the one meant: a string that two habits would read differently ("4.500": four and a
half, or four thousand five hundred?) is refused with a message saying how to write it,
never guessed. Knows no Flask; errors are :class:`AmountError` with an untranslated message.
"""

from __future__ import annotations

import re

from safkat.errors import N_, DomainError

MAX_DIGITS = 16  # integer digits: far above any bid, below what a BIGINT of centimes holds

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹،", "01234567890123456789,")  # and the Arabic comma
# Spaces people (and their keyboards, and Babel's French) put between thousands.
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_MARKS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # bidi marks
_CURRENCY = re.compile(r"^(?:dzd|da|د\.?ج\.?|دج)\s*|\s*(?:dzd|da|د\.?ج\.?|دج)$", re.IGNORECASE)
ARABIC_DECIMAL, ARABIC_GROUP = "\u066b", "\u066c"  # ٫ and ٬


class AmountError(DomainError):
    """What was typed is not an amount, or could be read as two different amounts."""


def parse_amount(text: str) -> int:
    """The amount ``text`` means, in centimes. Raises :class:`AmountError`."""
    cleaned = _MARKS.sub("", text or "").strip().translate(_DIGITS)
    cleaned = _CURRENCY.sub("", cleaned).strip()
    if not cleaned:
        raise AmountError(N_("Type an amount."))
    if cleaned.startswith(("-", "\u2212")):
        raise AmountError(N_("An amount cannot be negative."))
    cleaned = _SPACES.sub(" ", cleaned.lstrip("+"))
    if not re.fullmatch(rf"[0-9][0-9 .,{ARABIC_DECIMAL}{ARABIC_GROUP}]*", cleaned):
        raise AmountError(N_("Type the amount in digits, for example 4 500 000,00."))
    whole, decimals = _split_decimals(cleaned)
    digits = _ungroup(whole)
    if len(digits.lstrip("0")) > MAX_DIGITS:
        raise AmountError(N_("This amount is too large."))
    return int(digits) * 100 + int(decimals.ljust(2, "0"))


def _split_decimals(text: str) -> tuple[str, str]:
    """``(whole part with its group separators, centimes digits)``."""
    if ARABIC_DECIMAL in text:
        whole, _, decimals = text.partition(ARABIC_DECIMAL)
        if "." in text or "," in text or ARABIC_DECIMAL in decimals:
            raise AmountError(N_("Use one decimal separator, after the thousands."))
        return whole, _check_decimals(decimals)
    marks = [c for c in text if c in ".,"]
    if not marks:
        return text, ""
    last = marks[-1]
    if len(set(marks)) == 2:  # "4.500.000,00": the last one is the decimal separator
        whole, _, decimals = text.rpartition(last)
        if last in whole:
            raise AmountError(N_("Use one decimal separator, after the thousands."))
        return whole, _check_decimals(decimals)
    if len(marks) > 1:  # "4.500.000": only thousands
        return text, ""
    whole, _, decimals = text.partition(last)
    if len(decimals) == 3 and _could_group(whole):
        raise AmountError(
            N_(
                "“%(text)s” can be read as two different amounts. Write the thousands with a space "
                "(4 500) and the centimes with two digits after the comma (4,50)."
            ),
            text=text,
        )
    return whole, _check_decimals(decimals)


def _could_group(whole: str) -> bool:
    """Whether ``whole`` could be the first part of a number grouped by thousands."""
    return " " not in whole and len(whole) <= 3


def _check_decimals(decimals: str) -> str:
    if not re.fullmatch(r"[0-9]{1,2}", decimals):
        if re.fullmatch(r"[0-9]{3,}", decimals):
            raise AmountError(N_("An amount has at most two decimals (the centimes)."))
        if " " in decimals:  # "4.500 000": spaces and points both between thousands
            raise AmountError(N_("Use one kind of thousands separator."))
        raise AmountError(N_("Type the amount in digits, for example 4 500 000,00."))
    return decimals


def _ungroup(whole: str) -> str:
    """The digits of ``whole``, whose separators (if any) must split it by thousands."""
    separators = set(re.sub(r"[0-9]", "", whole))
    if not separators:
        return whole
    if len(separators) > 1:
        raise AmountError(N_("Use one kind of thousands separator."))
    groups = whole.split(separators.pop())
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise AmountError(N_("The thousands separators are not in the right places."))
    return "".join(groups)
