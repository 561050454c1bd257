"""Who is seconded where: organisations sending people on the left, those hosting them on the
right, a band between each pair as wide as the number of people (SVG, drawn on the server)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from charts import PALETTE, TEXT, TITLE, _svg, _text

BOX_WIDTH = 190
ROW = 40
GAP = 12
TOP = 44


def flow_chart(flows: list[tuple[str, str, int]], *, title: str, width: int = 640) -> str:
    """`flows`: (from, to, how many) per pair of organisations. Each organisation is one box
    per side; each pair is a curve from the sender to the host, labelled with its number."""
    senders = sorted({source for source, _, _ in flows})
    hosts = sorted({target for _, target, _ in flows})
    rows = max(len(senders), len(hosts), 1)
    height = TOP + rows * (ROW + GAP) + 8
    largest = max((n for _, _, n in flows), default=1) or 1
    left_edge, right_edge = BOX_WIDTH, width - BOX_WIDTH

    def middle(index: int) -> float:
        return TOP + index * (ROW + GAP) + ROW / 2

    parts = [
        _svg(width, height, title, "chart flow-chart"),
        _text(0, 18, title, size=TITLE, fill="#222", weight="bold", room=width),
        _text(0, 36, _("From"), fill="#666"),
        _text(width, 36, _("To"), anchor="end", fill="#666"),
    ]
    for source, target, count in flows:
        y1, y2 = middle(senders.index(source)), middle(hosts.index(target))
        band = 3 + 14 * count / largest
        colour = PALETTE[senders.index(source) % len(PALETTE)]
        bend = (right_edge - left_edge) / 2
        people = ngettext("%(count)d person", "%(count)d people", count) % {"count": count}
        band_title = _("%(source)s to %(target)s: %(people)s") % {
            "source": source,
            "target": target,
            "people": people,
        }
        parts.append(
            f'<path d="M{left_edge},{y1:.1f} C{left_edge + bend:.1f},{y1:.1f} '
            f'{right_edge - bend:.1f},{y2:.1f} {right_edge},{y2:.1f}" fill="none" '
            f'stroke="{colour}" stroke-opacity="0.55" stroke-width="{band:.1f}">'
            f"<title>{escape(band_title)}</title></path>"
        )
        parts.append(
            _text(width / 2, (y1 + y2) / 2 - band / 2 - 3, str(count), anchor="middle", fill="#222")
        )
    for side, names, x in (("from", senders, 0), ("to", hosts, right_edge)):
        for index, name in enumerate(names):
            y = TOP + index * (ROW + GAP)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{ROW}" rx="4" '
                f'fill="#f1f4f8" stroke="#9aa5b1" class="flow-{side}"/>'
                + _text(x + 8, y + ROW / 2 + TEXT * 0.35, name, fill="#222", room=BOX_WIDTH - 16)
            )
    parts.append("</svg>")
    return "".join(parts)
