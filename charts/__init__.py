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


TIMELINE_COLOURS = {
    "planned": "#8da9c4",
    "in_progress": "#1d4e89",
    "done": "#1e7b34",
    "blocked": "#c0392b",
    "cancelled": "#adb5bd",
}


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


# Tick steps in years for spans too long for month or quarter ticks: about a dozen ticks,
# however far apart the stored dates are.
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
MAX_DAY = datetime.date.max.toordinal()


def _ticks(first: int, last: int) -> list[tuple[int, str]]:
    """Month starts between two days (ordinals, both included) as (ordinal, label), thinned to
    quarters, years or runs of years on long spans.

    Works on month numbers rather than dates, so a span reaching `date.max` never steps past it.
    """
    start, end = datetime.date.fromordinal(first), datetime.date.fromordinal(min(last, MAX_DAY))
    first_month = start.year * 12 + start.month - 1
    last_month = end.year * 12 + end.month - 1
    months = last_month - first_month
    if months <= 9:
        step = 1
    elif months <= 36:
        step = 3
    else:
        years = next((y for y in YEAR_STEPS if months <= 12 * 12 * y), YEAR_STEPS[-1])
        step = 12 * years
    ticks = []
    first_month += start.day > 1  # the first tick is on or after the first day
    for month in range(first_month + (-first_month) % step, last_month + 1, step):
        day = datetime.date(month // 12, month % 12 + 1, 1)
        label = f"{day.year}" if step >= 12 else f"{day:%b %Y}" if day.month == 1 else f"{day:%b}"
        ticks.append((day.toordinal(), label))
    return ticks


def timeline_chart(
    rows: list[tuple[str, datetime.date, datetime.date, str]],
    milestones: list[tuple[str, datetime.date, bool]],
    *,
    title: str,
    start: datetime.date,
    end: datetime.date,
    width: int = 760,
    row_height: int = 18,
) -> str:
    """A Gantt-style timeline: one bar per activity (label, start, end, status) coloured by its
    status, then one diamond per milestone (label, due date, achieved: filled when achieved)."""
    label_width, right, top = 220, 12, 64
    # Days as ordinals: the day after `date.max` is a number, where it would be no date.
    days = [
        start.toordinal(),
        end.toordinal(),
        *(d.toordinal() for _, s, e, _ in rows for d in (s, e)),
        *(d.toordinal() for _, d, _ in milestones),
    ]
    first, last = min(days), max(days) + 1
    span = max(last - first, 1)
    plot_w = width - label_width - right
    count = len(rows) + len(milestones)
    height = top + max(count, 1) * row_height + 12

    def x(day: int) -> float:
        return label_width + plot_w * (day - first) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}: '
        f"{len(rows)} activit{'y' if len(rows) == 1 else 'ies'} and {len(milestones)} "
        f'milestone{"" if len(milestones) == 1 else "s"}" class="chart timeline">',
        _text(0, 16, title, size=13, fill="#222"),
    ]
    legend_x = 0.0
    for status, colour in TIMELINE_COLOURS.items():
        label = status.replace("_", " ").capitalize()
        parts.append(
            f'<rect x="{legend_x:.1f}" y="26" width="10" height="10" fill="{colour}"/>'
            + _text(legend_x + 14, 35, label)
        )
        legend_x += 24 + 6.2 * len(label)
    parts.append(
        f'<path d="M{legend_x + 5:.1f} 25 l5 6 l-5 6 l-5 -6 z" fill="#6c3483"/>'
        + _text(legend_x + 14, 35, "Milestone")
    )
    for day, label in _ticks(first, last):
        tick = x(day)
        if tick > width - right - 30:
            continue  # its label would not fit
        parts.append(
            f'<line x1="{tick:.1f}" x2="{tick:.1f}" y1="{top - 8}" y2="{height - 8}" '
            'stroke="#e3e3e3"/>' + _text(tick + 2, top - 12, label)
        )
    for index, (label, begins, ends, status) in enumerate(rows):
        y = top + index * row_height
        left = x(begins.toordinal())
        bar = max(x(ends.toordinal() + 1) - left, 2)
        colour = TIMELINE_COLOURS.get(status, "#6c757d")
        parts.append(
            _text(
                label_width - 8,
                y + row_height * 0.7,
                _short(label),
                size=11,
                anchor="end",
                fill="#333",
            )
            + f'<rect x="{left:.1f}" y="{y + 3}" width="{bar:.1f}" height="{row_height - 6}" '
            f'rx="2" fill="{colour}"><title>{escape(label)}: {begins:%d %b %Y} to '
            f"{ends:%d %b %Y} ({escape(status.replace('_', ' '))})</title></rect>"
        )
    for index, (label, due, achieved) in enumerate(milestones, start=len(rows)):
        middle = top + index * row_height + row_height / 2
        cx = x(due.toordinal())
        fill = "#6c3483" if achieved else "#fff"
        state = "achieved" if achieved else "due"
        parts.append(
            _text(label_width - 8, middle + 4, _short(label), size=11, anchor="end", fill="#4a235a")
            + f'<path d="M{cx:.1f} {middle - 6:.1f} l6 6 l-6 6 l-6 -6 z" fill="{fill}" '
            f'stroke="#6c3483" stroke-width="1.5"><title>{escape(label)}: {state} '
            f"{due:%d %b %Y}</title></path>"
        )
    if not count:
        parts.append(
            _text(
                label_width + plot_w / 2,
                top + row_height * 0.7,
                "No activities or milestones yet",
                size=12,
                anchor="middle",
            )
        )
    parts.append("</svg>")
    return "".join(parts)
