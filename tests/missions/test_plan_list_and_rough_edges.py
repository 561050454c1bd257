"""The plans list names who has reviewed the current submission and who has not (in a fixed
number of queries); a stakeholder recorded as consulted is never "never consulted"; closing a
plan stands apart from everyday actions.

Personas and the plan come from tests/missions/conftest.py: lead mfa, contributor mod,
consulted ngo (an NGO).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, User
from missions import selectors, services
from missions.models import Plan
from tests.factories import make_member, make_organisation, submission_of

pytestmark = pytest.mark.django_db


def client_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review_cell(html: str, plan: Plan) -> str:
    row = html.split(f'<a href="/plans/{plan.pk}/">', 1)[1].split("</tr>", 1)[0]
    return row.split('<td class="plan-reviews">', 1)[1].split("</td>", 1)[0]


def review_states(cell: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="decision is-([a-z_]+)">([^<]*)</li>', cell)


@pytest.fixture
def eu(db: None) -> Organisation:
    return make_organisation(
        slug="eu", name="European Union", kind=OrganisationKind.INTERNATIONAL_ORGANISATION
    )


@pytest.fixture
def un(db: None) -> Organisation:
    return make_organisation(
        slug="un", name="United Nations", kind=OrganisationKind.INTERNATIONAL_ORGANISATION
    )


def three_contributor_plan(
    title: str,
    lead_planner: User,
    lead_org: Organisation,
    contributors: list[Organisation],
    consulted: Organisation,
) -> Plan:
    plan = services.plan_create(
        by=lead_planner,
        title=title,
        theatre="Valeria",
        lead_organisation=lead_org,
        participants=[*((o, "contributor") for o in contributors), (consulted, "consulted")],
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    services.line_of_effort_create(
        plan=plan,
        by=lead_planner,
        data={"domain": "governance", "title": "Councils", "lead_organisation": lead_org},
    )
    return plan


def test_the_plans_list_names_who_reviewed_and_who_has_not(
    lead_planner: User,
    lead_org: Organisation,
    contributor_org: Organisation,
    contributor_approver: User,
    consulted_org: Organisation,
    eu: Organisation,
    un: Organisation,
) -> None:
    un_approver = make_member(un, Role.APPROVER, username="un-approver")
    make_member(eu, Role.APPROVER, username="eu-approver")
    plan = three_contributor_plan(
        "Reviewed plan", lead_planner, lead_org, [contributor_org, eu, un], consulted_org
    )
    draft = three_contributor_plan(
        "Draft plan", lead_planner, lead_org, [contributor_org], consulted_org
    )
    client = client_as(lead_planner)

    assert "<small>Not yet submitted</small>" in review_cell(
        client.get("/plans/").content.decode(), draft
    )

    services.plan_submit(plan=plan, by=lead_planner)
    cell = review_cell(client.get("/plans/").content.decode(), plan)
    assert cell.startswith("0 of 3 approved")
    assert review_states(cell) == [
        ("pending", "EU: not reviewed yet"),
        ("pending", "MOD: not reviewed yet"),
        ("pending", "UN: not reviewed yet"),
    ]

    services.plan_review(
        plan=plan, submission=submission_of(plan), by=contributor_approver, decision="approve"
    )
    services.plan_review(
        plan=plan,
        submission=submission_of(plan),
        by=un_approver,
        decision="request_changes",
        comment="Name the courts.",
    )
    cell = review_cell(client.get("/plans/").content.decode(), plan)
    assert cell.startswith(
        '1 of 3 approved <small class="field-error">· 1 asked for changes</small>'
    )
    assert review_states(cell) == [
        ("approved", "MOD: approved"),
        ("changes_requested", "UN: changes requested"),
        ("pending", "EU: not reviewed yet"),
    ]
    assert "<small>Taking part: EU, MOD, MFA, NGO, UN</small>" in cell  # by name

    # A new submission asks everyone again.
    services.plan_submit(plan=plan, by=lead_planner)
    cell = review_cell(client.get("/plans/").content.decode(), plan)
    assert [state for state, _ in review_states(cell)] == ["pending", "pending", "pending"]


def test_plans_list_reviews_take_the_same_queries_for_2_and_50_plans(
    lead_planner: User,
    lead_org: Organisation,
    contributor_org: Organisation,
    contributor_approver: User,
    consulted_org: Organisation,
    eu: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    eu_approver = make_member(eu, Role.APPROVER, username="eu-approver")
    client = client_as(contributor_approver)

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            plan = three_contributor_plan(
                f"Plan {n:02}", lead_planner, lead_org, [contributor_org, eu], consulted_org
            )
            services.plan_submit(plan=plan, by=lead_planner)
            services.plan_review(
                plan=plan,
                submission=submission_of(plan),
                by=contributor_approver,
                decision="approve",
            )
            if n % 2:
                services.plan_review(
                    plan=plan,
                    submission=submission_of(plan),
                    by=eu_approver,
                    decision="request_changes",
                    comment="More police.",
                )

    add(0, 2)
    client.get("/plans/")  # warms the content-type cache, which later requests share
    with django_assert_max_num_queries(12) as small:
        response = client.get("/plans/")
    assert [len(row.reviewed) for row in response.context["rows"]] == [2, 1]
    add(2, 50)
    with django_assert_max_num_queries(12) as large:
        response = client.get("/plans/")
    rows = response.context["rows"]
    assert len(rows) == 25
    # The 25 plans changed last (Plan 25 to Plan 49): mod reviewed each, eu the odd ones.
    assert [row.plan.title for row in rows] == [f"Plan {n:02}" for n in range(49, 24, -1)]
    assert sum(len(row.reviewed) for row in rows) == 25 + 13
    assert len(small.captured_queries) == len(large.captured_queries)


# --- consulted stakeholders ------------------------------------------------------------------


def test_a_stakeholder_recorded_as_consulted_is_never_listed_as_never_consulted(
    plan: Plan,
    lead_planner: User,
    contributor_org: Organisation,
    consulted_org: Organisation,
) -> None:
    police = make_organisation(slug="police", name="National Police", kind=OrganisationKind.POLICE)
    justice = make_organisation(
        slug="justice", name="Ministry of Justice", kind=OrganisationKind.JUSTICE
    )

    def gaps() -> list[str]:
        loaded = selectors.plan_detail(user=lead_planner).get(pk=plan.pk)
        return selectors.consultation_gaps(loaded)

    # ngo takes part as consulted: recorded as consulted, with no consultation yet.
    assert gaps() == ["police", "justice", "international_organisation"]

    # Police as a contributor is no consultation; a consultation with it is.
    services.plan_update(
        plan=plan,
        by=lead_planner,
        version=plan.version,
        data={
            "participants": [
                (contributor_org, "contributor"),
                (consulted_org, "consulted"),
                (police, "contributor"),
                (justice, "consulted"),
            ]
        },
    )
    assert gaps() == ["police", "international_organisation"]
    services.consultation_create(
        plan=plan,
        by=lead_planner,
        data={"stakeholder": police, "date": datetime.date(2026, 2, 1), "summary": "Met"},
    )
    assert gaps() == ["international_organisation"]

    page = client_as(lead_planner).get(f"/plans/{plan.pk}/")
    assert page.context["gaps"] == ["International organisation"]
    assert (
        '<strong>Never consulted:</strong> <span class="warning-flag">International '
        "organisation</span></p>"
    ) in page.content.decode()
    api = Client()
    api.force_login(lead_planner)
    assert api.get(f"/api/v1/plans/{plan.pk}/").json()["consultation_gaps"] == [
        "international_organisation"
    ]


# --- destructive actions stand apart -----------------------------------------------------------


def test_closing_a_plan_stands_apart_in_a_danger_zone_behind_a_confirmation(
    plan: Plan,
    lead_planner: User,
    lead_approver: User,
    contributor_approver: User,
    contributor_planner: User,
) -> None:
    services.plan_submit(plan=plan, by=lead_planner)
    services.plan_review(
        plan=plan, submission=submission_of(plan), by=contributor_approver, decision="approve"
    )
    services.plan_approve(plan=plan, by=lead_approver, submission=submission_of(plan))
    services.plan_activate(plan=plan, by=lead_planner)
    client = client_as(lead_planner)

    html = client.get(f"/plans/{plan.pk}/").content.decode()
    review_section = html.split('<section id="review"', 1)[1].split("</section>", 1)[0]
    assert "Close the plan" not in review_section
    zone = html.split('<section id="danger-zone" class="danger-zone"', 1)[1]
    assert zone.split("</section>", 1)[1].count("<section") == 0  # the page's last section
    assert '<h2 id="danger-zone-heading">Danger zone</h2>' in zone
    assert (
        f'<a href="/plans/{plan.pk}/close/" role="button" class="danger">Close the plan</a>' in zone
    )
    confirm = client.get(f"/plans/{plan.pk}/close/").content.decode()
    assert '<button type="submit" class="danger">Close the plan</button>' in confirm
    plan.refresh_from_db()
    assert plan.status == "active"

    contributor_page = client_as(contributor_planner).get(f"/plans/{plan.pk}/").content.decode()
    assert 'id="danger-zone"' not in contributor_page


# --- charts mark today --------------------------------------------------------------------------


def test_the_plan_timeline_marks_today(
    plan: Plan, lead_planner: User, lead_org: Organisation
) -> None:
    today = timezone.localdate()
    Plan.objects.filter(pk=plan.pk).update(
        start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=30)
    )
    html = client_as(lead_planner).get(f"/plans/{plan.pk}/").content.decode()
    timeline = html.split('<section id="timeline"', 1)[1].split("</section>", 1)[0]
    assert timeline.count('class="today"') == 1
    assert f"<title>Today, {today:%d %b %Y}</title></line>" in timeline
    assert ">Today</text>" in timeline  # the legend

    # A plan that starts tomorrow (and nothing in it earlier) has no today to mark.
    later = services.plan_create(
        by=lead_planner,
        title="Later plan",
        theatre="Valeria",
        lead_organisation=lead_org,
        start_date=today + datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=60),
    )
    html = client_as(lead_planner).get(f"/plans/{later.pk}/").content.decode()
    timeline = html.split('<section id="timeline"', 1)[1].split("</section>", 1)[0]
    assert "<svg " in timeline
    assert 'class="today"' not in timeline
    assert ">Today</text>" not in timeline
