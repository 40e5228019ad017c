"""Reading integers from URLs, query strings and form keys, with the length checked first.

A number of thousands of digits makes ``int()`` fail (Python's conversion limit) and one
of twenty makes the database fail (no integer column holds it): both were 500s (issue
18). Every integer that comes from a request goes through :func:`parse_int` or the
bounded ``<int:...>`` URL converter, which refuse such numbers before converting them.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_DIGITS = 18  # every number of 18 digits fits a signed 64-bit integer column


def parse_int(value: object, default: int | None = None, minimum: int = 0, maximum: int | None = None) -> int | None:
    """``value`` as an integer if it is plain decimal digits within ``[minimum, maximum]``,
    else ``default``: absurd input is ignored, never an error."""
    text = value.strip() if isinstance(value, str) else ""
    if not 0 < len(text) <= MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return default
    number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        return default
    return number


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that matches at most :data:`MAX_DIGITS` digits: a longer id is a 404."""

    regex = rf"\d{{1,{MAX_DIGITS}}}"


def init_app(app) -> None:
    """Install the bounded converter; before any route is added."""
    app.url_map.converters["int"] = BoundedIntConverter
