"""Server-side SVG charts: data in, accessible SVG markup out (no JavaScript library).

A chart is a `Chart`: its title and description, the SVG (``role="img"`` labelled by its own
``<title>`` and ``<desc>``) and the same numbers as rows for the table fallback that
``reporting/charts/chart.html`` shows next to it in a ``<details>``. The SVG has a ``viewBox``
and no fixed width, so it scales to the column it sits in: bars are horizontal with their label
above them, which keeps long agency names readable on a 360 px phone.

Every piece of text is escaped here (labels come from the database); numbers are written as the
active language writes them (``95,5`` in Vietnamese, ``95.5`` in English), as the rest of the UI.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import formats, numberformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .statistics import MonthStat, StatRow

Number = int | float | Decimal

WIDTH = 320  # the viewBox width: one phone column; wider screens scale it up
BAR_ROW = 40  # label line + bar
BAR_HEIGHT = 14
LABEL_GAP = 17
VALUE_ROOM = 56  # right of the longest bar, for its value
LINE_HEIGHT = 180
LINE_MARGIN = {"top": 12, "right": 24, "bottom": 30, "left": 44}
MAX_LABEL = 42  # characters of a bar label drawn in the SVG; the table has them whole
# Presentation attributes (the page's CSS is not needed): the theme's red (USWDS red-60v) for
# the data, gray-cool for text and grid; the font is the page's (Public Sans).
TEXT = 'fill="#1c1d1f" font-size="13"'
MUTED = 'fill="#565c65" font-size="12"'
INK = "#b50909"
GRID = 'stroke="#dfe1e2" stroke-width="1"'


@dataclass(frozen=True)
class Chart:
    """One chart: `svg` is safe markup; `rows` (label, formatted value) feed the table."""

    kind: str  # "bar" or "line"
    id: str
    title: str
    description: str
    svg: SafeString
    label_heading: str
    value_heading: str
    rows: tuple[tuple[str, str], ...]

    @property
    def empty(self) -> bool:
        return not self.rows


def number(value: Number | None, *, decimals: int = 1, unit: str = "") -> str:
    """A number as the active language writes it (decimal comma in Vietnamese), trailing zero
    decimals dropped; "–" for no value."""
    if value is None:
        return "–"
    separator = formats.get_format("DECIMAL_SEPARATOR")
    text = numberformat.format(
        round(Decimal(str(value)), decimals),
        decimal_sep=separator,
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    if separator in text:
        text = text.rstrip("0").rstrip(separator)
    return f"{text}{unit}"


def _attrs(**attributes: object) -> str:
    return " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
        for name, value in attributes.items()
    )


def _frame(chart_id: str, title: str, description: str, height: float, body: list[str]) -> str:
    head = _attrs(
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {_n(height)}",
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        class_="mc-chart__svg",
        preserveAspectRatio="xMinYMin meet",
        style="width: 100%; max-width: 28rem; height: auto",
    )
    return "".join(
        [
            f"<svg {head}>",
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
            f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _n(value: float) -> str:
    """A coordinate, always with a dot (SVG is not localised)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _empty_body(height: float) -> list[str]:
    return [
        f'<text x="{WIDTH / 2:g}" y="{height / 2:g}" text-anchor="middle" '
        f'class="mc-chart__empty" {TEXT}>'
        f"{escape(_('No data for this period.'))}</text>"
    ]


def bar_chart(
    items: Sequence[tuple[str, Number | None]],
    *,
    chart_id: str,
    title: str,
    description: str,
    label_heading: str,
    value_heading: str,
    unit: str = "",
    max_value: Number | None = None,
    decimals: int = 1,
) -> Chart:
    """Horizontal bars, one per (label, value), each as long as value / max_value of the plot
    (max_value defaults to the largest value). A missing value (None) gets no bar and "–"."""
    values = [float(value) for _label, value in items if value is not None]
    top = float(max_value) if max_value is not None else max(values, default=0.0)
    plot = WIDTH - VALUE_ROOM
    body: list[str] = []
    rows: list[tuple[str, str]] = []
    for index, (label, value) in enumerate(items):
        y = index * BAR_ROW
        text = number(value, decimals=decimals, unit=unit)
        rows.append((label, text))
        length = 0.0 if value is None or top <= 0 else plot * min(float(value), top) / top
        body.append(
            f'<text x="0" y="{_n(y + LABEL_GAP - 3)}" class="mc-chart__label" {TEXT}>'
            f"{escape(_short(label))}</text>"
        )
        body.append(
            f'<rect x="0" y="{_n(y + LABEL_GAP)}" width="{_n(length)}" height="{BAR_HEIGHT}" '
            f'class="mc-chart__bar" fill="{INK}" data-value="{escape(str(value))}"/>'
        )
        body.append(
            f'<text x="{_n(length + 4)}" y="{_n(y + LABEL_GAP + BAR_HEIGHT - 3)}" '
            f'class="mc-chart__value" {TEXT}>{escape(text)}</text>'
        )
    height = max(len(items) * BAR_ROW, 60)
    if not items:
        body = _empty_body(height)
    return Chart(
        kind="bar",
        id=chart_id,
        title=title,
        description=description,
        svg=mark_safe(_frame(chart_id, title, description, height, body)),  # noqa: S308 - escaped above
        label_heading=label_heading,
        value_heading=value_heading,
        rows=tuple(rows),
    )


def line_chart(
    points: Sequence[tuple[str, Number | None]],
    *,
    chart_id: str,
    title: str,
    description: str,
    label_heading: str,
    value_heading: str,
    unit: str = "",
    y_max: Number | None = None,
    decimals: int = 1,
) -> Chart:
    """One line through (label, value) points spaced evenly from left to right, the y axis from
    0 to y_max (default: the largest value). A missing value (None, e.g. a month with nothing to
    measure) breaks the line; a lone point is drawn as a dot."""
    margin = LINE_MARGIN
    left, right = margin["left"], WIDTH - margin["right"]
    top_y, bottom_y = margin["top"], LINE_HEIGHT - margin["bottom"]
    values = [float(value) for _label, value in points if value is not None]
    ceiling = float(y_max) if y_max is not None else max(values, default=0.0)
    if ceiling <= 0:
        ceiling = 1.0
    step = (right - left) / (len(points) - 1) if len(points) > 1 else 0.0

    def x_of(index: int) -> float:
        return left + step * index if len(points) > 1 else (left + right) / 2

    def y_of(value: float) -> float:
        return bottom_y - (bottom_y - top_y) * min(value, ceiling) / ceiling

    body: list[str] = []
    # Axes and three grid lines with their values (0, half, top).
    for fraction in (0.0, 0.5, 1.0):
        y = y_of(ceiling * fraction)
        body.append(
            f'<line x1="{left}" y1="{_n(y)}" x2="{right}" y2="{_n(y)}" '
            f'class="mc-chart__grid" {GRID}/>'
        )
        body.append(
            f'<text x="{left - 4}" y="{_n(y + 4)}" text-anchor="end" '
            f'class="mc-chart__axis" {MUTED}>'
            f"{escape(number(ceiling * fraction, decimals=0, unit=unit))}</text>"
        )
    segments: list[list[tuple[float, float]]] = [[]]
    rows: list[tuple[str, str]] = []
    label_every = max(1, -(-len(points) // 5))  # at most five labels under the axis, the last
    for index, (label, value) in enumerate(points):
        rows.append((label, number(value, decimals=decimals, unit=unit)))
        x = x_of(index)
        if (len(points) - 1 - index) % label_every == 0:
            body.append(
                f'<text x="{_n(x)}" y="{LINE_HEIGHT - 10}" text-anchor="middle" '
                f'class="mc-chart__axis" {MUTED}>{escape(label)}</text>'
            )
        if value is None:
            segments.append([])
            continue
        segments[-1].append((x, y_of(float(value))))
    for segment in segments:
        if len(segment) > 1:
            coordinates = " ".join(f"{_n(x)},{_n(y)}" for x, y in segment)
            body.append(
                f'<polyline points="{coordinates}" class="mc-chart__line" fill="none" '
                f'stroke="{INK}" stroke-width="2"/>'
            )
        for x, y in segment:
            body.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" class="mc-chart__dot" fill="{INK}"/>'
            )
    if not values:
        body = _empty_body(LINE_HEIGHT)
    return Chart(
        kind="line",
        id=chart_id,
        title=title,
        description=description,
        svg=mark_safe(_frame(chart_id, title, description, LINE_HEIGHT, body)),  # noqa: S308 - escaped above
        label_heading=label_heading,
        value_heading=value_heading,
        rows=tuple(rows),
    )


def percent(rate: float | None) -> str:
    """A rate in [0, 1] as a percentage with one decimal: 0.955 → "95,5%"; None → "–"."""
    return number(None if rate is None else rate * 100, unit="%")


def month_label(month: date) -> str:
    return f"{month.month}/{month.year}"


def on_time_trend(series: Sequence[MonthStat], *, chart_id: str) -> Chart:
    """The on-time rate of each month (statistics.monthly_series) as a line from 0 to 100 %;
    a month without resolved dossiers breaks the line."""
    return line_chart(
        [
            (month_label(m.month), None if m.row.on_time_rate is None else m.row.on_time_rate * 100)
            for m in series
        ],
        chart_id=chart_id,
        title=_("On-time rate by month"),
        description=_(
            "Share of the dossiers resolved in each month that were resolved early or on time."
        ),
        label_heading=_("Month"),
        value_heading=_("On-time rate"),
        unit="%",
        y_max=100,
    )


def on_time_bars(rows: Sequence[StatRow], *, chart_id: str, title: str) -> Chart:
    """One bar per row: its on-time rate, on a 0–100 % scale."""
    return bar_chart(
        [(row.label, None if row.on_time_rate is None else row.on_time_rate * 100) for row in rows],
        chart_id=chart_id,
        title=title,
        description=_(
            "Share of the dossiers resolved in the period that were resolved early or on time; "
            "a dash where nothing was resolved."
        ),
        label_heading=_("Agency"),
        value_heading=_("On-time rate"),
        unit="%",
        max_value=100,
    )
