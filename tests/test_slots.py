"""Markup rendered once with markers, filled with a page's values: ``slots.Blank`` and
``slots.positional`` (``%`` and a tuple)."""

import pytest

from safkat.slots import Blank, marker, positional


def test_a_blank_puts_each_value_in_its_slots_and_leaves_the_rest_as_it_is():
    text = f'<p class="{{x}}">{marker("title")} – {marker("count")} %s {{}} {marker("title")}</p>'
    filled = Blank(text).fill({"title": "Fibre {q} \ue000q\ue000", "count": "12", "unused": "x"})
    assert filled == '<p class="{x}">Fibre {q} \ue000q\ue000 – 12 %s {} Fibre {q} \ue000q\ue000</p>'
    assert Blank("no slot {here}").fill({}) == "no slot {here}"


def test_a_blank_filled_without_one_of_its_values_is_refused():
    with pytest.raises(KeyError, match="count"):
        Blank(f"{marker('title')} {marker('count')}").fill({"title": "Fibre"})


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
