"""The plan API's review workflow: submitting, reviewing the submission read, approving,
activating and closing; the illegal transitions; amendments that send a plan back to review.

Personas: tests/missions/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Notification, Organisation, OrganisationKind, Role, User
from missions import services
from missions.models import (
    Activity,
    Plan,
    Review,
)
from tests.conftest import api_as
from tests.factories import add_membership, make_organisation, submission_of
from tests.missions.api_support import (
    TITLE,
    Personas,
    at,
    detail,
    in_review,
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

# --- the review workflow ------------------------------------------------------------------------


def test_a_plan_goes_from_draft_to_closed_through_the_api(personas: Personas, plan: Plan) -> None:
    def post(persona: str, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = api_as(personas[persona]).post(detail(plan, action), body, format="json")
        assert response.status_code == 200, response.json()
        return dict(response.json())

    assert post("lead_planner", "submit/")["status"] == "in_review"
    review = {"decision": "approve", "submission": 1}
    assert post("contributor_approver", "review/", review)["status"] == "in_review"
    assert post("lead_approver", "approve/", {"submission": 1})["status"] == "approved"
    assert post("lead_planner", "activate/")["status"] == "active"
    assert post("lead_approver", "close/")["status"] == "closed"
    assert state(plan) == ("closed", 1, 5)


def test_requesting_changes_returns_the_plan_to_draft_with_the_comment_shown(
    personas: Personas, plan: Plan
) -> None:
    in_review(plan, personas)

    response = api_as(personas["contributor_approver"]).post(
        detail(plan, "review/"),
        {
            "submission": submission_of(plan),
            "decision": "request_changes",
            "comment": "  Say who guards the school.  ",
        },
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["submission"]) == ("draft", 1)
    [review] = response.json()["reviews"]
    assert (review["state"], review["comment"], review["decided_by"]) == (
        "changes_requested",
        "Say who guards the school.",
        "contributor-approver",
    )
    assert state(plan) == ("draft", 1, 3)
    assert notified("plan.changes_requested") == [
        ("lead-planner", f"MOD asks for changes to “{TITLE}”: Say who guards the school.")
    ]

    again = api_as(personas["lead_planner"]).post(detail(plan, "submit/"))

    # The new submission starts with every contributor pending again.
    assert (again.json()["status"], again.json()["submission"]) == ("in_review", 2)
    assert [r["state"] for r in again.json()["reviews"]] == ["pending"]


def test_a_contributor_can_change_its_review_within_a_submission(
    personas: Personas, plan: Plan
) -> None:
    in_review(plan, personas)
    client = api_as(personas["contributor_approver"])
    client.post(
        detail(plan, "review/"),
        {"submission": submission_of(plan), "decision": "approve"},
        format="json",
    )
    client.post(
        detail(plan, "review/"),
        {"submission": submission_of(plan), "decision": "approve", "comment": "Yes."},
        format="json",
    )

    assert list(Review.objects.values_list("decision", "comment", "submission")) == [
        ("approve", "Yes.", 1)
    ]


def test_an_approver_of_several_contributors_says_which_one(
    personas: Personas, plan: Plan, lead_planner: User, contributor_approver: User
) -> None:
    dev = make_organisation(
        slug="dev", name="Development Agency", kind=OrganisationKind.DEVELOPMENT
    )
    add_membership(contributor_approver, dev, Role.APPROVER)
    services.plan_update(
        plan=plan,
        by=lead_planner,
        version=1,
        data={"participants": [(dev, "contributor"), *_others(plan)]},
    )
    in_review(plan, personas)
    client = api_as(contributor_approver)

    unnamed = client.post(
        detail(plan, "review/"),
        {"submission": submission_of(plan), "decision": "approve"},
        format="json",
    )
    named = client.post(
        detail(plan, "review/"),
        {"submission": submission_of(plan), "decision": "approve", "organisation": dev.pk},
        format="json",
    )

    assert unnamed.status_code == 400
    assert unnamed.json() == {
        "organisation": ["You approve for several contributors: say which one."]
    }
    assert named.status_code == 200
    assert list(Review.objects.values_list("organisation__slug", flat=True)) == ["dev"]
    assert [(r["organisation_name"], r["state"]) for r in named.json()["reviews"]] == [
        ("Development Agency", "approved"),
        ("Ministry of Defence", "pending"),
    ]


def _others(plan: Plan) -> list[tuple[Organisation, str]]:
    return [(p.organisation, p.role) for p in plan.participants.exclude(role="lead")]


def test_an_approver_cannot_review_for_another_organisation(
    personas: Personas, plan: Plan, lead_org: Organisation
) -> None:
    in_review(plan, personas)

    response = api_as(personas["contributor_approver"]).post(
        detail(plan, "review/"),
        {"submission": submission_of(plan), "decision": "approve", "organisation": lead_org.pk},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "You are not an approver of MFA for this plan."}
    assert Review.objects.count() == 0


# --- illegal transitions ------------------------------------------------------------------------


TRANSITION_REFUSED = {
    "submit/": "Only a draft can be submitted; this plan is {}.",
    "approve/": "Only a plan in review can be approved; this plan is {}.",
    "activate/": "Only an approved plan can be activated; this plan is {}.",
    "close/": "Only an active plan can be closed; this plan is {}.",
}


@pytest.mark.parametrize(
    ("stage", "action", "persona"),
    [
        ("in_review", "submit/", "lead_planner"),
        ("approved", "submit/", "lead_planner"),
        ("active", "submit/", "lead_planner"),
        ("closed", "submit/", "lead_planner"),
        ("draft", "approve/", "lead_approver"),
        ("approved", "approve/", "lead_approver"),
        ("active", "approve/", "lead_approver"),
        ("closed", "approve/", "lead_approver"),
        ("draft", "activate/", "lead_planner"),
        ("in_review", "activate/", "lead_planner"),
        ("active", "activate/", "lead_planner"),
        ("closed", "activate/", "lead_approver"),
        ("draft", "close/", "lead_planner"),
        ("in_review", "close/", "lead_planner"),
        ("approved", "close/", "lead_approver"),
        ("closed", "close/", "lead_planner"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    personas: Personas, plan: Plan, stage: str, action: str, persona: str
) -> None:
    at(stage, plan, personas)
    before = state(plan)
    notifications = Notification.objects.count()

    body = {"submission": submission_of(plan)} if action == "approve/" else None
    response = api_as(personas[persona]).post(detail(plan, action), body, format="json")

    assert response.status_code == 400
    message = TRANSITION_REFUSED[action].format(stage.replace("_", " "))
    assert response.json() == {"non_field_errors": [message]}
    assert state(plan) == before
    assert Notification.objects.count() == notifications


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        ("draft", "Reviews are given while a plan is in review; this plan is draft."),
        ("approved", "Reviews are given while a plan is in review; this plan is approved."),
        ("active", "Reviews are given while a plan is in review; this plan is active."),
        ("closed", "Reviews are given while a plan is in review; this plan is closed."),
    ],
)
def test_reviewing_outside_review_is_refused(
    personas: Personas, plan: Plan, stage: str, message: str
) -> None:
    at(stage, plan, personas)
    before = (state(plan), Review.objects.count())

    response = api_as(personas["contributor_approver"]).post(
        detail(plan, "review/"),
        {"submission": submission_of(plan), "decision": "request_changes", "comment": "Late."},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [message]}
    assert (state(plan), Review.objects.count()) == before


def test_submitting_without_lines_of_effort_is_refused(
    lead_planner: User, lead_org: Organisation, contributor_org: Organisation
) -> None:
    bare = services.plan_create(
        by=lead_planner,
        title="Empty",
        theatre="Valeria",
        lead_organisation=lead_org,
        participants=[(contributor_org, "contributor")],
        start_date=START,
        end_date=END,
    )

    response = api_as(lead_planner).post(detail(bare, "submit/"))

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Add at least one line of effort before asking for reviews."]
    }
    assert state(bare) == ("draft", 0, 1)
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("comment", ["", "   "])
def test_requesting_changes_without_a_comment_is_refused(
    personas: Personas, plan: Plan, comment: str
) -> None:
    in_review(plan, personas)

    response = api_as(personas["contributor_approver"]).post(
        detail(plan, "review/"),
        {"submission": submission_of(plan), "decision": "request_changes", "comment": comment},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "comment": ["Say which changes you need, so the lead can make them."]
    }
    assert state(plan) == ("in_review", 1, 2)
    assert Review.objects.count() == 0


def test_an_unknown_decision_is_refused(personas: Personas, plan: Plan) -> None:
    in_review(plan, personas)

    response = api_as(personas["contributor_approver"]).post(
        detail(plan, "review/"),
        {"submission": submission_of(plan), "decision": "abstain"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"decision": ['"abstain" is not a valid choice.']}
    assert Review.objects.count() == 0


def test_approving_before_every_contributor_approved_is_refused(
    personas: Personas, plan: Plan, lead_planner: User
) -> None:
    dev = make_organisation(
        slug="dev", name="Development Agency", kind=OrganisationKind.DEVELOPMENT
    )
    services.plan_update(
        plan=plan,
        by=lead_planner,
        version=1,
        data={"participants": [(dev, "contributor"), *_others(plan)]},
    )
    in_review(plan, personas)
    client = api_as(personas["lead_approver"])

    nobody = client.post(
        detail(plan, "approve/"), {"submission": submission_of(plan)}, format="json"
    )
    services.plan_review(
        plan=plan,
        submission=submission_of(plan),
        by=personas["contributor_approver"],
        decision="approve",
    )
    one_of_two = client.post(
        detail(plan, "approve/"), {"submission": submission_of(plan)}, format="json"
    )

    assert (nobody.status_code, one_of_two.status_code) == (400, 400)
    assert nobody.json() == {
        "non_field_errors": ["Every contributor must approve first; still waiting for: DEV, MOD."]
    }
    assert one_of_two.json() == {
        "non_field_errors": ["Every contributor must approve first; still waiting for: DEV."]
    }
    assert state(plan) == ("in_review", 1, 3)  # participants changed, then submitted
    assert notified("plan.approved") == []


def test_an_approval_of_an_earlier_submission_does_not_count(
    personas: Personas, plan: Plan
) -> None:
    at("approved", plan, personas)
    # An amendment puts the plan to review again as submission 2.
    services.plan_update(
        plan=plan, by=personas["lead_planner"], version=3, data={"end_date": END.replace(2028)}
    )

    response = api_as(personas["lead_approver"]).post(
        detail(plan, "approve/"), {"submission": submission_of(plan)}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Every contributor must approve first; still waiting for: MOD."]
    }
    assert state(plan) == ("in_review", 2, 5)


# --- amendments ---------------------------------------------------------------------------------


def _amendments(people: Personas, plan: Plan, lead_org: Organisation) -> dict[str, Any]:
    line = plan.lines_of_effort.get()
    military = Activity.objects.get(actor_type="military")
    return {
        "activity scope": (
            "patch",
            f"/api/v1/activities/{military.pk}/",
            {"description": "Two classrooms.", "version": 1},
            "activity changed: Engineers build a school",
        ),
        "activity dates": (
            "patch",
            f"/api/v1/activities/{military.pk}/",
            {"end_date": "2026-12-31", "version": 1},
            "activity changed: Engineers build a school",
        ),
        "responsible organisation": (
            "patch",
            f"/api/v1/activities/{military.pk}/",
            {"responsible_organisation": lead_org.pk, "version": 1},
            "activity changed: Engineers build a school",
        ),
        "activity added": (
            "post",
            "/api/v1/activities/",
            new_activity(line, lead_org, task_nature="military", title="Clear mines"),
            "activity added: Clear mines",
        ),
        "activity removed": (
            "delete",
            f"/api/v1/activities/{military.pk}/",
            None,
            "activity removed: Engineers build a school",
        ),
        "line of effort added": (
            "post",
            "/api/v1/lines-of-effort/",
            {
                "plan": plan.pk,
                "domain": "policing",
                "title": "Community policing",
                "lead_organisation": lead_org.pk,
            },
            "line of effort added: Community policing",
        ),
        "line of effort changed": (
            "patch",
            f"/api/v1/lines-of-effort/{line.pk}/",
            {"title": "District and city councils", "version": 1},
            "line of effort changed: District and city councils",
        ),
        "line of effort removed": (
            "delete",
            f"/api/v1/lines-of-effort/{line.pk}/",
            None,
            "line of effort removed: District councils",
        ),
        "plan dates": (
            "patch",
            detail(plan),
            {"end_date": "2028-06-30", "version": plan.version},
            "participants or dates changed",
        ),
        "participants": (
            "patch",
            detail(plan),
            {
                "participants": [
                    {"organisation": p.organisation_id, "role": "contributor"}
                    for p in plan.participants.exclude(role="lead")
                ],
                "version": plan.version,
            },
            "participants or dates changed",
        ),
    }


CHANGED = {"post": 201, "patch": 200, "delete": 204}
"""What a successful change answers, by method."""

AMENDMENTS = [
    "activity scope",
    "activity dates",
    "responsible organisation",
    "activity added",
    "activity removed",
    "line of effort added",
    "line of effort changed",
    "line of effort removed",
    "plan dates",
    "participants",
]


@pytest.mark.parametrize("stage", ["approved", "active"])
@pytest.mark.parametrize("change", AMENDMENTS)
def test_a_structural_change_to_an_approved_or_active_plan_is_an_amendment(
    personas: Personas, plan: Plan, lead_org: Organisation, stage: str, change: str
) -> None:
    at(stage, plan, personas)
    Notification.objects.all().delete()
    method, url, body, reason = _amendments(personas, plan, lead_org)[change]

    response = getattr(api_as(personas["lead_planner"]), method)(url, body, format="json")

    assert response.status_code == CHANGED[method], response.content
    plan.refresh_from_db()
    assert (plan.status, plan.submission) == ("in_review", 2)
    shown = api_as(personas["lead_planner"]).get(detail(plan)).json()
    assert shown["status"] == "in_review"
    # Every contributor reviews the amended plan afresh.
    assert {r["state"] for r in shown["reviews"]} == {"pending"}
    text = f"Please review an amendment to “{TITLE}” ({reason}) for your organisation."
    assert notified("plan.review_requested") == [("contributor-approver", text)]


@pytest.mark.parametrize("stage", ["approved", "active"])
@pytest.mark.parametrize(
    "change",
    [
        "progress update",
        "field report",
        "plan title",
        "milestone added",
        "consultation added",
        "activity made public",
        "activity's DAC sector",
    ],
)
def test_status_progress_field_reports_and_other_edits_are_no_amendment(
    personas: Personas,
    plan: Plan,
    military_activity: Activity,
    consulted_org: Organisation,
    stage: str,
    change: str,
) -> None:
    plan = at(stage, plan, personas)
    version = plan.version
    requests: dict[str, tuple[str, str, str, dict[str, Any]]] = {
        "progress update": (
            "contributor_planner",
            "patch",
            f"/api/v1/activities/{military_activity.pk}/",
            {"status": "in_progress", "progress": 20, "version": 1},
        ),
        "field report": (
            "field_advisor",
            "post",
            "/api/v1/field-reports/",
            {
                "plan": plan.pk,
                "activity": military_activity.pk,
                "date": str(timezone.localdate()),
                "situation": "Walls are up.",
                "progress_update": 60,
            },
        ),
        "plan title": (
            "lead_planner",
            "patch",
            detail(plan),
            {"title": "Valeria together", "version": version},
        ),
        "milestone added": (
            "lead_planner",
            "post",
            "/api/v1/milestones/",
            {"plan": plan.pk, "title": "Schools open", "due_date": "2026-09-01"},
        ),
        "consultation added": (
            "lead_planner",
            "post",
            "/api/v1/consultations/",
            {
                "plan": plan.pk,
                "stakeholder": consulted_org.pk,
                "date": "2026-01-20",
                "summary": "Elders ask for a road.",
            },
        ),
        "activity made public": (
            "lead_planner",
            "patch",
            f"/api/v1/activities/{military_activity.pk}/",
            {"public": True, "version": 1},
        ),
        "activity's DAC sector": (
            "lead_planner",
            "patch",
            f"/api/v1/activities/{military_activity.pk}/",
            {"sector": "15130", "version": 1},
        ),
    }
    persona, method, url, body = requests[change]

    response = getattr(api_as(personas[persona]), method)(url, body, format="json")

    assert response.status_code == CHANGED[method], response.content
    plan.refresh_from_db()
    assert (plan.status, plan.submission) == (stage, 1)
    assert plan.version == version + (1 if change == "plan title" else 0)
    shown = api_as(personas["lead_planner"]).get(detail(plan)).json()
    assert [r["state"] for r in shown["reviews"]] == ["approved"]
