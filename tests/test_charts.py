"""The server-side charts draw whatever is stored: no date, value or count breaks a page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import translation

from charts import horizontal_bar_chart, line_chart, timeline_chart

MIN, MAX = datetime.date.min, datetime.date.max
DAY = datetime.date(2026, 3, 1)
LARGEST = 999_999_999_999.99  # what an indicator's decimal(14, 2) holds

EXTREMES = [
    pytest.param(MIN, MIN, id="date.min"),
    pytest.param(MAX, MAX, id="date.max"),
    pytest.param(MIN, MAX, id="date.min to date.max"),
    pytest.param(DAY, DAY, id="one day"),
    pytest.param(datetime.date(9999, 12, 1), MAX, id="the last month there is"),
]


def ticks(svg: str) -> list[str]:
    return re.findall(r'<line x1="[^"]+" x2="[^"]+" y1="56" ', svg)


@pytest.mark.parametrize(("start", "end"), EXTREMES)
def test_a_timeline_draws_any_plan_dates_with_extreme_activities_and_milestones(
    start: datetime.date, end: datetime.date
) -> None:
    svg = timeline_chart(
        [
            ("Far back", MIN, MIN, "planned"),
            ("Far ahead", MAX, MAX, "done"),
            ("Always", MIN, MAX, "unknown"),
        ],
        [("Never", MAX, False), ("Long ago", MIN, True)],
        title="Activities and milestones",
        start=start,
        end=end,
    )
    assert svg.startswith("<svg ")
    assert svg.endswith("</svg>")
    assert "nan" not in svg
    assert "inf" not in svg
    # However long the span, the axis keeps to a readable number of ticks.
    assert 1 <= len(ticks(svg)) <= 12


@pytest.mark.parametrize(("start", "end"), EXTREMES)
def test_an_empty_timeline_draws_for_any_plan_dates(
    start: datetime.date, end: datetime.date
) -> None:
    svg = timeline_chart([], [], title="Activities and milestones", start=start, end=end)
    assert "No activities or milestones yet" in svg
    assert svg.endswith("</svg>")


def test_a_timeline_ending_before_it_starts_still_draws() -> None:
    svg = timeline_chart(
        [("Backwards", DAY, DAY - datetime.timedelta(days=30), "planned")],
        [],
        title="Backwards",
        start=DAY,
        end=DAY - datetime.timedelta(days=30),
    )
    assert svg.endswith("</svg>")
    assert 'width="-' not in svg


@pytest.mark.parametrize(
    "points",
    [
        pytest.param([], id="empty"),
        pytest.param([(DAY, 1.0)], id="one reading"),
        pytest.param([(MIN, -LARGEST), (MAX, LARGEST)], id="extreme dates and values"),
        pytest.param([(MAX, 5.0), (MAX, 5.0)], id="two readings on date.max"),
    ],
)
def test_a_line_chart_draws_any_readings(points: list[tuple[datetime.date, float]]) -> None:
    svg = line_chart(points, title="Incidents", target=LARGEST, threshold=-LARGEST)
    assert svg.endswith("</svg>")
    assert "nan" not in svg
    assert "inf" not in svg


def test_a_bar_chart_draws_negative_and_huge_values() -> None:
    svg = horizontal_bar_chart([("Less", -5), ("More", 10**30), ("None", 0)], title="Counts")
    assert svg.endswith("</svg>")
    assert 'width="-' not in svg


@pytest.mark.parametrize(
    ("language", "figures"),
    [
        ("en", [">12,500<", ">2.5<", ">1.25M<", ">3bn<"]),
        ("fr", [">12\xa0500<", ">2,5<", ">1,25M<", ">3Md<"]),
    ],
)
def test_a_chart_writes_figures_as_its_readers_language_does(
    language: str, figures: list[str]
) -> None:
    with translation.override(language):
        svg = horizontal_bar_chart(
            [("Teams", 12_500), ("Share", 2.5), ("Budget", 1_250_000), ("Fund", 3 * 10**9)],
            title="Figures",
        )
    assert [figure for figure in figures if figure not in svg] == []
