"""The plan API's conventions: stale versions, filters, query counts and the schema.

Personas: tests/missions/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import Organisation, Role, User
from missions import services
from missions.models import (
    Activity,
    LineOfEffort,
    Plan,
)
from strategy import services as strategy_services
from tests.conftest import api_as
from tests.factories import make_member, make_organisation, submission_of
from tests.missions.api_support import (
    Personas,
    a_part,
    detail,
    filed,
    ids,
    in_review,
    png_bytes,
    state,
    upload,
)
from tests.missions.conftest import END, START

# isort: split
from tests.missions.api_support import (  # noqa: F401 (fixtures: the world, built once)
    built_plan_world_without_plan,
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
    plan_world_plan_outsider,
)

# --- versions -----------------------------------------------------------------------------------


def test_a_stale_plan_version_is_refused_with_409_and_the_current_state(
    lead_planner: User, plan: Plan, contributor_org: Organisation
) -> None:
    client = api_as(lead_planner)
    first = client.patch(detail(plan), {"title": "Peace first", "version": 1}, format="json")
    assert first.status_code == 200

    second = client.patch(detail(plan), {"title": "Order first", "version": 1}, format="json")

    assert second.status_code == 409
    assert second.json()["detail"] == (
        "Someone else changed this since you opened it. Review their changes and try again."
    )
    current = second.json()["current"]
    assert (current["title"], current["version"], current["reviews"][0]["organisation"]) == (
        "Peace first",
        2,
        contributor_org.pk,
    )
    assert state(plan) == ("draft", 0, 2)
    assert plan.title == "Peace first"


def test_a_change_of_participants_alone_is_an_edit_that_moves_the_version(
    lead_planner: User, plan: Plan, contributor_org: Organisation, consulted_org: Organisation
) -> None:
    client = api_as(lead_planner)
    as_contributor = [{"organisation": consulted_org.pk, "role": "contributor"}]
    as_consulted = [{"organisation": consulted_org.pk, "role": "consulted"}]
    mod = [{"organisation": contributor_org.pk, "role": "contributor"}]

    first = client.patch(
        detail(plan), {"participants": mod + as_contributor, "version": 1}, format="json"
    )
    second = client.patch(
        detail(plan), {"participants": mod + as_consulted, "version": 1}, format="json"
    )

    assert (first.status_code, first.json()["version"], first["ETag"]) == (200, 2, '"2"')
    assert second.status_code == 409
    assert [p["role"] for p in second.json()["current"]["participants"]] == [
        "contributor",
        "lead",
        "contributor",
    ]
    assert plan.participants.get(organisation=consulted_org).role == "contributor"
    assert state(plan) == ("draft", 0, 2)
    assert plan.history.count() == 2


def test_the_etag_of_a_plan_works_as_if_match(lead_planner: User, plan: Plan) -> None:
    client = api_as(lead_planner)
    etag = client.get(detail(plan))["ETag"]

    ok = client.patch(detail(plan), {"summary": "Shorter."}, format="json", HTTP_IF_MATCH=etag)
    stale = client.patch(detail(plan), {"summary": "Longer."}, format="json", HTTP_IF_MATCH=etag)

    assert (etag, ok.status_code, ok["ETag"], stale.status_code) == ('"1"', 200, '"2"', 409)
    plan.refresh_from_db()
    assert plan.summary == "Shorter."


@pytest.mark.parametrize("resource", ["plans", "activities"])
def test_an_edit_without_a_version_is_refused(
    lead_planner: User, plan: Plan, civilian_activity: Activity, resource: str
) -> None:
    target = plan if resource == "plans" else civilian_activity

    response = api_as(lead_planner).patch(
        f"/api/v1/{resource}/{target.pk}/", {"title": "X"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    target.refresh_from_db()
    assert target.version == 1


@pytest.mark.parametrize(
    ("resource", "persona", "field", "values"),
    [
        ("lines-of-effort", "lead_planner", "title", ("First", "Second")),
        ("activities", "lead_planner", "title", ("First", "Second")),
        ("activities", "contributor_planner", "progress", (10, 20)),
        ("milestones", "lead_planner", "title", ("First", "Second")),
        ("consultations", "lead_planner", "summary", ("First", "Second")),
    ],
)
def test_a_stale_version_of_a_part_is_refused_with_409_and_the_current_state(
    personas: Personas,
    plan: Plan,
    resource: str,
    persona: str,
    field: str,
    values: tuple[Any, Any],
) -> None:
    part = a_part(resource, plan, personas["lead_planner"])
    url = f"/api/v1/{resource}/{part.pk}/"
    client = api_as(personas[persona])
    first, second = values
    assert client.patch(url, {field: first, "version": 1}, format="json").status_code == 200

    stale = client.patch(url, {field: second, "version": 1}, format="json")

    assert stale.status_code == 409
    assert (stale.json()["current"][field], stale.json()["current"]["version"]) == (first, 2)
    part.refresh_from_db()
    assert (getattr(part, field), part.version) == (first, 2)


# --- filters ------------------------------------------------------------------------------------


def test_plan_filters(
    personas: Personas,
    plan: Plan,
    lead_planner: User,
    lead_org: Organisation,
    contributor_org: Organisation,
    consulted_org: Organisation,
) -> None:
    strategy = strategy_services.strategy_create(
        by=lead_planner,
        title="Stability",
        theatre="Valeria",
        approach="stabilisation",
        lead_organisation=lead_org,
    )
    un = make_organisation(slug="un", name="United Nations")
    solo = services.plan_create(
        by=lead_planner,
        title="Marovia assessment",
        theatre="Eastern Marovia",
        lead_organisation=lead_org,
        participants=[(un, "consulted")],
        strategy=strategy,
        start_date=START,
        end_date=END,
    )
    in_review(plan, personas)
    client = api_as(lead_planner)

    def found(**query: Any) -> list[int]:
        response = client.get("/api/v1/plans/", query)
        assert response.status_code == 200
        return sorted(ids(response))

    both = sorted([plan.pk, solo.pk])
    assert found() == both
    assert found(status="in_review") == [plan.pk]
    assert found(status="draft") == [solo.pk]
    assert found(phase="planning") == [plan.pk]
    assert found(phase="assessment") == [solo.pk]
    assert found(strategy=strategy.pk) == [solo.pk]
    assert found(participant=contributor_org.pk) == [plan.pk]
    assert found(participant=consulted_org.pk) == [plan.pk]
    assert found(participant=un.pk) == [solo.pk]
    assert found(participant=lead_org.pk) == both
    assert found(theatre="marov") == [solo.pk]
    assert found(theatre="VALERIA") == [plan.pk]
    assert found(participant=un.pk, status="in_review") == []
    bad = client.get("/api/v1/plans/", {"status": "secret"})
    assert (bad.status_code, bad.json()) == (
        400,
        {"status": ["Select a valid choice. secret is not one of the available choices."]},
    )


def test_activity_filters(
    lead_planner: User,
    plan: Plan,
    civilian_activity: Activity,
    military_activity: Activity,
    lead_org: Organisation,
    contributor_org: Organisation,
) -> None:
    other = services.plan_create(
        by=lead_planner,
        title="Other",
        theatre="Elsewhere",
        lead_organisation=lead_org,
        start_date=START,
        end_date=END,
    )
    line = services.line_of_effort_create(
        plan=other,
        by=lead_planner,
        data={"domain": "security", "title": "Border", "lead_organisation": lead_org},
    )
    patrol = services.activity_create(
        line_of_effort=line,
        by=lead_planner,
        data={
            "title": "Patrol",
            "responsible_organisation": lead_org,
            "actor_type": "police",
            "task_nature": "military",
            "start_date": START,
            "end_date": END,
        },
    )
    services.activity_progress_update(
        activity=military_activity, by=lead_planner, version=1, status="blocked"
    )
    client = api_as(lead_planner)

    def found(**query: Any) -> list[int]:
        response = client.get("/api/v1/activities/", query)
        assert response.status_code == 200
        return sorted(ids(response))

    assert found() == sorted([civilian_activity.pk, military_activity.pk, patrol.pk])
    assert found(plan=plan.pk) == sorted([civilian_activity.pk, military_activity.pk])
    assert found(plan=other.pk) == [patrol.pk]
    assert found(status="blocked") == [military_activity.pk]
    assert found(status="planned", plan=plan.pk) == [civilian_activity.pk]
    assert found(responsible_organisation=contributor_org.pk) == [military_activity.pk]
    assert found(responsible_organisation=lead_org.pk) == sorted([civilian_activity.pk, patrol.pk])
    assert found(actor_type="military") == [military_activity.pk]
    assert found(actor_type="police") == [patrol.pk]
    assert found(actor_type="ngo") == []
    bad = client.get("/api/v1/activities/", {"actor_type": "mercenary"})
    assert (bad.status_code, bad.json()) == (
        400,
        {"actor_type": ["Select a valid choice. mercenary is not one of the available choices."]},
    )


def test_filtering_by_a_hidden_plan_looks_like_an_unknown_one(
    plan: Plan, plan_outsider: User
) -> None:
    client = api_as(plan_outsider)

    for resource in (
        "activities",
        "lines-of-effort",
        "milestones",
        "consultations",
        "field-reports",
    ):
        hidden = client.get(f"/api/v1/{resource}/", {"plan": plan.pk})
        unknown = client.get(f"/api/v1/{resource}/", {"plan": 999_999})
        assert (hidden.status_code, hidden.json()) == (unknown.status_code, unknown.json())
        assert hidden.json()["results"] == []


# --- query counts -------------------------------------------------------------------------------


def _plans(n: int, people: Personas, lead: Organisation, contributor: Organisation) -> None:
    """Plans in review with a contributor's approval, a line of effort, a military activity
    doing non-military work and a consultation, so every part of a row has something to
    load."""
    by = people["lead_planner"]
    for number in range(n):
        plan = services.plan_create(
            by=by,
            title=f"Plan {number}",
            theatre="Valeria",
            lead_organisation=lead,
            participants=[(contributor, "contributor")],
            start_date=START,
            end_date=END,
        )
        line = services.line_of_effort_create(
            plan=plan,
            by=by,
            data={"domain": "security", "title": "Roads", "lead_organisation": lead},
        )
        services.activity_create(
            line_of_effort=line,
            by=by,
            data={
                "title": "Bridge",
                "responsible_organisation": contributor,
                "actor_type": "military",
                "task_nature": "non_military",
                "military_justification": "Only engineers have the kit.",
                "start_date": START,
                "end_date": END,
            },
        )
        services.consultation_create(
            plan=plan,
            by=by,
            data={"stakeholder": contributor, "date": START, "summary": "Agreed."},
        )
        services.plan_submit(plan=plan, by=by)
        services.plan_review(
            plan=plan,
            submission=submission_of(plan),
            by=people["contributor_approver"],
            decision="approve",
        )


def test_plan_list_query_count_does_not_grow_with_rows(
    personas: Personas,
    lead_org: Organisation,
    contributor_org: Organisation,
    django_assert_num_queries: Any,
) -> None:
    client = api_as(personas["contributor_planner"])
    _plans(5, personas, lead_org, contributor_org)
    # 2: the count and the page; the review's progress is counted in the same query.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/plans/")
    assert (response.json()["count"], response.json()["count_exact"]) == (5, True)
    newest = Plan.objects.get(title="Plan 4")
    assert response.json()["results"][0] == {
        "id": newest.pk,
        "title": "Plan 4",
        "strategy": None,
        "theatre": "Valeria",
        "phase": "assessment",
        "status": "in_review",
        "lead_organisation": lead_org.pk,
        "lead_organisation_name": lead_org.name,
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "submission": 1,
        "version": newest.version,
        "created": response.json()["results"][0]["created"],
        "updated": response.json()["results"][0]["updated"],
        "contributor_count": 1,
        "approved_count": 1,
        "changes_requested_count": 0,
    }

    _plans(45, personas, lead_org, contributor_org)
    with django_assert_num_queries(2):
        response = client.get("/api/v1/plans/")
    assert response.json()["count"] == 50
    assert len(response.json()["results"]) == 50


def test_a_list_row_counts_the_current_submissions_reviews(
    personas: Personas,
    lead_org: Organisation,
    contributor_org: Organisation,
    outsider_org: Organisation,
) -> None:
    """Two contributors: one approves, the other asks for changes (back to draft); the API
    row and the plans page count both from the same selector."""
    police_approver = make_member(outsider_org, Role.APPROVER)
    plan = services.plan_create(
        by=personas["lead_planner"],
        title="Two reviews",
        theatre="Valeria",
        lead_organisation=lead_org,
        participants=[(contributor_org, "contributor"), (outsider_org, "contributor")],
        start_date=START,
        end_date=END,
    )
    services.line_of_effort_create(
        plan=plan,
        by=personas["lead_planner"],
        data={"domain": "security", "title": "Borders", "lead_organisation": lead_org},
    )
    services.plan_submit(plan=plan, by=personas["lead_planner"])
    services.plan_review(
        plan=plan, submission=1, by=personas["contributor_approver"], decision="approve"
    )
    services.plan_review(
        plan=plan,
        submission=1,
        by=police_approver,
        decision="request_changes",
        comment="Add the border posts.",
    )

    rows = api_as(personas["lead_planner"]).get("/api/v1/plans/").json()["results"]
    row = next(row for row in rows if row["id"] == plan.pk)
    assert (row["status"], row["submission"]) == ("draft", 1)
    assert (row["contributor_count"], row["approved_count"], row["changes_requested_count"]) == (
        2,
        1,
        1,
    )
    client = Client()
    client.force_login(personas["lead_planner"])
    page = client.get("/plans/", {"theatre": "Valeria"}).content.decode()
    assert "1 of 2 approved" in page
    assert "1 asked for changes" in page


def test_the_plan_itself_carries_reviews_balance_and_gaps(
    personas: Personas, lead_org: Organisation, contributor_org: Organisation
) -> None:
    _plans(1, personas, lead_org, contributor_org)
    plan = Plan.objects.get(title="Plan 0")
    bridge = Activity.objects.get(line_of_effort__plan=plan)
    body = api_as(personas["contributor_planner"]).get(f"/api/v1/plans/{plan.pk}/").json()
    assert [(r["organisation"], r["state"], r["decided_by"]) for r in body["reviews"]] == [
        (contributor_org.pk, "approved", "contributor-approver")
    ]
    assert body["civil_military_balance"] == {
        "per_actor_type": {
            "civilian": 0,
            "military": 1,
            "police": 0,
            "ngo": 0,
            "international": 0,
        },
        "military_on_non_military_tasks": [
            {
                "activity": bridge.pk,
                "title": "Bridge",
                "justification": "Only engineers have the kit.",
            }
        ],
    }
    assert body["consultation_gaps"] == ["police", "justice", "ngo", "international_organisation"]


@pytest.mark.parametrize(
    ("resource", "queries"),
    [
        ("lines-of-effort", 3),
        ("activities", 2),
        ("milestones", 2),
        ("consultations", 2),
        ("field-reports", 3),
    ],
)
def test_part_list_query_count_does_not_grow_with_rows(
    personas: Personas,
    plan: Plan,
    line: LineOfEffort,
    lead_org: Organisation,
    consulted_org: Organisation,
    resource: str,
    queries: int,
    django_assert_num_queries: Any,
) -> None:
    by = personas["lead_planner"]

    def add(n: int) -> None:
        for number in range(n):
            if resource == "lines-of-effort":
                services.line_of_effort_create(
                    plan=plan,
                    by=by,
                    data={
                        "domain": "policing",
                        "title": f"Line {number}",
                        "lead_organisation": lead_org,
                    },
                )
            elif resource == "activities":
                services.activity_create(
                    line_of_effort=line,
                    by=by,
                    data={
                        "title": f"Activity {number}",
                        "responsible_organisation": lead_org,
                        "actor_type": "civilian",
                        "task_nature": "non_military",
                        "start_date": START,
                        "end_date": END,
                    },
                )
            elif resource == "milestones":
                services.milestone_create(
                    plan=plan, by=by, data={"title": f"Milestone {number}", "due_date": END}
                )
            elif resource == "consultations":
                services.consultation_create(
                    plan=plan,
                    by=by,
                    data={"stakeholder": consulted_org, "date": START, "summary": f"Talk {number}"},
                )
            else:
                filed(plan, personas["field_advisor"], upload("a.png", png_bytes(), "image/png"))

    client = api_as(personas["contributor_planner"])
    existing = {"lines-of-effort": 1, "activities": 2}.get(resource, 0)
    add(2 - existing)
    with django_assert_num_queries(queries):
        assert client.get(f"/api/v1/{resource}/").json()["count"] == 2
    add(48)
    with django_assert_num_queries(queries):
        assert client.get(f"/api/v1/{resource}/").json()["count"] == 50


# --- schema -------------------------------------------------------------------------------------


def test_every_endpoint_is_in_the_schema(lead_planner: User) -> None:
    response = api_as(lead_planner).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/plans/",
        "/api/v1/plans/{id}/",
        "/api/v1/plans/{id}/submit/",
        "/api/v1/plans/{id}/review/",
        "/api/v1/plans/{id}/approve/",
        "/api/v1/plans/{id}/activate/",
        "/api/v1/plans/{id}/close/",
        "/api/v1/lines-of-effort/",
        "/api/v1/lines-of-effort/{id}/",
        "/api/v1/activities/",
        "/api/v1/activities/{id}/",
        "/api/v1/milestones/",
        "/api/v1/milestones/{id}/",
        "/api/v1/consultations/",
        "/api/v1/consultations/{id}/",
        "/api/v1/field-reports/",
        "/api/v1/field-reports/{id}/",
        "/api/v1/field-reports/{id}/attachments/{attachment_id}/",
    } <= set(paths)
    assert set(paths["/api/v1/plans/{id}/"]) == {"get", "put", "patch"}  # no delete
    assert set(paths["/api/v1/field-reports/{id}/"]) == {"get"}
    assert set(paths["/api/v1/field-reports/"]["post"]["requestBody"]["content"]) == {
        "multipart/form-data"
    }
