"""Charts drawn on the server as SVG: pages and PDF reports show them without a browser script."""

from __future__ import annotations

import datetime

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


def _text(
    x: float, y: float, content: str, *, size: int = 10, anchor: str = "start", fill: str = "#555"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(content)}</text>'
    )


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def line_chart(
    points: list[tuple[datetime.date, float]],
    *,
    title: str,
    unit: str = "",
    target: float | None = None,
    threshold: float | None = None,
    width: int = 560,
    height: int = 220,
) -> str:
    """Readings over time, with the target (dashed green) and warning threshold (red) lines."""
    left, right, top, bottom = 56, 16, 28, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, v in points] + [v for v in (target, threshold) if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    days = [d.toordinal() for d, _ in points]
    first, last = (min(days), max(days)) if days else (0, 1)
    span = max(last - first, 1)

    def x(day: int) -> float:
        return left + plot_w * ((day - first) / span if len(points) > 1 else 0.5)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    label = f"{title} ({unit})" if unit else title
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" class="chart">',
        _text(0, 16, label, size=13, fill="#222"),
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
        'stroke="#ddd"/>',
        _text(left - 6, top + 10, _fmt(high), anchor="end"),
        _text(left - 6, top + plot_h, _fmt(low), anchor="end"),
    ]
    for value, colour, name, dash in (
        (target, "#1e7b34", "target", "6 4"),
        (threshold, "#c0392b", "warning", "2 3"),
    ):
        if value is not None:
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}"/>'
                + _text(
                    left + plot_w - 4,
                    y(value) - 4,
                    f"{name} {_fmt(value)}",
                    anchor="end",
                    fill=colour,
                )
            )
    if points:
        path = " ".join(f"{x(d.toordinal()):.1f},{y(v):.1f}" for d, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1d4e89" stroke-width="2"/>')
        for d, v in points:
            parts.append(
                f'<circle cx="{x(d.toordinal()):.1f}" cy="{y(v):.1f}" r="3" fill="#1d4e89"/>'
            )
        parts.append(_text(left, height - 10, f"{points[0][0]:%d %b %Y}"))
        if len(points) > 1:
            parts.append(
                _text(left + plot_w, height - 10, f"{points[-1][0]:%d %b %Y}", anchor="end")
            )
    else:
        parts.append(
            _text(left + plot_w / 2, top + plot_h / 2, "No readings yet", size=12, anchor="middle")
        )
    parts.append("</svg>")
    return "".join(parts)
