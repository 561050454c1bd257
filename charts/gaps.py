"""How far each need is met: one bar per requirement, the need as the full track, accepted
pledges filled, pledges waiting for a decision hatched after them, and what goes beyond the
need drawn past the track's end (SVG, drawn on the server)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _

from charts import CHAR_WIDTH, TEXT, TITLE, _compact, _svg, _text

LABEL_WIDTH = 230
VALUE_ROOM = 130
BAR = 22
GAP = 10
TOP = 44
MET = "#2a9d8f"
WAITING = "#e9c46a"
BEYOND = "#e76f51"
TRACK = "#e6e9ee"


@dataclass(frozen=True)
class GapBar:
    label: str
    need: Decimal
    pledged: Decimal
    proposed: Decimal
    unit: str


def gap_chart(bars: list[GapBar], *, title: str, width: int = 640) -> str:
    """Each need as a share: the track is the need (100 %), up to 150 % is drawn so what
    goes beyond it shows; a zero need is a track of its own, every pledge beyond it."""
    height = TOP + len(bars) * (BAR + GAP) + 8
    usable = width - LABEL_WIDTH - VALUE_ROOM
    full = usable / 1.5  # the need; the rest of the room shows what goes beyond it
    parts = [
        _svg(width, height, title, "chart gap-chart"),
        _text(0, 18, title, size=TITLE, fill="#222", weight="bold", room=width),
    ]
    # The legend: each key where the English one stood, further on when a longer word needs it.
    legend_x = float(LABEL_WIDTH)
    for colour, label, step in (
        (MET, _("accepted"), 100),
        (WAITING, _("waiting"), 90),
        (BEYOND, _("beyond need"), 0),
    ):
        parts.append(
            f'<rect x="{legend_x:g}" y="26" width="12" height="12" fill="{colour}"/>'
            + _text(legend_x + 16, 37, label, fill="#444")
        )
        legend_x += max(step, round(16 + len(label) * TEXT * CHAR_WIDTH + 12))
    for index, bar in enumerate(bars):
        y = TOP + index * (BAR + GAP)
        baseline = y + BAR * 0.7
        need = bar.need
        scale = (full / float(need)) if need > 0 else 0.0
        accepted = min(float(bar.pledged) * scale, full) if need > 0 else 0.0
        waiting_end = min(float(bar.pledged + bar.proposed) * scale, usable) if need > 0 else 0.0
        beyond_end = min(float(bar.pledged) * scale, usable) if need > 0 else 0.0
        tooltip = _(
            "%(label)s: %(pledged)s of %(need)s %(unit)s accepted, %(proposed)s waiting"
        ) % {
            "label": bar.label,
            "pledged": _compact(float(bar.pledged)),
            "need": _compact(float(need)),
            "unit": bar.unit,
            "proposed": _compact(float(bar.proposed)),
        }
        parts.append(
            _text(LABEL_WIDTH - 8, baseline, bar.label, anchor="end", room=LABEL_WIDTH - 8)
            + f'<rect x="{LABEL_WIDTH}" y="{y}" width="{full:.1f}" height="{BAR}" '
            f'fill="{TRACK}"><title>{escape(tooltip)}</title></rect>'
        )
        if waiting_end > accepted:
            parts.append(
                f'<rect x="{LABEL_WIDTH + accepted:.1f}" y="{y + 4}" '
                f'width="{waiting_end - accepted:.1f}" height="{BAR - 8}" fill="{WAITING}">'
                f"<title>{escape(tooltip)}</title></rect>"
            )
        if accepted > 0:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{accepted:.1f}" height="{BAR}" '
                f'fill="{MET}"><title>{escape(tooltip)}</title></rect>'
            )
        if beyond_end > full:
            parts.append(
                f'<rect x="{LABEL_WIDTH + full:.1f}" y="{y}" width="{beyond_end - full:.1f}" '
                f'height="{BAR}" fill="{BEYOND}"><title>{escape(tooltip)}</title></rect>'
            )
        if need > 0:
            percent = round(bar.pledged * 100 / need)
            figure = _("%(percent)s %% of %(need)s %(unit)s") % {
                "percent": percent,
                "need": _compact(float(need)),
                "unit": bar.unit,
            }
        else:
            figure = (
                _("no need")
                if not bar.pledged
                else _("%(pledged)s beyond") % {"pledged": _compact(float(bar.pledged))}
            )
        parts.append(
            f'<line x1="{LABEL_WIDTH + full:.1f}" y1="{y - 2}" x2="{LABEL_WIDTH + full:.1f}" '
            f'y2="{y + BAR + 2}" stroke="#222" stroke-width="1.5"/>'
            + _text(width - VALUE_ROOM + 6, baseline, figure, size=TEXT, room=VALUE_ROOM - 6)
        )
    parts.append("</svg>")
    return "".join(parts)
