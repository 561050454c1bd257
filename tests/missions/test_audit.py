"""Plan decisions in the audit trail: each review and the final approval write one record in
their own transaction; a refused decision writes one denial and no decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Organisation, User
from missions import services
from missions.models import Plan, PlanStatus, Review
from tests.factories import submission_of

ADDRESS = "198.51.100.23"
FIELDS = [
    "category",
    "user_id",
    "organisation_id",
    "content_type_id",
    "object_id",
    "object_repr",
    "action",
    "outcome",
    "status_code",
    "method",
    "path",
    "ip_address",
]


def records() -> list[dict[str, Any]]:
    return list(AuditEvent.objects.order_by("id").values(*FIELDS))


def api(user: User) -> APIClient:
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.force_authenticate(user)
    return client


def plan_type() -> int:
    return ContentType.objects.get_for_model(Plan).pk


@pytest.mark.django_db
def test_a_review_and_the_approval_each_write_one_decision_record(
    plan: Plan,
    lead_planner: User,
    contributor_approver: User,
    contributor_org: Organisation,
    lead_approver: User,
    lead_org: Organisation,
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)
    url = f"/api/v1/plans/{plan.pk}/"

    reviewed = api(contributor_approver).post(
        f"{url}review/", {"decision": "approve", "submission": 1}, format="json"
    )
    approved = api(lead_approver).post(f"{url}approve/", {"submission": 1}, format="json")

    assert (reviewed.status_code, approved.status_code) == (200, 200)
    decision = {
        "category": "decision",
        "content_type_id": plan_type(),
        "object_id": str(plan.pk),
        "object_repr": "Northern Valeria integrated plan",
        "status_code": None,
        "method": "POST",
        "ip_address": ADDRESS,
    }
    assert records() == [
        {
            **decision,
            "user_id": contributor_approver.pk,
            "organisation_id": contributor_org.pk,
            "action": "review_plan",
            "outcome": "approve",
            "path": f"{url}review/",
        },
        {
            **decision,
            "user_id": lead_approver.pk,
            "organisation_id": lead_org.pk,
            "action": "approve_plan",
            "outcome": "approve",
            "path": f"{url}approve/",
        },
    ]


@pytest.mark.django_db
def test_a_decision_on_the_page_is_recorded_too(
    plan: Plan, lead_planner: User, contributor_approver: User, contributor_org: Organisation
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(contributor_approver)

    response = client.post(
        f"/plans/{plan.pk}/review/",
        {"decision": "request_changes", "comment": "Add the police.", "round": 1},
    )

    assert response.status_code == 302
    [record] = records()
    assert (record["action"], record["outcome"], record["organisation_id"]) == (
        "review_plan",
        "request_changes",
        contributor_org.pk,
    )
    assert (record["path"], record["ip_address"]) == (f"/plans/{plan.pk}/review/", ADDRESS)


@pytest.mark.django_db
def test_a_stale_review_writes_one_denial_and_no_decision(
    plan: Plan, lead_planner: User, contributor_approver: User, contributor_org: Organisation
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)

    response = api(contributor_approver).post(
        f"/api/v1/plans/{plan.pk}/review/", {"decision": "approve", "submission": 0}, format="json"
    )

    assert response.status_code == 409
    assert Review.objects.count() == 0
    assert records() == [
        {
            "category": "denial",
            "user_id": contributor_approver.pk,
            "organisation_id": contributor_org.pk,
            "content_type_id": plan_type(),
            "object_id": str(plan.pk),
            "object_repr": "Northern Valeria integrated plan",
            "action": "api-plan.review",
            "outcome": "stale",
            "status_code": 409,
            "method": "POST",
            "path": f"/api/v1/plans/{plan.pk}/review/",
            "ip_address": ADDRESS,
        }
    ]


@pytest.mark.django_db
def test_a_decision_refused_for_bad_input_writes_nothing(
    plan: Plan, lead_planner: User, contributor_approver: User
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)

    response = api(contributor_approver).post(
        f"/api/v1/plans/{plan.pk}/review/",
        {"decision": "request_changes", "comment": "", "submission": 1},
        format="json",
    )

    assert response.status_code == 400
    assert records() == []


@pytest.mark.django_db
def test_a_decision_and_its_record_roll_back_together(
    plan: Plan, lead_planner: User, contributor_approver: User
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)

    def review_then_fail() -> None:
        with transaction.atomic():
            services.plan_review(
                plan=plan,
                submission=submission_of(plan),
                by=contributor_approver,
                decision="approve",
            )
            assert AuditEvent.objects.count() == 1
            raise RuntimeError("what the caller did next failed")

    with pytest.raises(RuntimeError):
        review_then_fail()

    assert Review.objects.count() == 0
    assert records() == []


@pytest.mark.django_db(transaction=True)
def test_a_refusal_inside_a_services_transaction_is_kept(
    plan: Plan, lead_planner: User, contributor_approver: User
) -> None:
    """The refusal is raised inside `plan_approve`'s transaction, which rolls back; its
    record is written after that, and committed (a real transaction, not the test's)."""
    services.plan_submit(plan=plan, by=lead_planner)
    assert not connection.in_atomic_block

    response = api(contributor_approver).post(
        f"/api/v1/plans/{plan.pk}/approve/", {"submission": submission_of(plan)}, format="json"
    )

    assert response.status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.IN_REVIEW
    [record] = records()
    assert (record["category"], record["outcome"], record["action"], record["user_id"]) == (
        "denial",
        "forbidden",
        "api-plan.approve",
        contributor_approver.pk,
    )
