"""The plan API's parts: lines of effort, activities (as civilian as possible; who updates
status and progress, who changes scope), milestones and consultations, and the consultation gaps.

Personas and plan: tests/missions/conftest.py, built once for the module (see the end of
tests/missions/api_support.py): each test gets its own copy and its changes roll back at its end.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from accounts.models import Organisation, User
from missions import services
from missions.models import (
    Activity,
    Consultation,
    LineOfEffort,
    Milestone,
    Plan,
)
from strategy import services as strategy_services
from tests.conftest import api_as
from tests.factories import make_organisation
from tests.missions.api_support import (
    ANONYMOUS,
    DATES_OUT_OF_ORDER,
    JUSTIFICATION,
    NEEDS_JUSTIFICATION,
    NOT_A_LEAD_PLANNER,
    NOT_ALLOWED,
    NOT_RESPONSIBLE,
    PERSONAS_SEE,
    TITLE,
    Personas,
    a_part,
    at,
    detail,
    ids,
    new_activity,
    notified,
    state,
)
from tests.missions.conftest import END, START

# isort: split
from tests.missions.api_support import (  # noqa: F401 (fixtures: the world, built once)
    built_plan_world_with_plan,
    plan_world,
    plan_world_consulted_org,
    plan_world_contributor_approver,
    plan_world_contributor_org,
    plan_world_contributor_planner,
    plan_world_field_advisor,
    plan_world_lead_approver,
    plan_world_lead_org,
    plan_world_lead_planner,
    plan_world_outsider_org,
    plan_world_personas,
    plan_world_plan,
    plan_world_plan_outsider,
)

# --- as civilian as possible --------------------------------------------------------------------


@pytest.mark.parametrize("justification", [None, "", "   "])
def test_a_military_actor_on_a_non_military_task_needs_a_justification(
    lead_planner: User,
    plan: Plan,
    line: LineOfEffort,
    contributor_org: Organisation,
    justification: str | None,
) -> None:
    extra = {} if justification is None else {"military_justification": justification}

    response = api_as(lead_planner).post(
        "/api/v1/activities/", new_activity(line, contributor_org, **extra), format="json"
    )

    assert response.status_code == 400
    assert response.json() == NEEDS_JUSTIFICATION
    assert Activity.objects.count() == 2


def test_a_justified_military_activity_shows_in_the_balance(
    lead_planner: User, plan: Plan, line: LineOfEffort, contributor_org: Organisation
) -> None:
    client = api_as(lead_planner)

    response = client.post(
        "/api/v1/activities/",
        new_activity(line, contributor_org, military_justification="Only the army has drills."),
        format="json",
    )
    soldiers_patrol = client.post(
        "/api/v1/activities/",
        new_activity(line, contributor_org, title="Patrol the road", task_nature="military"),
        format="json",
    )

    assert (response.status_code, soldiers_patrol.status_code) == (201, 201)
    assert (response.json()["status"], response.json()["progress"], response.json()["plan"]) == (
        "planned",
        0,
        plan.pk,
    )
    balance = client.get(detail(plan)).json()["civil_military_balance"]
    assert balance["per_actor_type"] == {
        "civilian": 1,
        "military": 3,
        "police": 0,
        "ngo": 0,
        "international": 0,
    }
    # A military task needs no justification and is not listed.
    assert [
        (m["title"], m["justification"]) for m in balance["military_on_non_military_tasks"]
    ] == [
        ("Engineers build a school", JUSTIFICATION),
        ("Soldiers dig wells", "Only the army has drills."),
    ]


@pytest.mark.parametrize(
    ("target", "change"),
    [
        ("military", {"military_justification": ""}),
        ("civilian", {"actor_type": "military"}),
        ("civilian", {"actor_type": "military", "military_justification": " "}),
    ],
)
def test_an_edit_that_leaves_a_military_activity_unjustified_is_refused(
    lead_planner: User,
    civilian_activity: Activity,
    military_activity: Activity,
    target: str,
    change: dict[str, Any],
) -> None:
    activity = military_activity if target == "military" else civilian_activity
    before = (activity.actor_type, activity.military_justification)

    response = api_as(lead_planner).patch(
        f"/api/v1/activities/{activity.pk}/", {**change, "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == NEEDS_JUSTIFICATION
    activity.refresh_from_db()
    assert (activity.actor_type, activity.military_justification, activity.version) == (
        *before,
        1,
    )


def test_a_responsible_organisation_must_take_part(
    lead_planner: User,
    plan: Plan,
    line: LineOfEffort,
    civilian_activity: Activity,
    outsider_org: Organisation,
) -> None:
    client = api_as(lead_planner)
    not_taking_part = {
        "responsible_organisation": ["POLICE does not take part in this plan; add it first."]
    }

    created = client.post(
        "/api/v1/activities/",
        new_activity(line, outsider_org, actor_type="police", task_nature="non_military"),
        format="json",
    )
    changed = client.patch(
        f"/api/v1/activities/{civilian_activity.pk}/",
        {"responsible_organisation": outsider_org.pk, "version": 1},
        format="json",
    )
    line_led = client.patch(
        f"/api/v1/lines-of-effort/{line.pk}/",
        {"lead_organisation": outsider_org.pk, "version": 1},
        format="json",
    )

    assert (created.status_code, created.json()) == (400, not_taking_part)
    assert (changed.status_code, changed.json()) == (400, not_taking_part)
    assert (line_led.status_code, line_led.json()) == (
        400,
        {"lead_organisation": ["POLICE does not take part in this plan; add it first."]},
    )
    assert Activity.objects.count() == 2
    civilian_activity.refresh_from_db()
    line.refresh_from_db()
    assert (civilian_activity.responsible_organisation.slug, civilian_activity.version) == (
        "mfa",
        1,
    )
    assert (line.lead_organisation.slug, line.version) == ("mfa", 1)


def test_an_activity_that_ends_before_it_starts_is_refused(
    lead_planner: User, line: LineOfEffort, lead_org: Organisation, civilian_activity: Activity
) -> None:
    client = api_as(lead_planner)

    created = client.post(
        "/api/v1/activities/",
        new_activity(line, lead_org, task_nature="military", end_date="2026-01-31"),
        format="json",
    )
    changed = client.patch(
        f"/api/v1/activities/{civilian_activity.pk}/",
        {"end_date": "2025-12-31", "version": 1},
        format="json",
    )

    assert (created.status_code, created.json()) == (400, DATES_OUT_OF_ORDER)
    assert (changed.status_code, changed.json()) == (400, DATES_OUT_OF_ORDER)
    assert Activity.objects.count() == 2
    civilian_activity.refresh_from_db()
    assert (civilian_activity.end_date, civilian_activity.version) == (
        datetime.date(2026, 6, 30),
        1,
    )


def test_a_new_activity_starts_planned(
    lead_planner: User, line: LineOfEffort, lead_org: Organisation
) -> None:
    response = api_as(lead_planner).post(
        "/api/v1/activities/",
        new_activity(line, lead_org, task_nature="military", status="done", progress=100),
        format="json",
    )

    assert response.status_code == 400
    message = ["A new activity starts planned at 0 %; update it once it exists."]
    assert response.json() == {"status": message, "progress": message}
    assert Activity.objects.count() == 2


def test_an_activity_moves_only_between_lines_of_its_own_plan(
    lead_planner: User,
    plan: Plan,
    civilian_activity: Activity,
    lead_org: Organisation,
) -> None:
    other = services.plan_create(
        by=lead_planner,
        title="Other",
        theatre="Elsewhere",
        lead_organisation=lead_org,
        start_date=START,
        end_date=END,
    )
    elsewhere = services.line_of_effort_create(
        plan=other,
        by=lead_planner,
        data={"domain": "security", "title": "Border", "lead_organisation": lead_org},
    )

    response = api_as(lead_planner).patch(
        f"/api/v1/activities/{civilian_activity.pk}/",
        {"line_of_effort": elsewhere.pk, "version": 1},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"line_of_effort": ["Choose a line of effort of this plan."]}
    civilian_activity.refresh_from_db()
    assert civilian_activity.line_of_effort.plan == plan


# --- activities: who updates status and progress, who changes scope ----------------------------

ACTIVITY_NOT_FOUND = {"detail": "No Activity matches the given query."}
PROGRESS_MATRIX = [
    ("lead_planner", 200, None),
    ("lead_approver", 403, NOT_RESPONSIBLE),
    ("contributor_planner", 200, None),  # a planner of the responsible organisation
    ("contributor_approver", 403, NOT_RESPONSIBLE),
    ("field_advisor", 403, NOT_RESPONSIBLE),
    ("outsider", 404, ACTIVITY_NOT_FOUND),
    ("superuser", 403, NOT_RESPONSIBLE),
    ("ended_yesterday", 404, ACTIVITY_NOT_FOUND),
    ("starts_tomorrow", 404, ACTIVITY_NOT_FOUND),
    ("anonymous", 401, ANONYMOUS),
]


@pytest.mark.parametrize(("persona", "status", "body"), PROGRESS_MATRIX)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_activity_progress_update_matrix(
    personas: Personas,
    military_activity: Activity,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
    method: str,
) -> None:
    url = f"/api/v1/activities/{military_activity.pk}/"
    change: dict[str, Any] = {"status": "in_progress", "progress": 40, "version": 1}
    if method == "put":  # what was read, sent back with the new status and progress
        change = {**api_as(personas["lead_planner"]).get(url).json(), **change}

    response = getattr(api_as(personas[persona]), method)(url, change, format="json")

    assert response.status_code == status
    military_activity.refresh_from_db()
    if status == 200:
        assert (response.json()["status"], response.json()["progress"]) == ("in_progress", 40)
        assert response["ETag"] == '"2"'
        assert (military_activity.status, military_activity.progress) == ("in_progress", 40)
        assert military_activity.version == 2
        assert military_activity.history.count() == 2
    else:
        assert response.json() == body
        assert (military_activity.status, military_activity.progress) == ("planned", 0)
        assert military_activity.version == 1


def test_a_planner_of_another_participant_cannot_update_an_activity_it_is_not_responsible_for(
    contributor_planner: User, civilian_activity: Activity
) -> None:
    response = api_as(contributor_planner).patch(
        f"/api/v1/activities/{civilian_activity.pk}/",
        {"progress": 50, "version": 1},
        format="json",
    )

    assert (response.status_code, response.json()) == (403, NOT_RESPONSIBLE)
    civilian_activity.refresh_from_db()
    assert (civilian_activity.progress, civilian_activity.version) == (0, 1)


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 200, None),
        ("lead_approver", 403, NOT_A_LEAD_PLANNER),
        ("contributor_planner", 403, NOT_A_LEAD_PLANNER),  # responsible, but scope is the lead's
        ("contributor_approver", 403, NOT_A_LEAD_PLANNER),
        ("field_advisor", 403, NOT_A_LEAD_PLANNER),
        ("outsider", 404, ACTIVITY_NOT_FOUND),
        ("superuser", 403, NOT_A_LEAD_PLANNER),
        ("ended_yesterday", 404, ACTIVITY_NOT_FOUND),
        ("starts_tomorrow", 404, ACTIVITY_NOT_FOUND),
        ("anonymous", 401, ANONYMOUS),
    ],
)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_activity_scope_update_matrix(
    personas: Personas,
    military_activity: Activity,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
    method: str,
) -> None:
    url = f"/api/v1/activities/{military_activity.pk}/"
    change: dict[str, Any] = {"title": "Engineers build two schools", "version": 1}
    if method == "put":
        change = {**api_as(personas["lead_planner"]).get(url).json(), **change}

    response = getattr(api_as(personas[persona]), method)(url, change, format="json")

    assert response.status_code == status
    military_activity.refresh_from_db()
    if status == 200:
        assert (response.json()["title"], response.json()["version"]) == (
            "Engineers build two schools",
            2,
        )
        assert (military_activity.title, military_activity.version) == (
            "Engineers build two schools",
            2,
        )
    else:
        assert response.json() == body
        assert (military_activity.title, military_activity.version) == (
            "Engineers build a school",
            1,
        )


def test_a_change_of_scope_and_progress_together_is_one_edit(
    personas: Personas, plan: Plan, military_activity: Activity
) -> None:
    at("active", plan, personas)

    response = api_as(personas["lead_planner"]).patch(
        f"/api/v1/activities/{military_activity.pk}/",
        {"title": "Engineers build two schools", "progress": 10, "version": 1},
        format="json",
    )

    assert response.status_code == 200
    assert (
        response.json()["title"],
        response.json()["status"],
        response.json()["progress"],
        response.json()["version"],
    ) == ("Engineers build two schools", "in_progress", 10, 3)  # progress means under way
    assert state(plan) == ("in_review", 2, 5)


def test_the_responsible_organisation_cannot_slip_a_scope_change_into_a_progress_update(
    contributor_planner: User, military_activity: Activity
) -> None:
    response = api_as(contributor_planner).patch(
        f"/api/v1/activities/{military_activity.pk}/",
        {"progress": 30, "end_date": "2027-06-30", "version": 1},
        format="json",
    )

    assert (response.status_code, response.json()) == (403, NOT_A_LEAD_PLANNER)
    military_activity.refresh_from_db()
    assert (military_activity.progress, military_activity.end_date, military_activity.version) == (
        0,
        datetime.date(2026, 9, 30),
        1,
    )


def test_full_progress_marks_an_activity_done_and_a_blocked_one_is_announced(
    contributor_planner: User, military_activity: Activity
) -> None:
    client = api_as(contributor_planner)
    url = f"/api/v1/activities/{military_activity.pk}/"

    blocked = client.patch(url, {"status": "blocked", "version": 1}, format="json")
    done = client.patch(url, {"progress": 100, "version": 2}, format="json")
    too_much = client.patch(url, {"progress": 101, "version": 3}, format="json")

    assert blocked.json()["status"] == "blocked"
    assert (done.json()["status"], done.json()["progress"], done.json()["version"]) == (
        "done",
        100,
        3,
    )
    assert (too_much.status_code, too_much.json()) == (
        400,
        {"progress": ["Ensure this value is less than or equal to 100."]},
    )
    text = f"“Engineers build a school” in “{TITLE}” is blocked."
    # The contributor's planner blocked it: the lead's planner is told, they are not.
    assert notified("plan.activity_blocked") == [("lead-planner", text)]


def test_a_closed_plan_takes_no_more_progress_updates(
    personas: Personas, plan: Plan, military_activity: Activity
) -> None:
    at("closed", plan, personas)

    response = api_as(personas["contributor_planner"]).patch(
        f"/api/v1/activities/{military_activity.pk}/",
        {"progress": 90, "version": 1},
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["This plan is closed."]},
    )
    military_activity.refresh_from_db()
    assert (military_activity.progress, military_activity.version) == (0, 1)


def test_a_closed_plan_can_no_longer_be_changed(personas: Personas, plan: Plan) -> None:
    at("closed", plan, personas)
    closed_message = {"non_field_errors": ["This plan is closed: it can no longer be changed."]}

    response = api_as(personas["lead_planner"]).patch(
        detail(plan), {"title": "Reopened", "version": 5}, format="json"
    )
    line = api_as(personas["lead_planner"]).post(
        "/api/v1/lines-of-effort/",
        {
            "plan": plan.pk,
            "domain": "policing",
            "title": "Police",
            "lead_organisation": plan.lead_organisation_id,
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (400, closed_message)
    assert (line.status_code, line.json()) == (400, closed_message)
    assert state(plan) == ("closed", 1, 5)
    assert LineOfEffort.objects.count() == 1


# --- the parts of a plan: authorization matrix --------------------------------------------------

PART_MODELS: dict[str, Any] = {
    "lines-of-effort": LineOfEffort,
    "activities": Activity,
    "milestones": Milestone,
    "consultations": Consultation,
}
PART_NOT_FOUND = {
    "lines-of-effort": {"detail": "No LineOfEffort matches the given query."},
    "activities": {"detail": "No Activity matches the given query."},
    "milestones": {"detail": "No Milestone matches the given query."},
    "consultations": {"detail": "No Consultation matches the given query."},
}
PARTS = list(PART_MODELS)


def new_part(resource: str, plan: Plan) -> dict[str, Any]:
    line = plan.lines_of_effort.get()
    if resource == "lines-of-effort":
        return {
            "plan": plan.pk,
            "domain": "rule_of_law",
            "title": "Courts",
            "lead_organisation": plan.lead_organisation_id,
        }
    if resource == "activities":
        return new_activity(line, plan.lead_organisation, task_nature="military")
    if resource == "milestones":
        return {"plan": plan.pk, "title": "Schools open", "due_date": "2026-09-01"}
    return {
        "plan": plan.pk,
        "stakeholder": plan.participants.get(role="consulted").organisation_id,
        "date": "2026-01-20",
        "summary": "Elders ask for a road.",
    }


def _count(resource: str) -> int:
    return int(PART_MODELS[resource].objects.count())


@pytest.mark.parametrize("resource", PARTS)
@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_part_list_matrix(
    personas: Personas, plan: Plan, resource: str, persona: str, status: int
) -> None:
    part = a_part(resource, plan, personas["lead_planner"])

    response = api_as(personas[persona]).get(f"/api/v1/{resource}/")

    if status == 401:
        assert (response.status_code, response.json()) == (401, ANONYMOUS)
    else:
        assert response.status_code == 200
        expected = PART_MODELS[resource].objects.values_list("pk", flat=True)
        assert sorted(ids(response)) == (sorted(expected) if status == 200 else [])
        assert (part.pk in ids(response)) == (status == 200)


@pytest.mark.parametrize("resource", PARTS)
@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_part_detail_matrix(
    personas: Personas, plan: Plan, resource: str, persona: str, status: int
) -> None:
    part = a_part(resource, plan, personas["lead_planner"])

    response = api_as(personas[persona]).get(f"/api/v1/{resource}/{part.pk}/")

    assert response.status_code == status
    if status == 200:
        assert (response.json()["id"], response["ETag"]) == (part.pk, '"1"')
    else:
        assert response.json() == {404: PART_NOT_FOUND[resource], 401: ANONYMOUS}[status]


@pytest.mark.parametrize("resource", PARTS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead_planner", 201),
        ("lead_approver", 403),
        ("contributor_planner", 403),
        ("contributor_approver", 403),
        ("field_advisor", 403),
        ("outsider", 400),
        ("superuser", 403),  # sees the plan, so the ids are valid, but plans for no one
        ("ended_yesterday", 400),
        ("starts_tomorrow", 400),
        ("anonymous", 401),
    ],
)
def test_part_create_matrix(
    personas: Personas, plan: Plan, resource: str, persona: str, status: int
) -> None:
    before = _count(resource)
    payload = new_part(resource, plan)

    response = api_as(personas[persona]).post(f"/api/v1/{resource}/", payload, format="json")

    assert response.status_code == status
    if status == 201:
        assert _count(resource) == before + 1
        created = PART_MODELS[resource].objects.get(pk=response.json()["id"])
        assert response.json()["version"] == created.version == 1
        return
    assert _count(resource) == before
    if persona == "anonymous":
        assert response.json() == ANONYMOUS
    elif status == 403:
        assert response.json() == NOT_A_LEAD_PLANNER
    else:  # to those who cannot see it the plan (and its lines) are unknown ids, nothing more
        field = "line_of_effort" if resource == "activities" else "plan"
        assert response.json() == {
            field: [f'Invalid pk "{payload[field]}" - object does not exist.']
        }


PART_CHANGES: dict[str, dict[str, Any]] = {
    "lines-of-effort": {"title": "Renamed", "domain": "governance", "lead_organisation": None},
    "activities": {"title": "Renamed"},
    "milestones": {"title": "Renamed", "due_date": "2026-10-01"},
    "consultations": {
        "summary": "Renamed",
        "stakeholder": None,
        "date": "2026-01-15",
    },
}
PART_CHANGE_MATRIX = [
    ("lead_planner", 200),
    ("lead_approver", 403),
    ("contributor_planner", 403),
    ("contributor_approver", 403),
    ("field_advisor", 403),
    ("outsider", 404),
    ("superuser", 403),
    ("ended_yesterday", 404),
    ("starts_tomorrow", 404),
    ("anonymous", 401),
]


@pytest.mark.parametrize("resource", ["lines-of-effort", "milestones", "consultations"])
@pytest.mark.parametrize(("persona", "status"), PART_CHANGE_MATRIX)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_part_update_matrix(
    personas: Personas, plan: Plan, resource: str, persona: str, status: int, method: str
) -> None:
    part = a_part(resource, plan, personas["lead_planner"])
    field = "summary" if resource == "consultations" else "title"
    before = getattr(part, field)
    change: dict[str, Any] = {field: "Renamed", "version": 1}
    if method == "put":  # every required field
        change = {
            **{
                name: value
                if value is not None
                else getattr(part, f"{name}_id")  # the organisation it already has
                for name, value in PART_CHANGES[resource].items()
            },
            **change,
        }

    response = getattr(api_as(personas[persona]), method)(
        f"/api/v1/{resource}/{part.pk}/", change, format="json"
    )

    assert response.status_code == status
    part.refresh_from_db()
    if status == 200:
        assert (response.json()[field], response.json()["version"]) == ("Renamed", 2)
        assert (getattr(part, field), part.version) == ("Renamed", 2)
    else:
        assert (
            response.json()
            == {
                404: PART_NOT_FOUND[resource],
                403: NOT_ALLOWED,
                401: ANONYMOUS,
            }[status]
        )
        assert (getattr(part, field), part.version) == (before, 1)


@pytest.mark.parametrize("resource", PARTS)
@pytest.mark.parametrize(("persona", "status"), PART_CHANGE_MATRIX)
def test_part_delete_matrix(
    personas: Personas, plan: Plan, resource: str, persona: str, status: int
) -> None:
    part = a_part(resource, plan, personas["lead_planner"])

    response = api_as(personas[persona]).delete(f"/api/v1/{resource}/{part.pk}/")

    if status == 200:
        assert response.status_code == 204
        assert not PART_MODELS[resource].objects.filter(pk=part.pk).exists()
    else:
        assert response.status_code == status
        assert (
            response.json()
            == {
                404: PART_NOT_FOUND[resource],
                403: NOT_ALLOWED,
                401: ANONYMOUS,
            }[status]
        )
        assert PART_MODELS[resource].objects.filter(pk=part.pk).exists()


def test_a_line_of_effort_serves_goals_of_the_plans_own_strategy(
    lead_planner: User, plan: Plan, line: LineOfEffort, lead_org: Organisation
) -> None:
    def strategy_with_goal(title: str) -> Any:
        strategy = strategy_services.strategy_create(
            by=lead_planner,
            title=title,
            theatre="Valeria",
            approach="stabilisation",
            lead_organisation=lead_org,
        )
        return strategy, strategy_services.goal_create(
            strategy=strategy, by=lead_planner, data={"title": f"Goal of {title}"}
        )

    own, own_goal = strategy_with_goal("Own")
    _, other_goal = strategy_with_goal("Other")
    client = api_as(lead_planner)
    assert (
        client.patch(detail(plan), {"strategy": own.pk, "version": 1}, format="json").json()[
            "strategy"
        ]
        == own.pk
    )
    url = f"/api/v1/lines-of-effort/{line.pk}/"

    wrong = client.patch(url, {"goals": [other_goal.pk], "version": 1}, format="json")
    right = client.patch(url, {"goals": [own_goal.pk], "version": 1}, format="json")

    assert (wrong.status_code, wrong.json()) == (
        400,
        {"goals": ["A line of effort serves goals of the plan's own strategy."]},
    )
    assert (right.status_code, right.json()["goals"], right.json()["version"]) == (
        200,
        [own_goal.pk],
        2,
    )


# --- consultation gaps --------------------------------------------------------------------------


def test_consultation_gaps_show_the_civilian_stakeholders_never_consulted(
    lead_planner: User,
    plan: Plan,
    contributor_org: Organisation,
    consulted_org: Organisation,
    outsider_org: Organisation,
) -> None:
    client = api_as(lead_planner)

    def gaps() -> list[str]:
        return list(client.get(detail(plan)).json()["consultation_gaps"])

    def consult(organisation: Organisation) -> Any:
        return client.post(
            "/api/v1/consultations/",
            {
                "plan": plan.pk,
                "stakeholder": organisation.pk,
                "date": "2026-01-10",
                "summary": "Listened.",
            },
            format="json",
        )

    # ngo takes part as a consulted stakeholder: that records it as consulted.
    assert gaps() == ["police", "justice", "international_organisation"]
    not_taking_part = consult(outsider_org)
    assert (not_taking_part.status_code, not_taking_part.json()) == (
        400,
        {"stakeholder": ["POLICE does not take part in this plan; add it first."]},
    )

    ngo = consult(consulted_org)
    defence = consult(contributor_org)  # a ministry of defence fills no civilian gap

    assert (ngo.status_code, ngo.json()["stakeholder_kind"]) == (201, "ngo")
    assert defence.status_code == 201
    assert gaps() == ["police", "justice", "international_organisation"]

    un = make_organisation(slug="un", name="United Nations", kind="international_organisation")
    rows = [
        {"organisation": contributor_org.pk, "role": "contributor"},
        {"organisation": consulted_org.pk, "role": "consulted"},
        {"organisation": outsider_org.pk, "role": "consulted"},
        {"organisation": un.pk, "role": "consulted"},
    ]
    widened = client.patch(detail(plan), {"participants": rows, "version": 1}, format="json")
    assert widened.status_code == 200
    assert (consult(outsider_org).status_code, consult(un).status_code) == (201, 201)
    assert gaps() == ["justice"]
    assert Consultation.objects.count() == 4
