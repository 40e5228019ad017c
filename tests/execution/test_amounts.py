import pytest

from safkat.errors import DomainError
from safkat.execution.amounts import parse_amount


@pytest.mark.parametrize(
    ("text", "centimes"),
    [
        ("1250000", 125_000_000),
        ("1 250 000,50", 125_000_050),
        ("1.250.000,5", 125_000_050),
        ("99.99", 9_999),
        ("12\u202f000", 1_200_000),
    ],
)
def test_amounts_in_dinars(text, centimes):
    assert parse_amount(text) == centimes


@pytest.mark.parametrize("text", ["", "abc", "-5", "1,234,567", "1e6", "0", "1 25 000", "12,345", "NaN", "١٢٣"])
def test_anything_else_is_refused(text):
    with pytest.raises(DomainError):
        parse_amount(text)
