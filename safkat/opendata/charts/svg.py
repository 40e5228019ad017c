"""The chart as an inline SVG: horizontal bars, text labels, a ``<title>`` and a ``<desc>``, no script."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from safkat.opendata.charts.model import Chart

SAME_FIGURES = _l("The same figures are in the table below.")
SERIES_STYLE = {  # fill, pattern: the provisional series is hatched so colour is not the only cue
    "value": ("#0b6e4f", None),
    "final": ("#0b6e4f", None),
    "provisional": ("#9a4d00", "hatch"),
    "target_met": ("#0b6e4f", None),
    "target_missed": ("#9a4d00", "hatch"),
}

WIDTH = 720
LABEL_WIDTH = 210  # the label column
VALUE_WIDTH = 165  # room for the value after the longest bar
GAP = 8
ROW = 26
BAR = 16
FONT = 12
LABEL_CHARS = 32


def _clip(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_svg(chart: Chart, rtl: bool = False) -> Markup:
    """The chart as an inline SVG: horizontal bars, text labels, a title and a description."""
    ident = f"chart-{chart.slug}"
    start = LABEL_WIDTH + GAP
    span = WIDTH - start - VALUE_WIDTH
    legend_y = 4
    target_y = legend_y + (ROW if chart.series else 0)
    top = target_y + (ROW if chart.target else 0) if (chart.series or chart.target) else 4
    height = top + ROW * len(chart.bars) + 6
    largest = max((sum(v for v, _k in bar.segments) for bar in chart.bars), default=0)
    scale = float(chart.scale_max or largest or 1)

    def x(logical: float, width: float = 0) -> float:
        """A logical x (from the inline start) to the picture's x; mirrored on RTL pages."""
        return round(WIDTH - logical - width if rtl else logical, 1)

    def text(at: float, y: float, anchor: str, value: object) -> str:
        return f'<text x="{x(at)}" y="{y}" text-anchor="{anchor}">{escape(str(value))}</text>'

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" direction="{"rtl" if rtl else "ltr"}" '
        f'font-size="{FONT}" class="chart">',
        f'<title id="{ident}-title">{escape(str(chart.title))}</title>',
        f'<desc id="{ident}-desc">{escape(str(chart.description))} {escape(str(SAME_FIGURES))}</desc>',
    ]
    if any(SERIES_STYLE[key][1] for key in chart.series):
        parts.append(
            f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#9a4d00"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>'
        )

    def fill(key: str) -> str:
        colour, pattern = SERIES_STYLE[key]
        return f"url(#{ident}-{pattern})" if pattern else colour

    for i, (key, label) in enumerate(chart.series.items()):
        left = start + i * 190
        parts.append(f'<rect x="{x(left, 12)}" y="{legend_y}" width="12" height="12" fill="{fill(key)}"/>')
        parts.append(text(left + 18, legend_y + 11, "start", label))
    for i, bar in enumerate(chart.bars):
        y = top + i * ROW
        parts.append(text(LABEL_WIDTH, y + BAR - 3, "end", _clip(bar.label)))
        offset = 0.0
        for value, key in bar.segments:
            width = span * float(value) / scale
            if width > 0:
                parts.append(
                    f'<rect x="{x(start + offset, width)}" y="{y}" width="{round(width, 1)}" height="{BAR}" '
                    f'fill="{fill(key)}"/>'
                )
            offset += width
        parts.append(text(start + offset + 6, y + BAR - 3, "start", bar.value_label))
    if chart.target:
        value, label = chart.target
        at = start + span * value / scale
        parts.append(
            f'<line x1="{x(at)}" y1="{target_y}" x2="{x(at)}" y2="{height - 2}" stroke="#1b1f23" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(text(at + 5, target_y + 11, "start", label))
    parts.append("</svg>")
    return Markup("".join(parts))
