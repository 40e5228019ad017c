"""Amounts typed by people: every writing in use is read to its one meaning, anything that
could mean two amounts is refused, and amounts are written in words in French and Arabic."""

import pytest

from safkat.amount_words import amount_in_words
from safkat.money import AmountError, parse_amount

FOUR_AND_A_HALF_MILLION = 450_000_000  # centimes


@pytest.mark.parametrize(
    "typed",
    [
        "4500000",
        "4500000.00",
        "4500000,00",
        "4500000,0",
        "4 500 000",
        "4 500 000,00",
        "4\u00a0500\u00a0000,00",  # no-break spaces
        "4\u202f500\u202f000,00",  # narrow no-break spaces (Babel's French)
        "4\u2009500\u2009000,00",  # thin spaces
        "4.500.000",
        "4.500.000,00",
        "4,500,000",
        "4,500,000.00",
        "4 500 000.00",
        "  4 500 000,00  ",
        "+4500000",
        "4 500 000,00 DA",
        "4 500 000,00 DZD",
        "4500000 dzd",
        "4500000DA",
        "DZD 4 500 000,00",
        "4 500 000,00 دج",
        "4 500 000,00 د.ج",
        "دج 4500000",
        "٤٥٠٠٠٠٠",  # Arabic-Indic digits
        "٤٥٠٠٠٠٠٫٠٠",  # with the Arabic decimal separator
        "٤٬٥٠٠٬٠٠٠٫٠٠",  # and the Arabic thousands separator
        "٤ ٥٠٠ ٠٠٠،٠٠",  # the Arabic comma as decimal separator
        "۴۵۰۰۰۰۰",  # Eastern Arabic (Persian) digits
        "\u200f4 500 000,00\u200f دج",  # right-to-left marks around it
    ],
)
def test_every_writing_of_four_and_a_half_million(typed):
    assert parse_amount(typed) == FOUR_AND_A_HALF_MILLION


@pytest.mark.parametrize(
    ("typed", "centimes"),
    [
        ("0,5", 50),
        ("0.05", 5),
        ("12,34", 1234),
        ("12.3", 1230),
        ("1 234,56", 123456),
        ("1.234,56", 123456),
        ("1,234.56", 123456),
        ("1,234,567.89", 123456789),
        ("1.234.567,89", 123456789),
        ("999", 99900),
        ("0", 0),
        ("007", 700),
        ("1000", 100000),
        ("1000,5", 100050),
    ],
)
def test_small_and_odd_amounts(typed, centimes):
    assert parse_amount(typed) == centimes


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4.500", "can be read as two different amounts"),  # 4.5 or 4500?
        ("4,500", "can be read as two different amounts"),
        ("450,000", "can be read as two different amounts"),
        ("٤٫٥٠٠", "at most two decimals"),  # the Arabic decimal separator is never a thousands one
        ("4500,000", "at most two decimals"),  # cannot be thousands: four digits before
        ("4 500,000", "at most two decimals"),  # the thousands are already spaced
        ("12.345", "can be read as two different amounts"),
        ("1,2345", "at most two decimals"),
        ("4,500.000,00", "one decimal separator"),  # mixed, out of order
        ("4.500,000.00", "one decimal separator"),
        ("4.500,00,0", "one decimal separator"),
        ("4 500.000.000", "one kind of thousands separator"),
        ("4.500 000", "one kind of thousands separator"),
        ("45,00,000", "not in the right places"),  # lakh grouping
        ("4500.000.000", "not in the right places"),
        ("4 50 000", "not in the right places"),
        ("1.5,00", "not in the right places"),
        ("-4500", "cannot be negative"),
        ("−4500", "cannot be negative"),
        ("", "Type an amount"),
        ("DZD", "Type an amount"),
        ("quatre millions", "in digits"),
        ("4500000€", "in digits"),
        ("4e6", "in digits"),
        ("4500,", "in digits"),
        ("12345678901234567", "too large"),
        ("4_500", "in digits"),
        ("٤٫٥٠٫٠٠", "one decimal separator"),
    ],
)
def test_what_could_change_the_magnitude_is_refused(typed, message):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed)
    assert message in refused.value.message


def test_the_refusal_quotes_what_was_typed():
    with pytest.raises(AmountError) as refused:
        parse_amount("4.500")
    assert refused.value.params == {"text": "4.500"}


@pytest.mark.parametrize(
    ("centimes", "french"),
    [
        (450_000_000, "quatre millions cinq cent mille dinars algériens"),
        (400_000_000, "quatre millions de dinars algériens"),
        (100_000_000_000, "un milliard de dinars algériens"),
        (100, "un dinar algérien"),
        (200, "deux dinars algériens"),
        (8_000_000, "quatre-vingt mille dinars algériens"),
        (150, "un dinar algérien et cinquante centimes"),
        (1, "un centime"),
        (
            123_456_789,
            "un million deux cent trente-quatre mille cinq cent soixante-sept dinars algériens"
            " et quatre-vingt-neuf centimes",
        ),
        (0, "zéro dinar algérien"),
    ],
)
def test_amounts_in_french_words(centimes, french):
    assert amount_in_words(centimes, "fr") == french


@pytest.mark.parametrize(
    ("centimes", "arabic"),
    [
        (450_000_000, "أربعة ملايين وخمسمائة ألف دينار جزائري"),
        (100, "دينار جزائري واحد"),
        (200, "ديناران جزائريان"),
        (300, "ثلاثة دنانير جزائرية"),
        (1_000, "عشرة دنانير جزائرية"),
        (1_100, "أحد عشر دينارًا جزائريًا"),
        (2_500, "خمسة وعشرون دينارًا جزائريًا"),
        (10_000, "مائة دينار جزائري"),
        (200_000, "ألفا دينار جزائري"),  # the dual joined to the noun
        (250_000, "ألفان وخمسمائة دينار جزائري"),
        (500_000, "خمسة آلاف دينار جزائري"),
        (8_000_000, "ثمانون ألف دينار جزائري"),  # not num2words' "ثمانون ألف" before a number
        (8_050_000, "ثمانون ألفًا وخمسمائة دينار جزائري"),
        (200_000_000, "مليونا دينار جزائري"),
        (275_000_000, "مليونان وسبعمائة وخمسون ألف دينار جزائري"),
        (100_000_000_000, "مليار دينار جزائري"),
        (50, "خمسون سنتيمًا"),
        (1, "سنتيم واحد"),
        (2, "سنتيمان"),
        (305, "ثلاثة دنانير جزائرية وخمسة سنتيمات"),
        (
            123_456_789,
            "مليون ومئتان وأربعة وثلاثون ألفًا وخمسمائة وسبعة وستون دينارًا جزائريًا وتسعة وثمانون سنتيمًا",
        ),
        (0, "صفر دينار جزائري"),
    ],
)
def test_amounts_in_arabic_words(centimes, arabic):
    assert amount_in_words(centimes, "ar") == arabic


def test_amounts_in_english_words():
    assert (
        amount_in_words(450_000_050, "en") == "four million, five hundred thousand Algerian dinars and fifty centimes"
    )
