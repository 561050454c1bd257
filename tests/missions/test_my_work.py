"""My work: what waits for each persona, the same on the home page, the nav badge and the API;
work leaves it once done, and its notification with it.

The world: the plan of `tests/missions/conftest.py` (lead mfa, contributor mod) submitted for
review, and a strategy led by mfa with mod as partner, in consultation.
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.work import SECTION_KEYS, my_work
from missions import services
from missions.models import Plan
from reports.models import Report, ReportStatus
from strategy import services as strategy_services
from strategy.models import Strategy
from tests.conftest import api_as
from tests.factories import edition_of, submission_of
from tests.missions.conftest import plan_make, plan_world_make
from tests.strategy.conftest import strategy_make

Counts = dict[str, int]


def counts(user: User | None) -> Counts:
    """The non-empty sections' counts, as the API gives them."""
    response = api_as(user).get("/api/v1/users/me/work/")
    assert response.status_code == 200
    body = response.json()
    assert [section["key"] for section in body["sections"]] == SECTION_KEYS
    assert body["total"] == sum(section["count"] for section in body["sections"])
    return {section["key"]: section["count"] for section in body["sections"] if section["count"]}


def kinds(user: User, section: str) -> list[tuple[str, str]]:
    body = api_as(user).get("/api/v1/users/me/work/").json()
    (found,) = [s for s in body["sections"] if s["key"] == section]
    return [(item["kind"], item["url"]) for item in found["items"]]


@pytest.fixture(scope="module")
def built(module_db: Any) -> dict[str, Any]:
    """The world, built once for the module; each test's changes roll back."""
    with module_db.unblock():
        return world_make()


@pytest.fixture
def world(built: dict[str, Any], db: None) -> dict[str, Any]:
    return copy.deepcopy(built)


def world_make() -> dict[str, Any]:
    organisations, personas, plan = plan_world_make()
    lead_planner = personas["lead_planner"]
    assert lead_planner is not None
    plan = services.plan_submit(plan=plan, by=lead_planner)
    strategy = strategy_make(
        lead_planner=lead_planner,
        lead_org=organisations["lead_org"],
        partner_org=organisations["contributor_org"],
    )
    strategy = strategy_services.strategy_submit(strategy=strategy, by=lead_planner)
    return {"personas": personas, "plan": plan, "strategy": strategy, **organisations}


# Who waits for what right after the plan's submission and the strategy's.
EXPECTED_AT_START: dict[str, Counts] = {
    # mod's approver reviews the plan and endorses the strategy for mod.
    "contributor_approver": {"decide": 2},
    # mfa is the strategy's lead partner: its approver endorses it too.
    "lead_approver": {"decide": 1},
    "lead_planner": {},
    "contributor_planner": {},
    "field_advisor": {},
    "outsider": {},
    # A superuser sees everything and decides nothing: nothing waits for them.
    "superuser": {},
    "ended_yesterday": {},
    "starts_tomorrow": {},
}


@pytest.mark.parametrize("persona", EXPECTED_AT_START)
def test_what_waits_for_each_persona(world: dict[str, Any], persona: str) -> None:
    assert counts(world["personas"][persona]) == EXPECTED_AT_START[persona]


def test_the_approver_sees_what_to_decide_and_where(world: dict[str, Any]) -> None:
    plan: Plan = world["plan"]
    strategy: Strategy = world["strategy"]
    approver = world["personas"]["contributor_approver"]
    body = api_as(approver).get("/api/v1/users/me/work/").json()
    decide = body["sections"][0]
    assert decide["key"] == "decide"
    assert decide["title"] == "Waiting for your decision"
    # Oldest first: the plan was submitted before the strategy.
    assert [(i["kind"], i["title"], i["url"]) for i in decide["items"]] == [
        ("plan_review", f"Review “{plan.title}”", f"/plans/{plan.pk}/review/"),
        (
            "strategy_endorsement",
            f"Endorse “{strategy.title}”",
            f"/strategies/{strategy.pk}/endorse/",
        ),
    ]
    assert decide["items"][0]["detail"] == "Submission 1, led by Ministry of Foreign Affairs"


def test_reviewing_takes_the_plan_off_and_marks_its_request_done(world: dict[str, Any]) -> None:
    plan: Plan = world["plan"]
    personas = world["personas"]
    approver, lead_approver = personas["contributor_approver"], personas["lead_approver"]
    request = Notification.objects.get(recipient=approver, kind="plan.review_requested")
    assert request.read_at is None

    services.plan_review(plan=plan, by=approver, submission=submission_of(plan), decision="approve")

    assert kinds(approver, "decide") == [
        ("strategy_endorsement", f"/strategies/{world['strategy'].pk}/endorse/")
    ]
    request.refresh_from_db()
    assert request.read_at is not None
    # Every contributor approved: now the lead's approver approves the plan.
    assert kinds(lead_approver, "decide") == [
        ("strategy_endorsement", f"/strategies/{world['strategy'].pk}/endorse/"),
        ("plan_approval", f"/plans/{plan.pk}/#review"),
    ]


def test_changes_asked_for_go_back_to_the_lead_planner_until_resubmitted(
    world: dict[str, Any],
) -> None:
    plan: Plan = world["plan"]
    personas = world["personas"]
    lead_planner = personas["lead_planner"]
    services.plan_review(
        plan=plan,
        by=personas["contributor_approver"],
        submission=submission_of(plan),
        decision="request_changes",
        comment="Name who clears the route.",
    )
    body = api_as(lead_planner).get("/api/v1/users/me/work/").json()
    returned = body["sections"][1]
    assert returned["count"] == 1
    assert returned["items"][0]["detail"] == (
        "Ministry of Defence asks for changes: Name who clears the route."
    )
    changes = Notification.objects.get(recipient=lead_planner, kind="plan.changes_requested")

    services.plan_submit(plan=plan, by=lead_planner)

    assert counts(lead_planner) == {}
    changes.refresh_from_db()
    assert changes.read_at is not None


def test_a_rejection_goes_back_to_the_lead_planner(world: dict[str, Any]) -> None:
    strategy: Strategy = world["strategy"]
    personas = world["personas"]
    strategy_services.strategy_endorse(
        strategy=strategy,
        by=personas["contributor_approver"],
        edition=edition_of(strategy),
        decision="reject",
        comment="Add the police.",
    )
    assert counts(personas["lead_planner"]) == {"returned": 1}
    assert kinds(personas["lead_planner"], "returned") == [
        ("strategy_rejected", f"/strategies/{strategy.pk}/#endorsement")
    ]
    assert counts(personas["contributor_approver"]) == {"decide": 1}


def test_indicators_in_warning_reach_every_partners_people(world: dict[str, Any]) -> None:
    strategy: Strategy = world["strategy"]
    personas = world["personas"]
    indicator = strategy.goals.get().indicators.get()
    strategy_services.reading_record(
        indicator=indicator,
        by=personas["lead_planner"],
        date=timezone.localdate() - datetime.timedelta(days=1),
        value=Decimal(45),
    )
    in_warning = {
        persona: counts(user).get("indicators", 0) for persona, user in personas.items() if user
    }
    assert in_warning == {
        "lead_planner": 1,
        "lead_approver": 1,
        "contributor_planner": 1,
        "contributor_approver": 1,
        "field_advisor": 1,
        "outsider": 0,
        "superuser": 0,
        "ended_yesterday": 0,
        "starts_tomorrow": 0,
    }


def test_a_blocked_activity_and_a_late_one_wait_for_their_organisations_planners(
    world: dict[str, Any],
) -> None:
    plan: Plan = world["plan"]
    personas = world["personas"]
    services.plan_review(
        plan=plan,
        by=personas["contributor_approver"],
        submission=submission_of(plan),
        decision="approve",
    )
    plan = services.plan_approve(
        plan=plan, by=personas["lead_approver"], submission=submission_of(plan)
    )
    civilian, military = plan.lines_of_effort.get().activities.order_by("pk")
    services.activity_progress_update(
        activity=military,
        by=personas["contributor_planner"],
        version=military.version,
        status="blocked",
    )
    type(civilian).objects.filter(pk=civilian.pk).update(
        end_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    assert kinds(personas["contributor_planner"], "activities") == [
        ("activity_blocked", f"/plans/{plan.pk}/#activity-{military.pk}")
    ]
    # mfa's planner and field advisor: mfa's civilian activity is late.
    for persona in ("lead_planner", "field_advisor"):
        assert kinds(personas[persona], "activities") == [
            ("activity_overdue", f"/plans/{plan.pk}/#activity-{civilian.pk}")
        ]
    assert counts(personas["lead_approver"]).get("activities", 0) == 0


def test_field_reports_of_the_week_reach_the_other_participants(world: dict[str, Any]) -> None:
    plan: Plan = world["plan"]
    personas = world["personas"]
    report = services.field_report_file(
        plan=plan,
        by=personas["field_advisor"],
        date=timezone.localdate(),
        situation="Market open again.",
        place="Kora",
    )
    assert counts(personas["field_advisor"]).get("field_reports", 0) == 0
    assert kinds(personas["contributor_planner"], "field_reports") == [
        ("field_report", f"/plans/{plan.pk}/#report-{report.pk}")
    ]
    assert counts(personas["outsider"]) == {}


def test_a_ready_report_waits_until_downloaded(world: dict[str, Any], settings: Any) -> None:
    planner = world["personas"]["lead_planner"]
    report = Report.objects.create(
        kind="organisation_directory",
        params={"format": "csv"},
        requested_by=planner,
        status=ReportStatus.DONE,
        finished_at=timezone.now(),
    )
    report.file.save("directory.csv", content=_csv(), save=True)
    assert kinds(planner, "reports") == [("report_ready", f"/reports/{report.pk}/")]

    response = api_as(planner).get(f"/api/v1/reports/{report.pk}/download/")

    assert response.status_code == 200
    assert counts(planner) == {}


def _csv() -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(b"name\nMinistry of Foreign Affairs\n")


def test_the_home_page_and_the_badge_say_the_same(client: Any, world: dict[str, Any]) -> None:
    approver = world["personas"]["contributor_approver"]
    client.force_login(approver)
    page = client.get(reverse("home")).content.decode()
    assert "2 things wait for you today." in page
    assert 'id="work-decide"' in page
    assert 'id="work-returned"' not in page
    badge = client.get(reverse("work-badge")).content.decode()
    assert '<span class="visually-hidden">, </span>2<span class="visually-hidden"> waiting' in (
        badge
    )


def test_my_work_takes_the_same_queries_for_1_or_12_waiting_plans(
    world: dict[str, Any],
) -> None:
    personas = world["personas"]

    def measure() -> dict[str, tuple[int, int]]:
        """Each persona's waiting items and the queries it took to find them."""
        found = {}
        for persona in EXPECTED_AT_START:
            with CaptureQueriesContext(connection) as queries:
                waiting = sum(section.count for section in my_work(personas[persona]))
            found[persona] = (waiting, len(queries))
        return found

    few = measure()
    for _ in range(11):
        extra = plan_make(
            lead_planner=personas["lead_planner"],
            lead_org=world["lead_org"],
            contributor_org=world["contributor_org"],
            consulted_org=world["consulted_org"],
        )
        services.plan_submit(plan=extra, by=personas["lead_planner"])
    many = measure()

    # Eleven more plans wait for the contributor's approver, and for nobody else; nobody's
    # page takes one query more for them.
    assert {p: many[p][0] - few[p][0] for p in few} == {
        p: 11 if p == "contributor_approver" else 0 for p in few
    }
    assert {p: many[p][1] for p in few} == {p: few[p][1] for p in few}
