"""Amounts in dinars written in words, as official Algerian documents write them.

French comes from num2words as it is, with the nouns added by the rules of French ("un
million de dinars algériens", "quatre millions cinq cent mille dinars algériens").

num2words' Arabic is not right for amounts: it writes "ثمانون ألف" for ٨٠٠٠٠ (the noun
after 11–99 takes the accusative: "ثمانون ألفًا"), detaches the conjunction ("و خمسمائة"),
knows no Algerian dinar, and keeps its state on a shared converter (not safe between
threads). So it is used here only for the numbers 1–999, on a converter of its own, and
the thousands, millions, billions, dinars and centimes are put together here, each noun
agreeing with the number before it (singular, dual, plural of 3–10, accusative of 11–99).
Knows no Flask.
"""

from __future__ import annotations

import re

from num2words import num2words
from num2words.lang_AR import Num2Word_AR

# singular, dual, dual before a noun (construct), plural (3–10), accusative (11–99)
_AR_SCALES = (
    (10**9, ("مليار", "ملياران", "مليارا", "مليارات", "مليارًا")),
    (10**6, ("مليون", "مليونان", "مليونا", "ملايين", "مليونًا")),
    (10**3, ("ألف", "ألفان", "ألفا", "آلاف", "ألفًا")),
)
_AR_DINARS = ("دينار جزائري", "ديناران جزائريان", "دنانير جزائرية", "دينارًا جزائريًا")
_AR_CENTIMES = ("سنتيم", "سنتيمان", "سنتيمات", "سنتيمًا")
_AR_AND = "و"


def amount_in_words(centimes: int, lang: str) -> str:
    """``centimes`` in words in ``lang`` (``fr``, ``ar``; English otherwise)."""
    dinars, cents = divmod(int(centimes), 100)
    if lang == "ar":
        return _arabic(dinars, cents)
    if lang == "fr":
        return _french(dinars, cents)
    return _english(dinars, cents)


# --- French -----------------------------------------------------------------------------------


def _french(dinars: int, cents: int) -> str:
    parts = []
    if dinars or not cents:
        words = num2words(dinars, lang="fr")
        if dinars < 2:
            parts.append(f"{words} dinar algérien")
        else:
            of = (
                " de" if words.endswith(("million", "millions", "milliard", "milliards", "billion", "billions")) else ""
            )
            parts.append(f"{words}{of} dinars algériens")
    if cents:
        parts.append(f"{num2words(cents, lang='fr')} centime{'s' if cents > 1 else ''}")
    return " et ".join(parts)


def _english(dinars: int, cents: int) -> str:
    parts = []
    if dinars or not cents:
        parts.append(f"{num2words(dinars, lang='en')} Algerian dinar{'' if dinars == 1 else 's'}")
    if cents:
        parts.append(f"{num2words(cents, lang='en')} centime{'' if cents == 1 else 's'}")
    return " and ".join(parts)


# --- Arabic ---------------------------------------------------------------------------------


def _below_thousand(number: int) -> str:
    """1–999 in words, with the conjunction joined to the word it links ("وعشرون")."""
    words = Num2Word_AR().to_cardinal(number)
    return re.sub(r"(?<!\S)و\s+", _AR_AND, words.strip())


def _counted(count: int, forms: tuple[str, ...], followed: bool) -> str:
    """``count`` things of a scale (thousands, millions…), the noun agreeing with it.

    ``followed`` says whether more of the number comes after. If not, the scale noun is
    joined to the noun that follows (construct state): "ألفا دينار", "ثمانون ألف دينار";
    if so, it stands whole: "ألفان وخمسمائة", "ثمانون ألفًا وخمسمائة"."""
    singular, dual, dual_construct, plural, accusative = forms
    if count == 1:
        return singular
    if count == 2:
        return dual if followed else dual_construct
    words = _integer_words(count)
    last_two = count % 100
    if 3 <= last_two <= 10:
        return f"{words} {plural}"
    if 11 <= last_two <= 99 and followed:
        return f"{words} {accusative}"
    return f"{words} {singular}"


def _integer_words(number: int) -> str:
    parts = []
    for scale, forms in _AR_SCALES:
        count, number = divmod(number, scale)
        if count:
            parts.append(_counted(count, forms, followed=number > 0))
    if number:
        parts.append(_below_thousand(number))
    return f" {_AR_AND}".join(parts)


def _with_noun(number: int, forms: tuple[str, ...]) -> str:
    """``number`` with the noun ``forms`` (singular, dual, plural, accusative) agreeing."""
    singular, dual, plural, accusative = forms
    if number == 1:
        return f"{singular} واحد"  # dinar and centime are both masculine
    if number == 2:
        return dual
    last_two = number % 100
    noun = plural if 3 <= last_two <= 10 else accusative if 11 <= last_two <= 99 else singular
    return f"{_integer_words(number)} {noun}"


def _arabic(dinars: int, cents: int) -> str:
    parts = []
    if dinars:
        parts.append(_with_noun(dinars, _AR_DINARS))
    elif not cents:
        parts.append(f"صفر {_AR_DINARS[0]}")
    if cents:
        parts.append(_with_noun(cents, _AR_CENTIMES))
    return f" {_AR_AND}".join(parts)
