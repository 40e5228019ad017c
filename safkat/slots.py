"""Templates rendered once with a marker in each slot, then filled by a regular expression.

Jinja pays a few microseconds for each value it places (a context lookup, an escape, a
yield). Markup written many times a page (a listing's 20 cards) or for every page with
other values (the search form) is therefore rendered once, with :func:`marker` ``(name)``
where a value goes, and each use fills the slots in one pass (:func:`fill`). The template
stays the one place that says what the markup is; the tests of each use compare a filled
copy with Jinja's own rendering of the same values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_MARKER = re.compile("\ue000([a-z_]+)\ue000")


def marker(name: str) -> str:
    """A slot's marker: a private-use character, which forms keep (unlike control
    characters) and which Jinja's escaping leaves as it is."""
    return f"\ue000{name}\ue000"


def fill(rendered: str, values: Mapping[str, str]) -> str:
    """``rendered`` with each slot replaced by its value (already escaped), in one pass: a
    value that holds a marker is not filled in turn."""
    return _MARKER.sub(lambda slot: values[slot.group(1)], rendered)
