"""The plan brief's timeline: a chart cannot break across pages, so a long plan's timeline goes
on in page-sized charts, every activity in one of them, all on the same scale."""

from __future__ import annotations

import datetime
import re

from missions import services
from missions.models import Activity, Plan
from reports.kinds import TIMELINE_ROWS_PER_PAGE, plan_brief_timeline
from tests.missions.conftest import END, START, plan_world_make

BAR = re.compile(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="16" rx="2"')


def chart_labels(chart: str) -> str:
    found = re.search(r'aria-label="([^"]*)"', chart)
    assert found is not None
    return found.group(1)


def a_long_plan(activities: int) -> Plan:
    """The plan personas' plan (two activities) with more, the last ending years later."""
    _, people, plan = plan_world_make()
    line = plan.lines_of_effort.get()
    Activity.objects.bulk_create(
        Activity(
            line_of_effort=line,
            title=f"Step {n:03}",
            responsible_organisation=line.lead_organisation,
            actor_type="civilian",
            task_nature="non_military",
            start_date=START,
            end_date=datetime.date(2030, 12, 31) if n == activities - 3 else END,
        )
        for n in range(activities - 2)
    )
    lead_planner = people["lead_planner"]
    assert lead_planner is not None
    for n in range(3):
        services.milestone_create(
            plan=plan,
            by=lead_planner,
            data={"title": f"Milestone {n}", "due_date": datetime.date(2026, 3, 1 + n)},
        )
    return plan


def activities_of(plan: Plan) -> list[Activity]:
    return [a for line in plan.lines_of_effort.all() for a in line.activities.all()]


def test_a_short_plan_has_one_timeline(db: None) -> None:
    _, _, plan = plan_world_make()
    charts = plan_brief_timeline(plan, activities_of(plan))
    assert [chart_labels(chart) for chart in charts] == [
        "Activities and milestones: 2 activities and 0 milestones"
    ]


def test_a_long_plan_has_its_timeline_on_page_sized_charts_on_one_scale(db: None) -> None:
    assert TIMELINE_ROWS_PER_PAGE == 40
    plan = a_long_plan(85)
    charts = plan_brief_timeline(plan, activities_of(plan))
    assert [chart_labels(chart) for chart in charts] == [
        "Activities 1 to 40 of 85: 40 activities and 0 milestones",
        "Activities 41 to 80 of 85: 40 activities and 0 milestones",
        "Activities 81 to 85 of 85 and the milestones: 5 activities and 3 milestones",
    ]
    shown = [title for chart in charts for title in re.findall(r">(Step \d{3})</text>", chart)]
    assert shown == [f"Step {n:03}" for n in range(83)]
    # A step from START to END has the same bar on the first chart as on the last, which
    # alone holds the step that ends in 2030.
    assert BAR.findall(charts[0])[-1] == BAR.findall(charts[2])[0]


def test_a_full_timeline_chart_fits_a_page_of_the_brief_under_its_heading(db: None) -> None:
    """A4 with the brief's margins (16 mm, 14 mm) leaves 182 x 265 mm; the chart is drawn at
    the page's width and must leave room for the "Timeline" heading (about 12 mm)."""
    plan = a_long_plan(TIMELINE_ROWS_PER_PAGE)
    full, last = plan_brief_timeline(plan, activities_of(plan))
    assert chart_labels(last) == "Milestones: 0 activities and 3 milestones"
    view_box = re.search(r'viewBox="0 0 (\d+) (\d+)"', full)
    assert view_box is not None
    width, height = (int(side) for side in view_box.groups())
    assert height * 182 / width <= 265 - 12
