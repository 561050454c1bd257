"""Charts drawn on the server as SVG, so reports need no browser to show them."""

from __future__ import annotations

from django.utils.html import escape

PALETTE = ["#1d4e89", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6c757d", "#8ab17d"]


def horizontal_bar_chart(
    data: list[tuple[str, int]], *, title: str, width: int = 520, bar_height: int = 22
) -> str:
    """A labelled horizontal bar chart; labels on the left, values at the end of each bar."""
    label_width = 200
    gap = 8
    top = 30
    height = top + len(data) * (bar_height + gap) + 10
    largest = max((value for _, value in data), default=0) or 1
    usable = width - label_width - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(data):
        y = top + index * (bar_height + gap)
        bar = round(usable * value / largest)
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" font-size="12" '
            f'text-anchor="end" fill="#333">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{bar}" height="{bar_height}" fill="{colour}"/>'
            f'<text x="{label_width + bar + 6}" y="{y + bar_height * 0.7:.1f}" font-size="12" '
            f'fill="#333">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
