"""Server-drawn SVG charts, each shown beside its data table.

Small templates rather than a chart library: pygal (the best-kept SVG one) writes an inline <style> and a
<script> tag into each chart, which the hub's Content-Security-Policy refuses on public pages, and its SVG
has no role/aria wiring to a title and description. Two chart kinds are needed; each is one template.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

_ids = itertools.count(1)

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 22, 8, 280, 320, 130
# At font-size 13 a label averages about 8 units a character: 32 fit in LABEL_WIDTH (34 in 240 did not).
LABEL_CHARS = 32
LINE_WIDTH, LINE_HEIGHT, LINE_LEFT, LINE_BOTTOM = 560, 200, 44, 36


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: float
    width: float
    text_y: float


def bar_chart(title: str, rows: Sequence[tuple[str, Decimal | float | None, str]], *, maximum=None) -> dict:
    """Horizontal bars: rows are (label, value, value as shown). `maximum` fixes the scale (100 for shares)."""
    values = [float(value or 0) for _label, value, _text in rows]
    top = float(maximum) if maximum else max([v for v in values if v > 0], default=1.0)
    bars = []
    for index, ((label, _value, text), value) in enumerate(zip(rows, values, strict=True)):
        y = index * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            Bar(
                label=label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
                value_text=text,
                y=y,
                width=round(max(value, 0) / top * BAR_WIDTH, 1) if top else 0,
                text_y=round(y + BAR_HEIGHT * 0.7, 1),
            )
        )
    return {
        "id": f"chart-{next(_ids)}",
        "title": title,
        "description": "; ".join(f"{label}: {text}" for label, _value, text in rows),
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "bar_x": LABEL_WIDTH + 8,
        "bar_width": BAR_WIDTH,
        "value_x": LABEL_WIDTH + 8 + BAR_WIDTH + 6,
        "bar_height": BAR_HEIGHT,
        "width": LABEL_WIDTH + 8 + BAR_WIDTH + 6 + VALUE_WIDTH,
        "height": max(len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT),
    }


def line_chart(title: str, points: Sequence[tuple[str, Decimal | None, str]], *, maximum=100) -> dict:
    """A line over months (a share in percent by default); a month without data breaks the line."""
    count = max(len(points), 1)
    step = (LINE_WIDTH - LINE_LEFT - 10) / max(count - 1, 1)
    plot_height = LINE_HEIGHT - LINE_BOTTOM - 10
    top = float(maximum) or 1.0
    marks: list[dict] = []
    segments: list[list[str]] = []  # each a run of months with data: "x,y" points
    current: list[str] = []
    for index, (label, value, text) in enumerate(points):
        x = round(LINE_LEFT + index * step, 1)
        if value is None:
            if current:
                segments.append(current)
            current = []
            marks.append({"x": x, "label": label, "y": None, "text": text})
            continue
        y = round(10 + plot_height * (1 - float(value) / top), 1)
        current.append(f"{x},{y}")
        marks.append({"x": x, "label": label, "y": y, "text": text})
    if current:
        segments.append(current)
    grid = [{"y": round(10 + plot_height * (1 - share / 100), 1), "text": f"{share} %"} for share in (0, 50, 100)]
    return {
        "id": f"chart-{next(_ids)}",
        "title": title,
        "description": "; ".join(f"{label}: {text}" for label, _value, text in points),
        "marks": marks,
        "lines": [" ".join(segment) for segment in segments],
        "grid": grid,
        "left": LINE_LEFT,
        "right": LINE_WIDTH - 10,
        "label_y": LINE_HEIGHT - LINE_BOTTOM + 18,
        "width": LINE_WIDTH,
        "height": LINE_HEIGHT,
        "every": max(1, count // 6),
    }
