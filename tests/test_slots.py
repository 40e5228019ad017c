"""``slots.positional``: markup rendered once with markers, filled with ``%`` and a tuple."""

import pytest

from safkat.slots import marker, positional


def test_a_positional_blank_is_filled_in_the_order_of_its_names():
    text = f'<a href="{marker("href")}">100 % {marker("title")}</a>'
    blank = positional(text, ("href", "title", "budget"))  # the last name absent: a shorter tuple
    assert blank % ("/tenders/x", "Fibre") == '<a href="/tenders/x">100 % Fibre</a>'


def test_markers_out_of_the_names_order_are_refused():
    """Filled in another order, a card would put its title in its link: refused when built."""
    with pytest.raises(ValueError, match="in order"):
        positional(f"{marker('title')}{marker('href')}", ("href", "title"))
    with pytest.raises(ValueError, match="in order"):
        positional(f"{marker('title')}", ("href", "title"))
