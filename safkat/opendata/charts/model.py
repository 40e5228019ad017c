"""A chart: the same figures as a table (``rows``), a CSV file (``csv_rows``) and bars to draw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[tuple[float, str], ...]  # (value, series key), stacked in order
    value_label: str


@dataclass
class Chart:
    slug: str
    title: object
    description: object  # one sentence, also the SVG's <desc>
    columns: list[object]
    rows: list[list[object]]  # str or Cell; the first column is a label, the others numbers
    csv_header: list[str]
    csv_rows: list[list[object]]
    bars: list[Bar] = field(default_factory=list)
    series: dict[str, object] = field(default_factory=dict)  # series key → legend label
    scale_max: float | None = None  # fixed scale (1.0 for shares); else the largest bar
    target: tuple[float, object] | None = None  # a vertical reference line and its label
    note: object = ""
    label_columns: int = 1  # leading columns of text; the others are numbers, aligned to the end


def count_chart(
    slug: str,
    title: object,
    description: object,
    columns: list[object],
    csv_header: list[str],
    counts: list[tuple[object, object, int]],
    integer: Callable[[int], str],
) -> Chart:
    """A chart of counts, one bar each: ``counts`` holds (label, value in the CSV file, count).

    No bars when every count is zero: the picture would be empty.
    """
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=columns,
        rows=[[label, integer(count)] for label, _key, count in counts],
        csv_header=csv_header,
        csv_rows=[[key, count] for _label, key, count in counts],
        bars=[Bar(str(label), ((count, "value"),), integer(count)) for label, _key, count in counts]
        if any(count for *_rest, count in counts)
        else [],
    )
