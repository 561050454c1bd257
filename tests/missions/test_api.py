"""The plan API: who may do what (a matrix per endpoint and action), the review workflow and
its illegal transitions, as civilian as possible, amendments, consultation gaps, field
reports and their attachments, stale versions, filters and query counts.

Personas (tests/missions/conftest.py): the lead organisation is `mfa`, the contributor `mod`,
`ngo` is consulted; `outsider` plans, approves and advises for `police`, which takes no part,
so sees nothing; `ended_yesterday` and `starts_tomorrow` did or will for `mfa`, but not today,
so get what the outsider gets; `superuser` sees every plan but acts on none. `plan` is a
draft with one line of effort holding a civilian activity of mfa and a military activity of
mod building a school (with its justification).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework import serializers

from accounts.models import Notification, Organisation, OrganisationKind, Role, User
from missions import services
from missions.models import (
    Activity,
    Attachment,
    Consultation,
    FieldReport,
    LineOfEffort,
    Milestone,
    Plan,
    Review,
)
from strategy import services as strategy_services
from tests.conftest import api_as
from tests.factories import add_membership, make_member, make_organisation, submission_of
from tests.missions.conftest import END, START

pytestmark = pytest.mark.django_db

ANONYMOUS = {"detail": "Authentication credentials were not provided."}
NOT_ALLOWED = {"detail": "You do not have permission to do this."}
NOT_FOUND = {"detail": "No Plan matches the given query."}
NOT_A_LEAD_PLANNER = {"detail": "Only planners of the lead organisation can change this plan."}
NOT_RESPONSIBLE = {
    "detail": "Only planners of the responsible organisation (or of the lead) update this activity."
}
TITLE = "Northern Valeria integrated plan"
JUSTIFICATION = "No civilian contractor can work in this district yet."
NEEDS_JUSTIFICATION = {
    "military_justification": [
        "A military actor on a non-military task needs a written justification: "
        "why can no civilian actor do this?"
    ]
}
DATES_OUT_OF_ORDER = {"end_date": ["The end date must be on or after the start date."]}
Personas = dict[str, Any]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def detail(plan: Plan, suffix: str = "") -> str:
    return f"/api/v1/plans/{plan.pk}/{suffix}"


def ids(response: Any) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def when(value: datetime.datetime) -> str:
    return serializers.DateTimeField().to_representation(value)


def notified(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "text"))


def in_review(plan: Plan, people: Personas) -> Plan:
    return services.plan_submit(plan=plan, by=people["lead_planner"])


def approved(plan: Plan, people: Personas) -> Plan:
    in_review(plan, people)
    services.plan_review(
        plan=plan,
        submission=submission_of(plan),
        by=people["contributor_approver"],
        decision="approve",
    )
    return services.plan_approve(
        plan=plan, submission=submission_of(plan), by=people["lead_approver"]
    )


def active(plan: Plan, people: Personas) -> Plan:
    approved(plan, people)
    return services.plan_activate(plan=plan, by=people["lead_planner"])


def closed(plan: Plan, people: Personas) -> Plan:
    active(plan, people)
    return services.plan_close(plan=plan, by=people["lead_planner"])


STAGES: dict[str, Callable[[Plan, Personas], Plan]] = {
    "draft": lambda plan, people: plan,
    "in_review": in_review,
    "approved": approved,
    "active": active,
    "closed": closed,
}


def at(stage: str, plan: Plan, people: Personas) -> Plan:
    STAGES[stage](plan, people)
    plan.refresh_from_db()
    assert plan.status == stage
    return plan


def state(plan: Plan) -> tuple[str, int, int]:
    plan.refresh_from_db()
    return (plan.status, plan.submission, plan.version)


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


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
        "consultation_gaps": ["police", "justice", "ngo", "international_organisation"],
    }


# --- plans: authorization matrix ----------------------------------------------------------------

PERSONAS_SEE = [
    ("lead_planner", 200),
    ("lead_approver", 200),
    ("contributor_planner", 200),
    ("contributor_approver", 200),
    ("field_advisor", 200),
    ("outsider", 404),
    ("superuser", 200),  # for support
    ("ended_yesterday", 404),
    ("starts_tomorrow", 404),
    ("anonymous", 403),
]


@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_plan_list_matrix(personas: Personas, plan: Plan, persona: str, status: int) -> None:
    response = api_as(personas[persona]).get("/api/v1/plans/")

    if status == 403:
        assert (response.status_code, response.json()) == (403, ANONYMOUS)
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
        assert response.json() == {404: NOT_FOUND, 403: ANONYMOUS}[status]


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
        ("anonymous", 403, ANONYMOUS),
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
        ("anonymous", 403, ANONYMOUS),
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
        ("anonymous", 403, ANONYMOUS),
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
        ("anonymous", 403, ANONYMOUS),
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
        ("anonymous", 403, ANONYMOUS),
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
    ("anonymous", 403),
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


# --- as civilian as possible --------------------------------------------------------------------


def new_activity(line: LineOfEffort, responsible: Organisation, **extra: Any) -> dict[str, Any]:
    return {
        "line_of_effort": line.pk,
        "title": "Soldiers dig wells",
        "responsible_organisation": responsible.pk,
        "actor_type": "military",
        "task_nature": "non_military",
        "start_date": "2026-02-01",
        "end_date": "2026-04-30",
        **extra,
    }


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
    ("anonymous", 403, ANONYMOUS),
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
        ("anonymous", 403, ANONYMOUS),
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
    assert notified("plan.activity_blocked") == [
        ("contributor-planner", text),
        ("lead-planner", text),
    ]


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


def a_part(resource: str, plan: Plan, lead_planner: User) -> Any:
    """The existing part of that kind (a milestone and a consultation are added first)."""
    if resource == "lines-of-effort":
        return plan.lines_of_effort.get()
    if resource == "activities":
        return Activity.objects.get(actor_type="military")
    if resource == "milestones":
        return services.milestone_create(
            plan=plan,
            by=lead_planner,
            data={"title": "Councils elected", "due_date": datetime.date(2026, 10, 1)},
        )
    return services.consultation_create(
        plan=plan,
        by=lead_planner,
        data={
            "stakeholder": plan.participants.get(role="consulted").organisation,
            "date": datetime.date(2026, 1, 15),
            "summary": "Women's groups want the school near the market.",
        },
    )


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

    if status == 403:
        assert (response.status_code, response.json()) == (403, ANONYMOUS)
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
        assert response.json() == {404: PART_NOT_FOUND[resource], 403: ANONYMOUS}[status]


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
        ("anonymous", 403),
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
    ("anonymous", 403),
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
                403: NOT_ALLOWED if persona != "anonymous" else ANONYMOUS,
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
                403: NOT_ALLOWED if persona != "anonymous" else ANONYMOUS,
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
    ["progress update", "field report", "plan title", "milestone added", "consultation added"],
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
    }
    persona, method, url, body = requests[change]

    response = getattr(api_as(personas[persona]), method)(url, body, format="json")

    assert response.status_code == CHANGED[method], response.content
    plan.refresh_from_db()
    assert (plan.status, plan.submission) == (stage, 1)
    assert plan.version == version + (1 if change == "plan title" else 0)
    shown = api_as(personas["lead_planner"]).get(detail(plan)).json()
    assert [r["state"] for r in shown["reviews"]] == ["approved"]


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

    assert gaps() == ["police", "justice", "ngo", "international_organisation"]
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


# --- field reports ------------------------------------------------------------------------------

FIELD_REPORT_NOT_FOUND = {"detail": "No FieldReport matches the given query."}
NOT_A_FIELD_ADVISOR = {
    "detail": "Field advisors of participating organisations file field reports."
}


def filed(plan: Plan, field_advisor: User, *files: SimpleUploadedFile) -> FieldReport:
    return services.field_report_file(
        plan=plan,
        by=field_advisor,
        date=timezone.localdate(),
        situation="The road to Kora is open again.",
        place="Kora",
        attachments=list(files),
    )


@pytest.mark.parametrize(
    ("persona", "status", "body"),
    [
        ("lead_planner", 403, NOT_A_FIELD_ADVISOR),
        ("lead_approver", 403, NOT_A_FIELD_ADVISOR),
        ("contributor_planner", 403, NOT_A_FIELD_ADVISOR),
        ("contributor_approver", 403, NOT_A_FIELD_ADVISOR),
        ("field_advisor", 201, None),
        ("outsider", 400, None),  # a field advisor, but of police: the plan is unknown to them
        ("superuser", 403, NOT_A_FIELD_ADVISOR),
        ("ended_yesterday", 400, None),  # a field advisor of mfa, but not today
        ("starts_tomorrow", 400, None),
        ("anonymous", 403, ANONYMOUS),
    ],
)
def test_field_report_create_matrix(
    personas: Personas,
    plan: Plan,
    military_activity: Activity,
    persona: str,
    status: int,
    body: dict[str, Any] | None,
) -> None:
    response = api_as(personas[persona]).post(
        "/api/v1/field-reports/",
        {
            "plan": plan.pk,
            "activity": military_activity.pk,
            "date": str(timezone.localdate()),
            "place": "Kora",
            "situation": "Foundations are poured.",
            "progress_update": 25,
            "attachments": [upload("site.png", png_bytes(), "image/png")],
        },
        format="multipart",
    )

    assert response.status_code == status
    military_activity.refresh_from_db()
    if status == 201:
        report = FieldReport.objects.get()
        attachment = report.attachments.get()
        assert response.json() == {
            "id": report.pk,
            "plan": plan.pk,
            "activity": military_activity.pk,
            "author": "field-advisor",
            "date": str(timezone.localdate()),
            "place": "Kora",
            "situation": "Foundations are poured.",
            "progress_update": 25,
            "attachments": [
                {
                    "id": attachment.pk,
                    "name": "site.png",
                    "content_type": "image/png",
                    "size": len(png_bytes()),
                    "download_url": (
                        f"/api/v1/field-reports/{report.pk}/attachments/{attachment.pk}/"
                    ),
                }
            ],
            "created": when(report.created),
        }
        assert report.author == personas[persona]
        assert (military_activity.progress, military_activity.status) == (25, "in_progress")
        text = f"Field report on “{TITLE}” (Engineers build a school) from field-advisor."
        assert notified("plan.field_report") == [
            ("contributor-planner", text),
            ("lead-planner", text),
        ]
    else:
        if status == 400:  # the plan and activity are unknown ids to them
            body = {
                "plan": [f'Invalid pk "{plan.pk}" - object does not exist.'],
                "activity": [f'Invalid pk "{military_activity.pk}" - object does not exist.'],
            }
        assert response.json() == body
        assert (FieldReport.objects.count(), Attachment.objects.count()) == (0, 0)
        assert (military_activity.progress, military_activity.version) == (0, 1)
        assert Notification.objects.filter(kind="plan.field_report").count() == 0


@pytest.mark.parametrize(("persona", "status"), PERSONAS_SEE)
def test_field_report_list_and_detail_matrix(
    personas: Personas, plan: Plan, persona: str, status: int
) -> None:
    report = filed(plan, personas["field_advisor"])
    client = api_as(personas[persona])

    listed = client.get("/api/v1/field-reports/")
    shown = client.get(f"/api/v1/field-reports/{report.pk}/")

    if status == 403:
        assert (listed.status_code, listed.json()) == (403, ANONYMOUS)
        assert (shown.status_code, shown.json()) == (403, ANONYMOUS)
    elif status == 404:
        assert (listed.status_code, ids(listed)) == (200, [])
        assert (shown.status_code, shown.json()) == (404, FIELD_REPORT_NOT_FOUND)
    else:
        assert ids(listed) == [report.pk]
        assert (shown.json()["situation"], shown.json()["place"]) == (
            "The road to Kora is open again.",
            "Kora",
        )


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_field_report_is_a_record_that_is_not_edited(
    personas: Personas, plan: Plan, method: str
) -> None:
    report = filed(plan, personas["field_advisor"])

    response = getattr(api_as(personas["field_advisor"]), method)(
        f"/api/v1/field-reports/{report.pk}/", {"situation": "Changed."}, format="json"
    )

    assert response.status_code == 405
    report.refresh_from_db()
    assert report.situation == "The road to Kora is open again."


def test_a_photo_and_a_pdf_are_accepted_and_downloaded_only_by_those_who_see_the_plan(
    personas: Personas, plan: Plan, settings: Any
) -> None:
    photo = png_bytes()

    response = api_as(personas["field_advisor"]).post(
        "/api/v1/field-reports/",
        {
            "plan": plan.pk,
            "date": str(timezone.localdate()),
            "situation": "Market reopened.",
            "attachments": [
                upload("market.png", photo, "image/png"),
                # What the client claims is ignored: the content says what the file is.
                upload("minutes.pdf", PDF, "application/octet-stream"),
            ],
        },
        format="multipart",
    )

    assert response.status_code == 201
    listed = response.json()["attachments"]
    assert [(a["name"], a["content_type"], a["size"]) for a in listed] == [
        ("market.png", "image/png", len(photo)),
        ("minutes.pdf", "application/pdf", len(PDF)),
    ]
    stored = Attachment.objects.order_by("pk")
    assert all(Path(a.file.path).is_relative_to(settings.MEDIA_ROOT) for a in stored)

    for persona, status in PERSONAS_SEE:
        for attachment, content in zip(listed, [photo, PDF], strict=True):
            download = api_as(personas[persona]).get(attachment["download_url"])
            assert download.status_code == status, persona
            if status == 200:
                assert download["Content-Type"] == attachment["content_type"]
                assert download["Content-Disposition"] == (
                    f'attachment; filename="{attachment["name"]}"'
                )
                assert b"".join(download.streaming_content) == content
            else:
                expected = {404: FIELD_REPORT_NOT_FOUND, 403: ANONYMOUS}[status]
                assert download.json() == expected

    # Files are never served from a public media URL.
    for attachment in stored:
        public = api_as(personas["lead_planner"]).get(
            f"/{settings.MEDIA_URL}{attachment.file.name}"
        )
        assert public.status_code == 404


def test_an_attachment_of_another_report_is_not_found(personas: Personas, plan: Plan) -> None:
    first = filed(plan, personas["field_advisor"], upload("a.png", png_bytes(), "image/png"))
    second = filed(plan, personas["field_advisor"])

    response = api_as(personas["lead_planner"]).get(
        f"/api/v1/field-reports/{second.pk}/attachments/{first.attachments.get().pk}/"
    )

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No attachment matches the given query."},
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [("photo.jpg", EXECUTABLE, "image/jpeg")],
            "photo.jpg is not a photo or a PDF.",
        ),
        (
            [("site.png", png_bytes(), "image/png"), ("photo.jpg", EXECUTABLE, "image/jpeg")],
            "photo.jpg is not a photo or a PDF.",
        ),
        (
            [("notes.txt", b"%PDX- not a pdf", "application/pdf")],
            "notes.txt is not a photo or a PDF.",
        ),
        (
            [("big.png", png_bytes() + b"\x00" * (1024 * 1024), "image/png")],
            "big.png is larger than 1 MB.",
        ),
        (
            [(f"site-{n}.png", png_bytes(), "image/png") for n in range(6)],
            "At most 5 files per report.",
        ),
    ],
)
def test_attachments_that_are_not_photos_or_pdfs_or_too_large_are_refused(
    field_advisor: User,
    plan: Plan,
    settings: Any,
    files: list[tuple[str, bytes, str]],
    message: str,
) -> None:
    settings.FIELD_REPORT_ATTACHMENT_MAX_MB = 1
    settings.FIELD_REPORT_MAX_ATTACHMENTS = 5

    response = api_as(field_advisor).post(
        "/api/v1/field-reports/",
        {
            "plan": plan.pk,
            "date": str(timezone.localdate()),
            "situation": "See attached.",
            "attachments": [upload(*spec) for spec in files],
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"attachments": [message]}
    assert (FieldReport.objects.count(), Attachment.objects.count()) == (0, 0)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []


def test_a_field_report_without_attachments_can_be_sent_as_json(
    field_advisor: User, plan: Plan
) -> None:
    response = api_as(field_advisor).post(
        "/api/v1/field-reports/",
        {"plan": plan.pk, "date": str(timezone.localdate()), "situation": "Quiet day."},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["attachments"], response.json()["activity"]) == ([], None)


def test_field_reports_that_break_the_rules_are_refused(
    personas: Personas, plan: Plan, civilian_activity: Activity, lead_org: Organisation
) -> None:
    other = services.plan_create(
        by=personas["lead_planner"],
        title="Other",
        theatre="Elsewhere",
        lead_organisation=lead_org,
        start_date=START,
        end_date=END,
    )
    client = api_as(personas["field_advisor"])
    today = timezone.localdate()

    def report(**fields: Any) -> Any:
        body = {"plan": plan.pk, "date": str(today), "situation": "Calm.", **fields}
        return client.post("/api/v1/field-reports/", body, format="json")

    tomorrow = report(date=str(today + datetime.timedelta(days=1)))
    no_activity = report(progress_update=50)
    wrong_plan = report(plan=other.pk, activity=civilian_activity.pk)
    too_far = report(activity=civilian_activity.pk, progress_update=101)

    assert tomorrow.json() == {"date": ["A field report cannot be dated in the future."]}
    assert no_activity.json() == {
        "progress_update": ["A progress update is for an activity: choose one."]
    }
    assert wrong_plan.json() == {"activity": ["Choose an activity of this plan."]}
    assert too_far.json() == {
        "progress_update": ["Ensure this value is less than or equal to 100."]
    }
    assert {r.status_code for r in (tomorrow, no_activity, wrong_plan, too_far)} == {400}
    assert FieldReport.objects.count() == 0

    at("closed", plan, personas)
    late = report()
    assert (late.status_code, late.json()) == (
        400,
        {"non_field_errors": ["This plan is closed: it takes no more field reports."]},
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
    _plans(2, personas, lead_org, contributor_org)
    client.get("/api/v1/plans/")  # content types are cached per process after a first look-up
    with django_assert_num_queries(7):
        response = client.get("/api/v1/plans/")
    assert response.json()["count"] == 2
    row = response.json()["results"][0]
    assert [r["decided_by"] for r in row["reviews"]] == ["contributor-approver"]
    assert row["civil_military_balance"]["per_actor_type"]["military"] == 1
    assert row["consultation_gaps"] == ["police", "justice", "ngo", "international_organisation"]

    _plans(48, personas, lead_org, contributor_org)
    with django_assert_num_queries(7):
        response = client.get("/api/v1/plans/")
    assert response.json()["count"] == 50
    assert len(response.json()["results"]) == 50


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
