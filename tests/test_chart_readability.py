"""Charts read on a tablet: they fit their box, no text under 12 px, no label cut off (a long
one is shortened and whole in its tooltip), today marked, value ticks with their unit."""

from __future__ import annotations

import datetime
import re

import pytest

from charts import horizontal_bar_chart, line_chart, timeline_chart

D = datetime.date
TODAY = D(2026, 7, 2)
LATER = D(2026, 12, 2)
LONG = "Train the council clerks of all eleven northern districts in records management"


def timeline(today: D | None = TODAY, **extra: object) -> str:
    return timeline_chart(
        [
            (LONG, D(2026, 1, 1), D(2026, 6, 30), "in_progress"),
            ("Patrols", D(2026, 2, 1), D(2026, 3, 1), "blocked"),
        ],
        [("District councils elected", D(2026, 10, 1), False)],
        title="Activities and milestones",
        start=D(2026, 1, 1),
        end=D(2026, 12, 31),
        today=today,
        **extra,  # type: ignore[arg-type]
    )


def readings(unit: str = "%", today: D | None = LATER) -> str:
    return line_chart(
        [(D(2026, 1, 1), 12.0), (D(2026, 4, 1), 45.5)],
        title="Schools open",
        unit=unit,
        target=80.0,
        today=today,
    )


def bars() -> str:
    return horizontal_bar_chart(
        [("Civilian", 3), ("International organisation staff seconded", 12)],
        title="Activities per actor type",
    )


ALL = [
    pytest.param(timeline, id="timeline"),
    pytest.param(readings, id="line chart"),
    pytest.param(lambda: readings(unit="incidents per month"), id="line chart, long unit"),
    pytest.param(bars, id="bar chart"),
    pytest.param(
        lambda: line_chart([], title="Nothing yet", today=TODAY), id="line chart, no readings"
    ),
    pytest.param(
        lambda: timeline_chart([], [], title="Empty", start=D.min, end=D.max, today=TODAY),
        id="empty timeline over every date",
    ),
]


@pytest.mark.parametrize("draw", ALL)
def test_a_chart_fits_its_box(draw: object) -> None:
    svg = draw()  # type: ignore[operator]
    opening = svg[: svg.index(">") + 1]
    assert re.fullmatch(
        r'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 \d+ \d+" '
        r'preserveAspectRatio="xMinYMin meet" role="img" aria-label="[^"]+" class="chart[^"]*">',
        opening,
    ), opening
    assert " height=" not in opening  # the viewBox's ratio decides the height


@pytest.mark.parametrize("draw", ALL)
def test_no_chart_text_is_smaller_than_12_px(draw: object) -> None:
    sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', draw())]  # type: ignore[operator]
    assert sizes
    assert min(sizes) >= 12


def test_a_long_label_is_shortened_and_whole_in_its_tooltip() -> None:
    svg = timeline()
    assert f"<title>{LONG}</title>Train the council clerks…</text>" in svg
    bar = bars()
    assert (
        "<title>International organisation staff seconded</title>International organisation s…<"
    ) in bar
    assert ">Non-governmental organisation</text>" in horizontal_bar_chart(
        [("Non-governmental organisation", 2)], title="Stakeholders"
    )
    chart = line_chart([], title=f"{LONG} per month", unit="clerks")
    assert f"<title>{LONG} per month (clerks)</title>" in chart
    # A label that fits is drawn whole, with no tooltip of its own.
    assert ">Patrols</text>" in svg


def test_the_timeline_marks_today_within_the_plan() -> None:
    svg = timeline()
    # 2 Jul is day 182 of the 365 the plan spans; the plot starts at 220 and is 528 wide.
    assert (
        '<line x1="483.3" x2="483.3" y1="60" y2="140" class="today" stroke="#b35c00" '
        'stroke-width="2"><title>Today, 02 Jul 2026</title></line>'
    ) in svg
    assert ">Today</text>" in svg  # in the legend
    before = timeline(today=D(2025, 12, 31))
    assert 'class="today"' not in before
    assert ">Today</text>" not in before
    assert 'class="today"' not in timeline(today=None)


def test_the_line_chart_reaches_today_and_marks_it() -> None:
    svg = readings()
    # Today is the last day on the time axis: the line at the plot's right edge, labelled with
    # its date in place of the last date.
    assert re.search(
        r'<line x1="584\.0" x2="584\.0" y1="48" y2="226" class="today" [^>]*>'
        r"<title>Today, 02 Dec 2026</title></line>",
        svg,
    ), svg
    assert re.findall(r">(\d\d \w\w\w 2026|Today[^<]*)</text>", svg) == [
        "01 Jan 2026",
        "Today, 02 Dec 2026",
    ]
    assert 'class="today"' not in readings(today=None)


def test_value_ticks_carry_the_unit() -> None:
    def tick_labels(svg: str) -> list[str]:
        labels = re.findall(r'text-anchor="end" fill="#444">([^<]+)</text>', svg)
        return [label for label in labels if not re.fullmatch(r"\d\d \w{3} \d{4}", label)]

    assert tick_labels(readings()) == ["0 %", "20 %", "40 %", "60 %", "80 %"]
    long_unit = readings(unit="incidents per month")
    assert tick_labels(long_unit) == ["0", "20", "40", "60", "80"]
    assert (
        '<text x="2.0" y="38.0" font-size="13" text-anchor="start" fill="#444">'
        "incidents per month</text>"
    ) in long_unit
    assert "target 80 incidents per month</text>" in long_unit
    huge = line_chart(
        [(D(2026, 1, 1), 2_500_000.0), (D(2026, 2, 1), 7_200_000.0)], title="Funds", unit="EUR"
    )
    assert tick_labels(huge) == [f"{n}M EUR" for n in range(2, 9)]
