"""Who may see and act on a plan: one answer, from membership dates, for every entry point.

Findings 1-3 of the review: decisions pinned to the submission read; authority following
membership dates without any task having run; superusers who see but do not act.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.authority import acting_organisations, may
from accounts.models import Membership, Organisation, OrganisationGroup, Role, User
from missions import services
from missions.models import Plan, PlanStatus, Review
from tests.conftest import api_as
from tests.factories import make_member, make_user, submission_of

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def detail(plan: Plan, suffix: str = "") -> str:
    return f"/api/v1/plans/{plan.pk}/{suffix}"


def submitted(plan: Plan, lead_planner: User) -> Plan:
    return services.plan_submit(plan=plan, by=lead_planner)


def end_membership_without_sync(
    user: User, organisation: Organisation, ended: datetime.date
) -> None:
    """The membership ended (`ended` is its last day) and no sync ran: the user is still in
    the Django group."""
    Membership.objects.filter(user=user, organisation=organisation).update(valid_until=ended)
    group = OrganisationGroup.objects.get(organisation=organisation, role=Role.APPROVER).group
    assert user.groups.filter(pk=group.pk).exists()


# --- finding 2: authority follows membership dates, whatever the sync did ------------------------


def test_an_approver_whose_membership_ended_yesterday_neither_sees_nor_reviews(
    plan: Plan, lead_planner: User, contributor_approver: User, contributor_org: Organisation
) -> None:
    plan = submitted(plan, lead_planner)
    end_membership_without_sync(contributor_approver, contributor_org, YESTERDAY)
    client = api_as(contributor_approver)

    seen = client.get(detail(plan))
    listed = client.get("/api/v1/plans/")
    reviewed = client.post(
        detail(plan, "review/"),
        {"submission": plan.submission, "decision": "approve"},
        format="json",
    )

    assert (seen.status_code, listed.json()["count"], reviewed.status_code) == (404, 0, 404)
    with pytest.raises(PermissionDenied):
        services.plan_review(
            plan=plan, by=contributor_approver, submission=plan.submission, decision="approve"
        )
    assert Review.objects.count() == 0


def test_an_approver_whose_membership_ends_today_still_acts_today(
    plan: Plan, lead_planner: User, contributor_approver: User, contributor_org: Organisation
) -> None:
    plan = submitted(plan, lead_planner)
    end_membership_without_sync(contributor_approver, contributor_org, TODAY)

    review = services.plan_review(
        plan=plan, by=contributor_approver, submission=plan.submission, decision="approve"
    )

    assert (review.organisation_id, review.submission) == (contributor_org.pk, 1)


def test_the_lead_approver_whose_membership_ended_yesterday_cannot_approve(
    plan: Plan,
    lead_planner: User,
    lead_approver: User,
    lead_org: Organisation,
    contributor_approver: User,
) -> None:
    plan = submitted(plan, lead_planner)
    services.plan_review(
        plan=plan, by=contributor_approver, submission=plan.submission, decision="approve"
    )
    end_membership_without_sync(lead_approver, lead_org, YESTERDAY)

    response = api_as(lead_approver).post(
        detail(plan, "approve/"), {"submission": plan.submission}, format="json"
    )

    assert response.status_code == 404
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.IN_REVIEW


def test_a_membership_starting_tomorrow_grants_nothing_today_even_inside_the_group(
    plan: Plan, lead_planner: User, contributor_org: Organisation
) -> None:
    plan = submitted(plan, lead_planner)
    newcomer = make_member(contributor_org, Role.APPROVER, username="newcomer", valid_from=TOMORROW)
    group = OrganisationGroup.objects.get(organisation=contributor_org, role=Role.APPROVER).group
    newcomer.groups.add(group)  # a stale cache must not matter

    assert (
        may(newcomer, plan, "view_plan"),
        acting_organisations(newcomer, plan, "review_plan"),
    ) == (
        False,
        set(),
    )
    assert api_as(newcomer).get(detail(plan)).status_code == 404


def test_a_membership_starting_today_grants_at_once_without_any_sync(
    plan: Plan, lead_planner: User, contributor_org: Organisation
) -> None:
    """The embedded default runs no periodic task: a membership written without the sync
    (as a bulk import would) counts from its first day."""
    plan = submitted(plan, lead_planner)
    newcomer = make_user("newcomer")
    Membership.objects.create(
        user=newcomer, organisation=contributor_org, role=Role.APPROVER, valid_from=TODAY
    )
    assert newcomer.groups.count() == 0

    response = api_as(newcomer).post(
        detail(plan, "review/"),
        {"submission": plan.submission, "decision": "approve"},
        format="json",
    )

    assert response.status_code == 200
    assert list(Review.objects.values_list("organisation_id", "decided_by__username")) == [
        (contributor_org.pk, "newcomer")
    ]


# --- finding 3: superusers see everything but act only for their organisations -----------------


@pytest.fixture
def superuser(db: None) -> User:
    return make_user("root", is_superuser=True, is_staff=True)


def test_a_superuser_outside_the_plan_sees_it_but_cannot_act_on_it(
    plan: Plan, lead_planner: User, contributor_approver: User, superuser: User
) -> None:
    plan = submitted(plan, lead_planner)
    services.plan_review(
        plan=plan, by=contributor_approver, submission=plan.submission, decision="approve"
    )
    client = api_as(superuser)

    seen = client.get(detail(plan))
    approved = client.post(detail(plan, "approve/"), {"submission": plan.submission}, format="json")
    reviewed = client.post(
        detail(plan, "review/"),
        {"submission": plan.submission, "decision": "approve"},
        format="json",
    )
    edited = client.patch(detail(plan), {"title": "Mine now", "version": plan.version + 1})

    assert (seen.status_code, approved.status_code, reviewed.status_code, edited.status_code) == (
        200,
        403,
        403,
        403,
    )
    assert approved.json() == {
        "detail": "Only an approver of the lead organisation can approve this plan."
    }
    plan.refresh_from_db()
    assert (plan.status, plan.title) == (PlanStatus.IN_REVIEW, "Northern Valeria integrated plan")


def test_a_superuser_who_approves_for_the_lead_approves(
    plan: Plan,
    lead_planner: User,
    contributor_approver: User,
    superuser: User,
    lead_org: Organisation,
) -> None:
    from tests.factories import add_membership

    add_membership(superuser, lead_org, Role.APPROVER)
    plan = submitted(plan, lead_planner)
    services.plan_review(
        plan=plan, by=contributor_approver, submission=plan.submission, decision="approve"
    )

    response = api_as(superuser).post(
        detail(plan, "approve/"), {"submission": plan.submission}, format="json"
    )

    assert (response.status_code, response.json()["status"]) == (200, "approved")


def test_the_superuser_page_shows_the_plan_without_workflow_buttons(
    client: object, plan: Plan, lead_planner: User, superuser: User
) -> None:
    plan = submitted(plan, lead_planner)
    client.force_login(superuser)  # type: ignore[attr-defined]

    page = client.get(reverse("plan-detail", args=[plan.pk]))  # type: ignore[attr-defined]

    assert page.status_code == 200
    html = page.content.decode()
    assert "Record review" not in html
    assert "Approve the plan" not in html
    assert reverse("plan-edit", args=[plan.pk]) not in html
    assert reverse("plan-review", args=[plan.pk]) not in html


# --- finding 1: decisions pinned to the submission read ------------------------------------------


def amended(plan: Plan, lead_planner: User) -> Plan:
    """The lead adds a line of effort while the plan is in review: submission 2."""
    services.line_of_effort_create(
        plan=plan,
        by=lead_planner,
        data={
            "domain": "security",
            "title": "Border posts",
            "lead_organisation": plan.lead_organisation,
        },
    )
    return Plan.objects.get(pk=plan.pk)


def test_a_review_of_a_submission_no_longer_current_is_409_and_records_nothing(
    plan: Plan, lead_planner: User, contributor_approver: User
) -> None:
    plan = submitted(plan, lead_planner)
    read = plan.submission
    plan = amended(plan, lead_planner)

    response = api_as(contributor_approver).post(
        detail(plan, "review/"), {"submission": read, "decision": "approve"}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == (
        "This changed since you opened it: you read submission 1, and it is now at "
        "submission 2. Read what changed, then decide again."
    )
    assert (body["current"]["id"], body["current"]["submission"]) == (plan.pk, 2)
    assert Review.objects.count() == 0


def test_a_review_without_the_submission_read_is_400(
    plan: Plan, lead_planner: User, contributor_approver: User
) -> None:
    plan = submitted(plan, lead_planner)

    response = api_as(contributor_approver).post(
        detail(plan, "review/"), {"decision": "approve"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"submission": ["This field is required."]}
    assert Review.objects.count() == 0


def test_an_approval_of_a_submission_no_longer_current_is_409(
    plan: Plan, lead_planner: User, contributor_approver: User, lead_approver: User
) -> None:
    plan = submitted(plan, lead_planner)
    services.plan_review(
        plan=plan, by=contributor_approver, submission=plan.submission, decision="approve"
    )
    read = plan.submission
    plan = amended(plan, lead_planner)
    services.plan_review(
        plan=plan, by=contributor_approver, submission=plan.submission, decision="approve"
    )

    response = api_as(lead_approver).post(
        detail(plan, "approve/"), {"submission": read}, format="json"
    )

    assert response.status_code == 409
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.IN_REVIEW


def test_the_review_page_says_the_plan_changed_and_records_nothing(
    client: object, plan: Plan, lead_planner: User, contributor_approver: User
) -> None:
    plan = submitted(plan, lead_planner)
    read = plan.submission
    plan = amended(plan, lead_planner)
    client.force_login(contributor_approver)  # type: ignore[attr-defined]

    page = client.post(  # type: ignore[attr-defined]
        reverse("plan-review", args=[plan.pk]),
        {"decision": "approve", "comment": "Fine.", "round": read},
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "This changed since you opened it: you read submission 1" in html
    assert f'href="{plan.get_absolute_url()}"' in html
    assert 'name="round" value="2"' in html
    assert Review.objects.count() == 0


def test_deciding_again_on_the_same_submission_keeps_the_earlier_decision_in_history(
    plan: Plan, lead_planner: User, contributor_approver: User
) -> None:
    plan = submitted(plan, lead_planner)
    for comment in ("First look.", "Read it again: fine."):
        services.plan_review(
            plan=plan,
            by=contributor_approver,
            submission=submission_of(plan),
            decision="approve",
            comment=comment,
        )

    review = Review.objects.get()
    assert [h.comment for h in review.history.order_by("history_id")] == [
        "First look.",
        "Read it again: fine.",
    ]
