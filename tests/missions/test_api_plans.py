"""The plan API: the representation, who may see, create and edit a plan, its participants,
its dates and its strategy.

Personas: tests/missions/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import Notification, Organisation, Role, User
from missions import services
from missions.models import (
    Activity,
    Plan,
    Review,
)
from strategy import services as strategy_services
from tests.conftest import api_as
from tests.factories import make_member, submission_of
from tests.missions.api_support import (
    ANONYMOUS,
    DATES_OUT_OF_ORDER,
    JUSTIFICATION,
    NOT_ALLOWED,
    NOT_FOUND,
    PERSONAS_SEE,
    TITLE,
    Personas,
    at,
    detail,
    ids,
    in_review,
    notified,
    state,
    when,
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

# --- the representation -------------------------------------------------------------------------


def test_a_plan_shows_participants_review_state_balance_and_gaps(
    personas: Personas,
    plan: Plan,
    lead_org: Organisation,
    contributor_org: Organisation,
    consulted_org: Organisation,
    military_activity: Activity,
) -> None:
    in_review(plan, personas)
    services.plan_review(
        plan=plan,
        submission=submission_of(plan),
        by=personas["contributor_approver"],
        decision="approve",
    )
    review = Review.objects.get()
    plan.refresh_from_db()

    response = api_as(personas["contributor_planner"]).get(detail(plan))

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json() == {
        "id": plan.pk,
        "title": TITLE,
        "strategy": None,
        "theatre": "Valeria",
        "summary": "",
        "phase": "planning",
        "status": "in_review",
        "lead_organisation": lead_org.pk,
        "participants": [  # by name
            {
                "organisation": contributor_org.pk,
                "organisation_name": "Ministry of Defence",
                "role": "contributor",
            },
            {
                "organisation": lead_org.pk,
                "organisation_name": "Ministry of Foreign Affairs",
                "role": "lead",
            },
            {
                "organisation": consulted_org.pk,
                "organisation_name": "Peacebuilding Partners",
                "role": "consulted",
            },
        ],
        "posts": [],
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "submission": 1,
        "version": 2,
        "created": when(plan.created),
        "updated": when(plan.updated),
        "reviews": [  # contributors only: the consulted and the lead do not review
            {
                "organisation": contributor_org.pk,
                "organisation_name": "Ministry of Defence",
                "state": "approved",
                "comment": "",
                "decided_by": "contributor-approver",
                "decided_at": when(review.decided_at),
            }
        ],
        "civil_military_balance": {
            "per_actor_type": {
                "civilian": 1,
                "military": 1,
                "police": 0,
                "ngo": 0,
                "international": 0,
            },
            "military_on_non_military_tasks": [
                {
                    "activity": military_activity.pk,
                    "title": "Engineers build a school",
                    "justification": JUSTIFICATION,
                }
            ],
        },
        "consultation_gaps": ["police", "justice", "international_organisation"],
    }


# --- plans: authorization matrix ----------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_plan_list_matrix(personas: Personas, plan: Plan, persona: str, status: int) -> None:
    response = api_as(personas[persona]).get("/api/v1/plans/")

    if status == 401:
        assert (response.status_code, response.json()) == (401, ANONYMOUS)
    else:  # an outsider gets an empty list rather than a 404
        assert response.status_code == 200
        assert ids(response) == ([plan.pk] if status == 200 else [])


@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_plan_detail_matrix(personas: Personas, plan: Plan, persona: str, status: int) -> None:
    response = api_as(personas[persona]).get(detail(plan))

    assert response.status_code == status
    if status == 200:
        assert response.json()["title"] == TITLE
    else:
        assert response.json() == {404: NOT_FOUND, 401: ANONYMOUS}[status]


LEAD_ONLY = {
    "lead_organisation": ["You can only lead a plan for an organisation where you are a planner."]
}


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 201, None),
        ("lead_approver", 400, LEAD_ONLY),
        ("contributor_planner", 400, LEAD_ONLY),  # a planner, but of mod
        ("contributor_approver", 400, LEAD_ONLY),
        ("field_advisor", 400, LEAD_ONLY),
        ("outsider", 400, LEAD_ONLY),
        ("superuser", 400, LEAD_ONLY),  # plans for no organisation
        ("ended_yesterday", 400, LEAD_ONLY),
        ("starts_tomorrow", 400, LEAD_ONLY),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_plan_create_matrix(
    personas: Personas,
    lead_org: Organisation,
    contributor_org: Organisation,
    consulted_org: Organisation,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
) -> None:
    response = api_as(personas[persona]).post(
        "/api/v1/plans/",
        {
            "title": "Southern Valeria recovery",
            "theatre": "Southern Valeria",
            "lead_organisation": lead_org.pk,
            "participants": [
                {"organisation": contributor_org.pk, "role": "contributor"},
                {"organisation": consulted_org.pk, "role": "consulted"},
            ],
            "start_date": "2026-03-01",
            "end_date": "2026-12-31",
        },
        format="json",
    )

    assert response.status_code == status
    if status == 201:
        created = Plan.objects.get()
        assert response["ETag"] == '"1"'
        assert (response.json()["id"], response.json()["status"]) == (created.pk, "draft")
        assert (created.title, created.phase, created.status, created.version) == (
            "Southern Valeria recovery",
            "assessment",
            "draft",
            1,
        )
        assert created.created_by == personas[persona]
        assert sorted(created.participants.values_list("organisation__slug", "role")) == [
            ("mfa", "lead"),
            ("mod", "contributor"),
            ("ngo", "consulted"),
        ]
        assert [r["state"] for r in response.json()["reviews"]] == ["pending"]
    else:
        assert response.json() == body
        assert Plan.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 200, None),
        ("lead_approver", 403, NOT_ALLOWED),
        ("contributor_planner", 403, NOT_ALLOWED),
        ("contributor_approver", 403, NOT_ALLOWED),
        ("field_advisor", 403, NOT_ALLOWED),
        ("outsider", 404, NOT_FOUND),
        ("superuser", 403, NOT_ALLOWED),
        ("ended_yesterday", 404, NOT_FOUND),
        ("starts_tomorrow", 404, NOT_FOUND),
        ("anonymous", 401, ANONYMOUS),
    ],
)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_plan_update_matrix(
    personas: Personas,
    plan: Plan,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
    method: str,
) -> None:
    change: dict[str, Any] = {"title": "Valeria together", "version": 1}
    if method == "put":
        change |= {"theatre": "Valeria", "start_date": str(START), "end_date": str(END)}

    response = getattr(api_as(personas[persona]), method)(detail(plan), change, format="json")

    assert response.status_code == status
    plan.refresh_from_db()
    if status == 200:
        assert (response.json()["title"], response.json()["version"]) == ("Valeria together", 2)
        assert response["ETag"] == '"2"'
        assert (plan.title, plan.version) == ("Valeria together", 2)
        assert plan.history.count() == 2
    else:
        assert response.json() == body
        assert (plan.title, plan.version) == (TITLE, 1)
        assert plan.history.count() == 1


@pytest.mark.parametrize("method", ["put", "delete"])
def test_plans_cannot_be_deleted_or_replaced_without_their_fields(
    lead_planner: User, plan: Plan, method: str
) -> None:
    response = getattr(api_as(lead_planner), method)(detail(plan), {"version": 1}, format="json")

    if method == "put":
        required = ["This field is required."]
        # The lead organisation is fixed once the plan exists, so PUT does not need it.
        assert (response.status_code, response.json()) == (
            400,
            {"title": required, "theatre": required, "start_date": required, "end_date": required},
        )
    else:
        assert response.status_code == 405
    assert state(plan) == ("draft", 0, 1)


SUBMIT_REFUSED = {"detail": "Only planners of the lead organisation can submit this plan."}


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 200, None),
        ("lead_approver", 403, SUBMIT_REFUSED),
        ("contributor_planner", 403, SUBMIT_REFUSED),
        ("contributor_approver", 403, SUBMIT_REFUSED),
        ("field_advisor", 403, SUBMIT_REFUSED),
        ("outsider", 404, NOT_FOUND),
        ("superuser", 403, SUBMIT_REFUSED),
        ("ended_yesterday", 404, NOT_FOUND),
        ("starts_tomorrow", 404, NOT_FOUND),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_plan_submit_matrix(
    personas: Personas, plan: Plan, persona: str, status: int, body: dict[str, Any] | None
) -> None:
    response = api_as(personas[persona]).post(detail(plan, "submit/"))

    assert response.status_code == status
    if status == 200:
        assert (response.json()["status"], response.json()["submission"]) == ("in_review", 1)
        assert response["ETag"] == '"2"'
        assert state(plan) == ("in_review", 1, 2)
        assert plan.review_requested_at is not None
        assert notified("plan.review_requested") == [
            (
                "contributor-approver",
                f"Please review “{TITLE}” for your organisation.",
            )
        ]
    else:
        assert response.json() == body
        assert state(plan) == ("draft", 0, 1)
        assert Notification.objects.count() == 0


REVIEW_REFUSED = {"detail": "Only an approver of a contributing organisation can review this plan."}


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 403, REVIEW_REFUSED),
        ("lead_approver", 403, REVIEW_REFUSED),  # an approver, but of the lead
        ("contributor_planner", 403, REVIEW_REFUSED),  # of the contributor, but no approver
        ("contributor_approver", 200, None),
        ("field_advisor", 403, REVIEW_REFUSED),
        ("outsider", 404, NOT_FOUND),
        ("superuser", 403, REVIEW_REFUSED),
        ("ended_yesterday", 404, NOT_FOUND),
        ("starts_tomorrow", 404, NOT_FOUND),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_plan_review_matrix(
    personas: Personas, plan: Plan, persona: str, status: int, body: dict[str, Any] | None
) -> None:
    in_review(plan, personas)

    response = api_as(personas[persona]).post(
        detail(plan, "review/"),
        {"submission": submission_of(plan), "decision": "approve", "comment": "Agreed."},
        format="json",
    )

    assert response.status_code == status
    assert state(plan) == ("in_review", 1, 2)
    if status == 200:
        review = Review.objects.get()
        assert (
            review.organisation.slug,
            review.submission,
            review.decision,
            review.comment,
            review.decided_by,
        ) == ("mod", 1, "approve", "Agreed.", personas[persona])
        shown = response.json()["reviews"]
        assert [(r["state"], r["comment"], r["decided_by"]) for r in shown] == [
            ("approved", "Agreed.", "contributor-approver")
        ]
    else:
        assert response.json() == body
        assert Review.objects.count() == 0


APPROVE_REFUSED = {"detail": "Only an approver of the lead organisation can approve this plan."}


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 403, APPROVE_REFUSED),
        ("lead_approver", 200, None),
        ("contributor_planner", 403, APPROVE_REFUSED),
        ("contributor_approver", 403, APPROVE_REFUSED),  # reviews, but does not approve
        ("field_advisor", 403, APPROVE_REFUSED),
        ("outsider", 404, NOT_FOUND),
        ("superuser", 403, APPROVE_REFUSED),
        ("ended_yesterday", 404, NOT_FOUND),
        ("starts_tomorrow", 404, NOT_FOUND),
        ("anonymous", 401, ANONYMOUS),
    ],
)
def test_plan_approve_matrix(
    personas: Personas, plan: Plan, persona: str, status: int, body: dict[str, Any] | None
) -> None:
    in_review(plan, personas)
    services.plan_review(
        plan=plan,
        submission=submission_of(plan),
        by=personas["contributor_approver"],
        decision="approve",
    )

    response = api_as(personas[persona]).post(
        detail(plan, "approve/"), {"submission": submission_of(plan)}, format="json"
    )

    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "approved"
        assert state(plan) == ("approved", 1, 3)
        text = f"“{TITLE}” is approved."
        assert notified("plan.approved") == [
            ("contributor-planner", text),
            ("lead-planner", text),
        ]
    else:
        assert response.json() == body
        assert state(plan) == ("in_review", 1, 2)
        assert notified("plan.approved") == []


def _lead_acts_refused(verb: str) -> dict[str, str]:
    return {"detail": f"Only the lead organisation's planners and approvers can {verb} this plan."}


LEAD_ACTS = [
    ("lead_planner", 200),
    ("lead_approver", 200),
    ("contributor_planner", 403),
    ("contributor_approver", 403),
    ("field_advisor", 403),
    ("outsider", 404),
    ("superuser", 403),
    ("ended_yesterday", 404),
    ("starts_tomorrow", 404),
    ("anonymous", 401),
]


@pytest.mark.parametrize(("persona", "status"), LEAD_ACTS)
def test_plan_activate_matrix(personas: Personas, plan: Plan, persona: str, status: int) -> None:
    at("approved", plan, personas)

    response = api_as(personas[persona]).post(detail(plan, "activate/"))

    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "active"
        assert state(plan) == ("active", 1, 4)
    else:
        expected = {404: NOT_FOUND}.get(status, _lead_acts_refused("activate"))
        assert response.json() == (ANONYMOUS if persona == "anonymous" else expected)
        assert state(plan) == ("approved", 1, 3)


@pytest.mark.parametrize(("persona", "status"), LEAD_ACTS)
def test_plan_close_matrix(personas: Personas, plan: Plan, persona: str, status: int) -> None:
    at("active", plan, personas)

    response = api_as(personas[persona]).post(detail(plan, "close/"))

    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "closed"
        assert state(plan) == ("closed", 1, 5)
    else:
        expected = {404: NOT_FOUND}.get(status, _lead_acts_refused("close"))
        assert response.json() == (ANONYMOUS if persona == "anonymous" else expected)
        assert state(plan) == ("active", 1, 4)


# --- participants -------------------------------------------------------------------------------


def test_the_lead_is_always_a_participant_and_its_row_can_be_sent_back(
    lead_planner: User, plan: Plan, lead_org: Organisation, contributor_org: Organisation
) -> None:
    shown = api_as(lead_planner).get(detail(plan)).json()
    rows = [{"organisation": p["organisation"], "role": p["role"]} for p in shown["participants"]]
    rows[2]["role"] = "contributor"  # ngo becomes a contributor

    response = api_as(lead_planner).patch(
        detail(plan), {"participants": rows, "version": 1}, format="json"
    )

    assert response.status_code == 200
    assert [(p["organisation_name"], p["role"]) for p in response.json()["participants"]] == [
        ("Ministry of Defence", "contributor"),
        ("Ministry of Foreign Affairs", "lead"),
        ("Peacebuilding Partners", "contributor"),
    ]
    assert [r["organisation_name"] for r in response.json()["reviews"]] == [
        "Ministry of Defence",
        "Peacebuilding Partners",
    ]


@pytest.mark.parametrize(
    ("participants", "message"),
    [
        (
            lambda orgs: [{"organisation": orgs["ngo"], "role": "lead"}],
            "A participant is a contributor or consulted, not 'lead'.",
        ),
        (
            lambda orgs: [{"organisation": orgs["ngo"], "role": "consulted"}],
            "Still leading work, responsible for work or consulted in this plan: MOD.",
        ),
        (
            lambda orgs: [
                {"organisation": orgs["mod"], "role": "contributor"},
                {"organisation": orgs["mod"], "role": "consulted"},
            ],
            "Each organisation takes part only once.",
        ),
        (
            lambda orgs: [{"organisation": orgs["mod"]}],
            "Each participant names its organisation and role.",
        ),
    ],
)
def test_participants_that_break_the_rules_are_refused(
    lead_planner: User,
    plan: Plan,
    contributor_org: Organisation,
    consulted_org: Organisation,
    participants: Callable[[dict[str, int]], list[dict[str, Any]]],
    message: str,
) -> None:
    orgs = {"mod": contributor_org.pk, "ngo": consulted_org.pk}

    response = api_as(lead_planner).patch(
        detail(plan), {"participants": participants(orgs), "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"participants": [message]}
    assert sorted(plan.participants.values_list("organisation__slug", "role")) == [
        ("mfa", "lead"),
        ("mod", "contributor"),
        ("ngo", "consulted"),
    ]
    assert state(plan) == ("draft", 0, 1)


def test_a_participant_removed_no_longer_sees_the_plan(
    lead_planner: User, plan: Plan, contributor_org: Organisation, consulted_org: Organisation
) -> None:
    ngo_planner = make_member(consulted_org, Role.PLANNER, username="ngo-planner")
    assert api_as(ngo_planner).get(detail(plan)).status_code == 200

    response = api_as(lead_planner).patch(
        detail(plan),
        {
            "participants": [{"organisation": contributor_org.pk, "role": "contributor"}],
            "version": 1,
        },
        format="json",
    )

    assert response.status_code == 200
    assert api_as(ngo_planner).get(detail(plan)).json() == NOT_FOUND
    assert ids(api_as(ngo_planner).get("/api/v1/plans/")) == []
    assert ids(api_as(ngo_planner).get("/api/v1/activities/")) == []


# --- plan dates and strategy --------------------------------------------------------------------


def test_a_plan_that_ends_before_it_starts_is_refused(
    lead_planner: User, lead_org: Organisation, plan: Plan
) -> None:
    client = api_as(lead_planner)

    created = client.post(
        "/api/v1/plans/",
        {
            "title": "Backwards",
            "theatre": "Valeria",
            "lead_organisation": lead_org.pk,
            "start_date": "2026-06-01",
            "end_date": "2026-05-31",
        },
        format="json",
    )
    changed = client.patch(detail(plan), {"end_date": "2025-12-31", "version": 1}, format="json")

    assert (created.status_code, created.json()) == (400, DATES_OUT_OF_ORDER)
    assert (changed.status_code, changed.json()) == (400, DATES_OUT_OF_ORDER)
    assert Plan.objects.count() == 1
    plan.refresh_from_db()
    assert (plan.end_date, plan.version) == (END, 1)


def test_a_strategy_the_user_cannot_see_does_not_exist_for_them(
    lead_planner: User, plan: Plan, outsider_org: Organisation
) -> None:
    police_planner = make_member(outsider_org, Role.PLANNER, username="police-planner")
    hidden = strategy_services.strategy_create(
        by=police_planner,
        title="Police strategy",
        theatre="Valeria",
        approach="prevention",
        lead_organisation=outsider_org,
    )

    response = api_as(lead_planner).patch(
        detail(plan), {"strategy": hidden.pk, "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"strategy": [f'Invalid pk "{hidden.pk}" - object does not exist.']}
    plan.refresh_from_db()
    assert plan.strategy is None
