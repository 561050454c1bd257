"""The times-to-disburse chart reads on a tablet: it fits its box, no text under 12 px, a long
instrument name is shortened and whole in its tooltip, every request is a point, the median,
90th percentile and target are marked, and an empty chart still draws."""

from __future__ import annotations

import re
from decimal import Decimal

from charts.disbursement import TimesRow, disbursement_times_chart

LONG = "United Nations Rapid Response Window for the northern provinces of Valeria"


def chart(rows: list[TimesRow]) -> str:
    return disbursement_times_chart(rows, title="Days from request to money")


ROWS = [
    TimesRow(
        LONG,
        14,
        Decimal("20"),
        31,
        [(31, False, "31 days"), (9, False, "9 days"), (3, True, "waiting 3 days")],
    ),
    TimesRow("Pooled fund", 30, None, None, [(12, True, "waiting 12 days")]),
]


def test_the_chart_fits_its_box_and_writes_nothing_under_12_px() -> None:
    for svg in (chart(ROWS), chart([])):
        opening = svg[: svg.index(">") + 1]
        assert re.fullmatch(
            r'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 \d+ \d+" '
            r'preserveAspectRatio="xMinYMin meet" role="img" aria-label="[^"]+" '
            r'class="chart disbursement-chart">',
            opening,
        ), opening
        assert min(int(size) for size in re.findall(r'font-size="(\d+)"', svg)) >= 12
    assert "No requests yet." in chart([])


def test_points_marks_and_labels() -> None:
    svg = chart(ROWS)
    assert svg.count('class="request-point"') == 4
    assert svg.count('fill="#fff" stroke=') == 2 + 1  # two waiting points and the legend's
    assert "<title>Median: 20 days</title>" in svg
    assert "<title>90th percentile: 31 days</title>" in svg
    assert "<title>Target: 14 days</title>" in svg
    assert "<title>Target: 30 days</title>" in svg
    assert f"<title>{LONG}</title>" in svg  # shortened on the chart, whole in the tooltip
    assert ">Pooled fund</text>" in svg
