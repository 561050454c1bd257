"""`make bench`'s two commands on a tiny world: the generator builds exactly the world its
scale says, the planner sees exactly its organisations' plans, and the measurement writes a
table with the plans list in it."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import Membership, Organisation, Role, User
from benchmarks.world import BRIEF_PLAN_TITLE, PLANNER_USERNAME
from lessons.models import Lesson
from missions.models import Activity, ActivityStatus, Participant, Plan
from missions.selectors import visible_plans
from strategy.models import Strategy
from tests.factories import make_user

# Scale 0.01: the ten organisations a tiny world keeps at least, 20 people, 50 strategies,
# 200 plans; activities: the brief plan's 400, then 3 to 7 in turn for the other 199 (997).
TINY = 0.01


@pytest.fixture(scope="module")
def world(module_db: Any) -> str:
    with module_db.unblock():
        make_user("admin", is_superuser=True, is_staff=True)  # the demo's superuser
        out = StringIO()
        call_command("bench_world", scale=TINY, stdout=out)
    return out.getvalue()


def test_the_world_has_exactly_what_its_scale_says(world: str, db: None) -> None:
    bench_plans = Plan.objects.filter(lead_organisation__slug__startswith="bench-")
    assert Organisation.objects.filter(slug__startswith="bench-").count() == 10
    assert User.objects.filter(username__startswith="bench.").count() == 20
    assert Strategy.objects.filter(lead_organisation__slug__startswith="bench-").count() == 50
    assert bench_plans.count() == 200
    assert Activity.objects.filter(line_of_effort__plan__in=bench_plans).count() == 1397
    assert Lesson.objects.filter(source_organisation__slug__startswith="bench-").count() == 20
    assert set(Activity.objects.values_list("status", flat=True)) == set(ActivityStatus.values)
    brief = Plan.objects.get(title=BRIEF_PLAN_TITLE)
    assert brief.lead_organisation.slug == "bench-0001"
    assert Activity.objects.filter(line_of_effort__plan=brief).count() == 400
    assert "200 plans, 1,397 activities" in world


def test_the_planner_sees_exactly_the_plans_of_its_organisations(world: str, db: None) -> None:
    planner = User.objects.get(username=PLANNER_USERNAME)
    memberships = Membership.objects.filter(user=planner)
    assert sorted(memberships.values_list("organisation__slug", "role")) == [
        ("bench-0001", Role.PLANNER),
        ("bench-0002", Role.PLANNER),
        ("bench-0003", Role.PLANNER),
    ]
    theirs = set(
        Participant.objects.filter(organisation__in=memberships.values("organisation")).values_list(
            "plan_id", flat=True
        )
    )
    assert 0 < len(theirs) < 200
    assert set(visible_plans(planner).values_list("pk", flat=True)) == theirs


def test_the_measurement_writes_a_table_with_the_plans_list(
    world: str, db: None, tmp_path: Path
) -> None:
    out = tmp_path / "benchmarks.md"
    call_command(
        "bench_measure", requests=2, warmup=0, only="plans", out=str(out), stdout=StringIO()
    )
    report = out.read_text()
    plans_row = next(line for line in report.splitlines() if "`API /api/v1/plans/`" in line)
    cells = [cell.strip() for cell in plans_row.strip("|").split("|")]
    assert len(cells) == 7
    assert cells[1].count("/") == 1  # queries superuser / planner
    assert "| scale | 0.01 |" in report
    assert "`page /plans/`" in report
    assert "- planner: " in report  # the floor: DRF's throughput against the bare view
    assert "## EXPLAIN ANALYZE" in report
