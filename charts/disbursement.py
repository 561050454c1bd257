"""How long money takes to arrive: one row per funding instrument on a shared axis of days,
each request a dot (filled when disbursed, hollow while still waiting), the median and the
90th percentile as marks, the instrument's target as a dashed line (SVG, drawn on the server)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _

from charts import PALETTE, TEXT, TITLE, TODAY_COLOUR, _svg, _text, _value_ticks

LABEL_WIDTH = 210
ROW = 46
TOP = 58
BOTTOM = 34
MEDIAN_COLOUR = PALETTE[0]
P90_COLOUR = PALETTE[4]
TARGET_COLOUR = TODAY_COLOUR


@dataclass(frozen=True)
class TimesRow:
    """One instrument: its name, target, median and 90th percentile in days (None without
    a disbursed request), and each request as (days, still waiting, tooltip)."""

    label: str
    target: int
    median: Decimal | None
    p90: int | None
    points: list[tuple[int, bool, str]]


def disbursement_times_chart(rows: list[TimesRow], *, title: str, width: int = 720) -> str:
    height = TOP + max(len(rows), 1) * ROW + BOTTOM
    largest = max([1, *(r.target for r in rows), *(d for r in rows for d, _, _ in r.points)])
    ticks = _value_ticks(0, largest * 1.05, most=7)
    top_tick = ticks[-1] or 1
    left, right = LABEL_WIDTH, width - 16
    usable = right - left

    def x_of(days: float) -> float:
        return left + usable * days / top_tick

    parts = [
        _svg(width, height, title, "chart disbursement-chart"),
        _text(0, 18, title, size=TITLE, fill="#222", weight="bold", room=width),
        _legend(left),
    ]
    axis_y = TOP + max(len(rows), 1) * ROW
    for tick in ticks:
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{axis_y}" stroke="#e3e3e3"/>'
            + _text(x, axis_y + 18, f"{tick:g}", anchor="middle", fill="#555")
        )
    parts.append(
        _text(right, axis_y + 32, _("days from request to money"), anchor="end", fill="#555")
    )
    if not rows:
        parts.append(_text(left, TOP + ROW / 2, _("No requests yet."), fill="#666"))
    for index, row in enumerate(rows):
        y = TOP + index * ROW + ROW / 2
        parts.append(
            _text(left - 10, y + 5, row.label, anchor="end", fill="#333", room=left - 10)
            + f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#cfcfcf"/>'
        )
        tx = x_of(row.target)
        target_title = escape(_("Target: %(days)s days") % {"days": row.target})
        parts.append(
            f'<line x1="{tx:.1f}" y1="{y - 18:.1f}" x2="{tx:.1f}" y2="{y + 18:.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="4 3">'
            f"<title>{target_title}</title></line>"
        )
        for days, waiting, tooltip in row.points:
            fill = "#fff" if waiting else PALETTE[1]
            parts.append(
                f'<circle cx="{x_of(days):.1f}" cy="{y:.1f}" r="6" fill="{fill}" '
                f'stroke="{PALETTE[1]}" stroke-width="2" class="request-point">'
                f"<title>{escape(tooltip)}</title></circle>"
            )
        for value, colour, mark in (
            (row.median, MEDIAN_COLOUR, _("Median: %(days)s days")),
            (row.p90, P90_COLOUR, _("90th percentile: %(days)s days")),
        ):
            if value is None:
                continue
            mx = x_of(float(value))
            mark_title = escape(mark % {"days": f"{value:g}"})
            parts.append(
                f'<rect x="{mx - 2:.1f}" y="{y - 14:.1f}" width="4" height="28" '
                f'fill="{colour}"><title>{mark_title}</title></rect>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _legend(left: float) -> str:
    y = 40
    items = [
        (f'<circle cx="{left + 6}" cy="{y - 4}" r="6" fill="{PALETTE[1]}"/>', _("disbursed")),
        (
            f'<circle cx="{left + 6}" cy="{y - 4}" r="5" fill="#fff" stroke="{PALETTE[1]}" '
            'stroke-width="2"/>',
            _("waiting"),
        ),
        (
            f'<rect x="{left + 4}" y="{y - 14}" width="4" height="18" fill="{MEDIAN_COLOUR}"/>',
            _("median"),
        ),
        (
            f'<rect x="{left + 4}" y="{y - 14}" width="4" height="18" fill="{P90_COLOUR}"/>',
            _("90th pct"),
        ),
        (
            f'<line x1="{left + 6}" y1="{y - 14}" x2="{left + 6}" y2="{y + 4}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="4 3"/>',
            _("target"),
        ),
    ]
    parts = []
    offset = 0
    for mark, label in items:
        parts.append(
            f'<g transform="translate({offset},0)">{mark}'
            + _text(left + 18, y, label, size=TEXT, fill="#444")
            + "</g>"
        )
        offset += 30 + len(label) * 8
    return "".join(parts)
