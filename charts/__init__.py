"""Charts drawn on the server as SVG: pages and PDF reports show them without a browser script.

Made to be read on a tablet: each chart scales to the width of its box (a viewBox and a width
of 100 %), writes no text smaller than 12 px at its natural size, shortens a label that would
not fit and keeps all of it in a tooltip (`<title>`), and a chart with a time axis marks today
when the caller says which day that is. Whatever is stored draws: any date, any value.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable

from django.utils import dateformat
from django.utils.formats import get_format, number_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

PALETTE = ["#1d4e89", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6c757d", "#8ab17d"]

TEXT = 13  # labels, ticks and values; the charts draw nothing smaller than MIN_TEXT
MIN_TEXT = 12
TITLE = 14
CHAR_WIDTH = 0.6  # average width of a character, in ems, of the sans-serif pages and PDFs use
TODAY_COLOUR = "#b35c00"


def _svg(width: float, height: float, label: str, classes: str) -> str:
    """The opening tag: as wide as its box, as tall as the width allows (the viewBox's ratio)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-label="{escape(label)}" class="{classes}">'
    )


def _fits(size: float, room: float) -> int:
    """How many characters of text at `size` fit in `room` (user units)."""
    return max(int(room / (size * CHAR_WIDTH)), 1)


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: max(limit - 1, 1)].rstrip() + "…"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = TEXT,
    anchor: str = "start",
    fill: str = "#444",
    room: float | None = None,
    weight: str = "",
    tooltip: bool = True,
) -> str:
    """A label; given the `room` it has, one too long is shortened and whole in its tooltip
    (unless `tooltip` is off)."""
    shown = content if room is None else _shorten(content, _fits(size, room))
    tooltip_tag = f"<title>{escape(content)}</title>" if tooltip and shown != content else ""
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{max(size, MIN_TEXT)}"{bold} '
        f'text-anchor="{anchor}" fill="{fill}">{tooltip_tag}{escape(shown)}</text>'
    )


def _local(value: float, places: int) -> str:
    """`value` with at most `places` decimals, in the reader's language: 12,500.5 / 12 500,5."""
    shown = number_format(round(value, places), places, use_l10n=True, force_grouping=True)
    separator = str(get_format("DECIMAL_SEPARATOR"))
    if places and separator in shown:
        shown = shown.rstrip("0").rstrip(separator)
    return shown


def _compact(value: float) -> str:
    """A figure in few characters, in the reader's language: 12, 12.5, 0.25, 12,500, 1.2M,
    -3bn (in French 12,5, 12 500, 1,2 M, -3 Md)."""
    size = abs(value)
    for scale, suffix in (
        (1e12, pgettext("figure abbreviation", "T")),
        (1e9, pgettext("figure abbreviation", "bn")),
        (1e6, pgettext("figure abbreviation", "M")),
    ):
        if size >= scale:
            scaled = value / scale
            return _local(scaled, max(0, 2 - int(math.log10(abs(scaled))))) + suffix
    if size >= 100:
        return _local(value, 0)
    return _local(value, 2)


def _day(day: datetime.date) -> str:
    """A date as the charts write it, in the reader's language: 02 Jul 2026."""
    return dateformat.format(day, "d M Y")


def _today(day: datetime.date) -> str:
    return _("Today, %(date)s") % {"date": _day(day)}


def _with_unit(value: float, unit: str) -> str:
    return f"{_compact(value)} {unit}" if unit else _compact(value)


def _value_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round values from below `low` to above `high`, at most `most` of them (1, 2, 2.5 or 5
    times a power of ten apart)."""
    raw = (high - low) / (most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step)
    last = math.ceil(high / step)
    return [n * step for n in range(first, last + 1)]


# --- bar chart ---------------------------------------------------------------------------------


def horizontal_bar_chart(
    data: list[tuple[str, int]], *, title: str, width: int = 600, bar_height: int = 24
) -> str:
    """A labelled horizontal bar chart; labels on the left, values at the end of each bar."""
    label_width = 240  # "Non-governmental organisation" fits whole
    gap = 8
    top = 32
    height = top + len(data) * (bar_height + gap) + 8
    largest = max((value for _, value in data), default=0) or 1
    value_room = 70
    usable = width - label_width - value_room
    parts = [
        _svg(width, height, title, "chart bar-chart"),
        _text(0, 18, title, size=TITLE, fill="#222", weight="bold", room=width),
    ]
    for index, (label, value) in enumerate(data):
        y = top + index * (bar_height + gap)
        bar = max(round(usable * value / largest), 0) if largest > 0 else 0
        colour = PALETTE[index % len(PALETTE)]
        baseline = y + bar_height * 0.7
        parts.append(
            _text(label_width - 8, baseline, label, anchor="end", fill="#333", room=label_width - 8)
            + f'<rect x="{label_width}" y="{y}" width="{bar}" height="{bar_height}" '
            f'fill="{colour}"><title>{escape(label)}: {value}</title></rect>'
            + _text(label_width + bar + 6, baseline, _compact(value), fill="#333")
        )
    parts.append("</svg>")
    return "".join(parts)


# --- line chart --------------------------------------------------------------------------------


def line_chart(
    points: list[tuple[datetime.date, float]],
    *,
    title: str,
    unit: str = "",
    target: float | None = None,
    threshold: float | None = None,
    today: datetime.date | None = None,
    width: int = 600,
    height: int = 260,
) -> str:
    """Readings over time, with the target (dashed green) and warning threshold (red) lines,
    value ticks carrying the unit, and today (the time axis reaches it)."""
    right, top, bottom = 16, 48, 34
    values = [v for _, v in points] + [v for v in (target, threshold) if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        low, high = low - 1, high + 1
    ticks = _value_ticks(low, high)
    low, high = ticks[0], ticks[-1]
    # A short unit goes on every tick ("40 %"); a long one once, above the axis.
    tick_unit = unit if len(unit) <= 4 else ""
    tick_labels = [_with_unit(value, tick_unit) for value in ticks]
    left = min(max(int(max(len(t) for t in tick_labels) * TEXT * CHAR_WIDTH) + 14, 44), width // 3)
    plot_w, plot_h = width - left - right, height - top - bottom

    days = [d.toordinal() for d, _ in points]
    if points and today is not None:
        days.append(today.toordinal())
    first, last = (min(days), max(days)) if days else (0, 1)
    span = max(last - first, 1)

    def x(day: int) -> float:
        return left + plot_w * ((day - first) / span if last > first else 0.5)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    label = f"{title} ({unit})" if unit else title
    parts = [
        _svg(width, height, label, "chart line-chart"),
        _text(0, 18, label, size=TITLE, fill="#222", room=width),
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
        'stroke="#ddd"/>',
    ]
    if unit and not tick_unit:
        parts.append(_text(2, top - 10, unit, room=width / 2))
    for tick, text in zip(ticks, tick_labels, strict=True):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#e6e6e6"/>' + _text(left - 6, y(tick) + 4.5, text, anchor="end", room=left - 8)
        )
    for value, colour, line_label, dash in (
        (target, "#1e7b34", _("target %(value)s"), "6 4"),
        (threshold, "#c0392b", _("warning %(value)s"), "2 3"),
    ):
        if value is not None:
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}"/>'
                + _text(
                    left + plot_w - 4,
                    y(value) - 4,
                    line_label % {"value": _with_unit(value, unit)},
                    anchor="end",
                    fill=colour,
                    room=plot_w - 8,
                )
            )
    if points:
        path = " ".join(f"{x(d.toordinal()):.1f},{y(v):.1f}" for d, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1d4e89" stroke-width="2"/>')
        for d, v in points:
            parts.append(
                f'<circle cx="{x(d.toordinal()):.1f}" cy="{y(v):.1f}" r="4" fill="#1d4e89">'
                f"<title>{_day(d)}: {escape(_with_unit(v, unit))}</title></circle>"
            )
        parts.append(_time_axis(first, last, today, x, left, left + plot_w, height - 10))
        if today is not None:
            at = x(today.toordinal())
            parts.append(
                f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{top}" y2="{top + plot_h}" class="today" '
                f'stroke="{TODAY_COLOUR}" stroke-width="2">'
                f"<title>{escape(_today(today))}</title></line>"
            )
    else:
        # In the upper quarter: a lone target or threshold line runs through the middle.
        parts.append(
            _text(left + plot_w / 2, top + plot_h / 4 + 4, _("No readings yet"), anchor="middle")
        )
    parts.append("</svg>")
    return "".join(parts)


def _time_axis(
    first: int,
    last: int,
    today: datetime.date | None,
    x: Callable[[int], float],
    start: float,
    end: float,
    baseline: float,
) -> str:
    """The first and last day under the plot, and today under its line. Where today's label
    would overlap a date, it takes that date's place and names today's date itself."""
    dates = [(start, first, "start")] + ([(end, last, "end")] if last > first else [])
    if today is not None:
        at = x(today.toordinal())
        near = [date for date in dates if abs(date[0] - at) < 110]  # a date label and "Today"
        dates = [date for date in dates if date not in near]
        anchor = near[0][2] if near else "middle"
        text = _today(today) if near else _("Today")
    parts = [
        _text(at, baseline, _day(datetime.date.fromordinal(day)), anchor=anchor)
        for at, day, anchor in dates
    ]
    if today is not None:
        parts.append(_text(at, baseline, text, anchor=anchor, fill=TODAY_COLOUR, weight="bold"))
    return "".join(parts)


# --- timeline ----------------------------------------------------------------------------------

TIMELINE_COLOURS = {
    "planned": "#8da9c4",
    "in_progress": "#1d4e89",
    "done": "#1e7b34",
    "blocked": "#c0392b",
    "cancelled": "#adb5bd",
}


def _timeline_labels() -> dict[str, str]:
    """Each activity status as the legend names it, in the reader's language."""
    return {
        "planned": _("Planned"),
        "in_progress": _("In progress"),
        "done": _("Done"),
        "blocked": _("Blocked"),
        "cancelled": _("Cancelled"),
    }


def _short(label: str, limit: int = 34) -> str:
    return _shorten(label, limit)


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
        label = (
            f"{day.year}"
            if step >= 12
            else dateformat.format(day, "M Y")
            if day.month == 1
            else dateformat.format(day, "M")
        )
        ticks.append((day.toordinal(), label))
    return ticks


def timeline_chart(
    rows: list[tuple[str, datetime.date, datetime.date, str]],
    milestones: list[tuple[str, datetime.date, bool]],
    *,
    title: str,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
    width: int = 760,
    row_height: int = 24,
    label_tooltips: bool = True,
) -> str:
    """A Gantt-style timeline: one bar per activity (label, start, end, status) coloured by its
    status, then one diamond per milestone (label, due date, achieved: filled when achieved),
    and a line at today when it falls within the plan's span.

    Without `label_tooltips` a shortened label has no tooltip of its whole text: for a PDF,
    which shows none, and where WeasyPrint would lay each one out as text all the same."""
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

    activities = ngettext("%(count)d activity", "%(count)d activities", len(rows)) % {
        "count": len(rows)
    }
    milestone_count = ngettext("%(count)d milestone", "%(count)d milestones", len(milestones)) % {
        "count": len(milestones)
    }
    parts = [
        _svg(
            width,
            height,
            _("%(title)s: %(activities)s and %(milestones)s")
            % {"title": title, "activities": activities, "milestones": milestone_count},
            "chart timeline",
        ),
        _text(0, 16, title, size=TITLE, fill="#222", room=width),
    ]
    legend_x = 0.0
    status_labels = _timeline_labels()
    for status, colour in TIMELINE_COLOURS.items():
        label = status_labels[status]
        parts.append(
            f'<rect x="{legend_x:.1f}" y="25" width="12" height="12" fill="{colour}"/>'
            + _text(legend_x + 16, 36, label)
        )
        legend_x += 28 + TEXT * CHAR_WIDTH * len(label)
    parts.append(
        f'<path d="M{legend_x + 6:.1f} 24 l6 7 l-6 7 l-6 -7 z" fill="#6c3483"/>'
        + _text(legend_x + 16, 36, _("Milestone"))
    )
    shows_today = today is not None and first <= today.toordinal() < last
    if shows_today:
        legend_x += 28 + TEXT * CHAR_WIDTH * len(_("Milestone"))
        parts.append(
            f'<line x1="{legend_x + 6:.1f}" x2="{legend_x + 6:.1f}" y1="24" y2="38" '
            f'stroke="{TODAY_COLOUR}" stroke-width="2"/>' + _text(legend_x + 16, 36, _("Today"))
        )
    label_end = -math.inf  # where the last tick label drawn ends: none may overlap the next
    for day, label in _ticks(first, last):
        tick = x(day)
        if tick > width - right - 30:
            continue  # its label would not fit
        parts.append(
            f'<line x1="{tick:.1f}" x2="{tick:.1f}" y1="{top - 8}" y2="{height - 8}" '
            'stroke="#e3e3e3"/>'
        )
        if tick + 2 > label_end + 6:
            parts.append(_text(tick + 2, top - 12, label))
            label_end = tick + 2 + len(label) * TEXT * CHAR_WIDTH
    for index, (label, begins, ends, status) in enumerate(rows):
        y = top + index * row_height
        left = x(begins.toordinal())
        bar = max(x(ends.toordinal() + 1) - left, 2)
        colour = TIMELINE_COLOURS.get(status, "#6c757d")
        parts.append(
            _text(
                label_width - 8,
                y + row_height * 0.68,
                label,
                anchor="end",
                fill="#333",
                room=label_width - 10,
                tooltip=label_tooltips,
            )
            + f'<rect x="{left:.1f}" y="{y + 4}" width="{bar:.1f}" height="{row_height - 8}" '
            f'rx="2" fill="{colour}"><title>'
            + escape(
                _("%(label)s: %(begins)s to %(ends)s (%(status)s)")
                % {
                    "label": label,
                    "begins": _day(begins),
                    "ends": _day(ends),
                    "status": status_labels[status].lower()
                    if status in status_labels
                    else status.replace("_", " "),
                }
            )
            + "</title></rect>"
        )
    for index, (label, due, achieved) in enumerate(milestones, start=len(rows)):
        middle = top + index * row_height + row_height / 2
        cx = x(due.toordinal())
        fill = "#6c3483" if achieved else "#fff"
        tooltip = (
            _("%(label)s: achieved %(date)s") if achieved else _("%(label)s: due %(date)s")
        ) % {"label": label, "date": _day(due)}
        parts.append(
            _text(
                label_width - 8,
                middle + 4.5,
                label,
                anchor="end",
                fill="#4a235a",
                room=label_width - 10,
                tooltip=label_tooltips,
            )
            + f'<path d="M{cx:.1f} {middle - 7:.1f} l7 7 l-7 7 l-7 -7 z" fill="{fill}" '
            f'stroke="#6c3483" stroke-width="1.5"><title>{escape(tooltip)}</title></path>'
        )
    if shows_today:
        assert today is not None  # noqa: S101 - for the type checker
        at = x(today.toordinal())
        parts.append(
            f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{top - 4}" y2="{height - 8}" class="today" '
            f'stroke="{TODAY_COLOUR}" stroke-width="2">'
            f"<title>{escape(_today(today))}</title></line>"
        )
    if not count:
        parts.append(
            _text(
                label_width + plot_w / 2,
                top + row_height * 0.7,
                _("No activities or milestones yet"),
                anchor="middle",
            )
        )
    parts.append("</svg>")
    return "".join(parts)
