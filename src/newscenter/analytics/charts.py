"""Charts drawn on the server as SVG: readable without JavaScript, with a table beside them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 720, 220, 36


def line_chart(rows: Sequence[dict[str, Any]], *, title: str) -> SafeString:
    """Views (line) and visitors (bars) per day, as an accessible SVG (``role="img"``, a
    title and a description with the totals)."""
    if not rows:
        return SafeString("")
    top = max(max(row["views"] for row in rows), 1)
    step = (WIDTH - 2 * PAD) / max(len(rows) - 1, 1)
    bar = max(1.0, min(18.0, step * 0.6))

    def y(value: int) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top

    points = " ".join(f"{PAD + i * step:.1f},{y(row['views']):.1f}" for i, row in enumerate(rows))
    bars = "".join(
        f'<rect x="{PAD + i * step - bar / 2:.1f}" y="{y(row["visitors"]):.1f}" '
        f'width="{bar:.1f}" height="{HEIGHT - PAD - y(row["visitors"]):.1f}" fill="#9ecae1"/>'
        for i, row in enumerate(rows)
    )
    views = sum(row["views"] for row in rows)
    visitors = sum(row["visitors"] for row in rows)
    first, last = rows[0]["day"], rows[-1]["day"]
    description = (
        f"{views} views and {visitors} visitors from {first} to {last}; "
        f"the most views in one day: {top}."
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title chart-desc" width="100%">'
        f'<title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(description)}</desc>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="#666"/>'
        f"{bars}"
        f'<polyline points="{points}" fill="none" stroke="#08519c" stroke-width="2"/>'
        f'<text x="{PAD}" y="{PAD - 10}" font-size="12" fill="#333">{top} views</text>'
        f'<text x="{PAD}" y="{HEIGHT - 10}" font-size="12" fill="#333">{first}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 10}" font-size="12" fill="#333" '
        f'text-anchor="end">{last}</text>'
        "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 (built from numbers, dates and escaped text)


def legend() -> SafeString:
    return format_html("{}", "Line: views. Bars: visitors.")
