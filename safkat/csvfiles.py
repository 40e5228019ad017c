"""Writing the CSV files the platform publishes, safe to open in a spreadsheet.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel or LibreOffice as a formula: an authority named ``=HYPERLINK(...)`` would run
in the reader's spreadsheet (issue 18). Such text cells are prefixed with an apostrophe, as
OWASP advises ("CSV injection"); numbers the platform computed are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """The cell's text, made inert if a spreadsheet would take it for a formula."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Iterable[object], rows: Iterable[Iterable[object]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads Arabic names right), comma-separated, CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(value) for value in header])
    writer.writerows([[neutralise(value) for value in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
