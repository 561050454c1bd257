"""The posts that serve a plan: linked by the lead's planners, each of a participating
organisation, shown on the plan page. Changing them is not an amendment.

Personas: tests/missions/conftest.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification, Organisation, User
from missions import services
from missions.models import Plan
from secondments.models import Post
from tests.conftest import api_as
from tests.missions.api_support import (
    ANONYMOUS,
    NOT_ALLOWED,
    NOT_FOUND,
    Personas,
    at,
    detail,
    state,
)
from tests.missions.conftest import END, START

pytestmark = pytest.mark.django_db

POLICE_DESK = "“Police desk” is a post of POLICE, which does not take part in this plan."


@pytest.fixture
def posts(
    lead_org: Organisation, contributor_org: Organisation, outsider_org: Organisation
) -> dict[str, Post]:
    return {
        "mfa": Post.objects.create(title="Political adviser", host_organisation=lead_org),
        "mod": Post.objects.create(title="Engineer liaison", host_organisation=contributor_org),
        "police": Post.objects.create(title="Police desk", host_organisation=outsider_org),
    }


def client_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def linked(plan: Plan) -> list[str]:
    return sorted(plan.posts.values_list("title", flat=True))


# --- the API ------------------------------------------------------------------------------------


def test_a_plan_is_created_with_the_posts_that_serve_it(
    lead_planner: User,
    lead_org: Organisation,
    contributor_org: Organisation,
    posts: dict[str, Post],
) -> None:
    response = api_as(lead_planner).post(
        "/api/v1/plans/",
        {
            "title": "Valeria together",
            "theatre": "Valeria",
            "lead_organisation": lead_org.pk,
            "start_date": str(START),
            "end_date": str(END),
            "participants": [{"organisation": contributor_org.pk, "role": "contributor"}],
            "posts": [posts["mfa"].pk, posts["mod"].pk],
        },
        format="json",
    )

    assert response.status_code == 201
    # In the posts' order: by host organisation's name, then title.
    assert response.json()["posts"] == [posts["mod"].pk, posts["mfa"].pk]
    plan = Plan.objects.get()
    assert linked(plan) == ["Engineer liaison", "Political adviser"]
    assert list(posts["mod"].plans.all()) == [plan]


def test_a_post_of_an_organisation_outside_the_plan_is_refused_on_create(
    lead_planner: User, lead_org: Organisation, posts: dict[str, Post]
) -> None:
    response = api_as(lead_planner).post(
        "/api/v1/plans/",
        {
            "title": "Valeria together",
            "theatre": "Valeria",
            "lead_organisation": lead_org.pk,
            "start_date": str(START),
            "end_date": str(END),
            "posts": [posts["mfa"].pk, posts["police"].pk],
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (400, {"posts": [POLICE_DESK]})
    assert Plan.objects.count() == 0


def test_posts_of_an_approved_plan_change_without_an_amendment(
    personas: Personas, plan: Plan, posts: dict[str, Post]
) -> None:
    at("approved", plan, personas)
    status, submission, version = state(plan)
    assert (status, submission) == ("approved", 1)
    Notification.objects.all().delete()

    response = api_as(personas["lead_planner"]).patch(
        detail(plan), {"posts": [posts["mod"].pk], "version": version}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["posts"], response.json()["version"]) == (
        [posts["mod"].pk],
        version + 1,
    )
    assert state(plan) == ("approved", 1, version + 1)
    assert linked(plan) == ["Engineer liaison"]
    assert Notification.objects.count() == 0  # no one is asked to review again

    # Sent again unchanged, nothing moves.
    again = api_as(personas["lead_planner"]).patch(
        detail(plan), {"posts": [posts["mod"].pk], "version": version + 1}, format="json"
    )
    assert (again.status_code, again.json()["version"]) == (200, version + 1)

    cleared = api_as(personas["lead_planner"]).patch(
        detail(plan), {"posts": [], "version": version + 1}, format="json"
    )
    assert (cleared.status_code, cleared.json()["posts"]) == (200, [])
    assert state(plan) == ("approved", 1, version + 2)
    assert linked(plan) == []


def test_a_post_of_an_organisation_outside_the_plan_is_refused_on_update(
    lead_planner: User, plan: Plan, posts: dict[str, Post]
) -> None:
    services.plan_update(plan=plan, by=lead_planner, version=1, data={"posts": [posts["mfa"]]})

    response = api_as(lead_planner).patch(
        detail(plan),
        {"posts": [posts["mod"].pk, posts["police"].pk], "version": 2},
        format="json",
    )

    assert (response.status_code, response.json()) == (400, {"posts": [POLICE_DESK]})
    assert linked(plan) == ["Political adviser"]
    assert state(plan) == ("draft", 0, 2)


def test_an_unknown_post_is_a_field_error(lead_planner: User, plan: Plan) -> None:
    response = api_as(lead_planner).patch(
        detail(plan), {"posts": [999999], "version": 1}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {"posts": ['Invalid pk "999999" - object does not exist.']},
    )


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
def test_only_the_leads_planners_change_the_posts(
    personas: Personas,
    plan: Plan,
    posts: dict[str, Post],
    persona: str,
    status: int,
    body: dict[str, Any] | None,
) -> None:
    response = api_as(personas[persona]).patch(
        detail(plan), {"posts": [posts["mod"].pk], "version": 1}, format="json"
    )

    assert response.status_code == status
    if status == 200:
        assert linked(plan) == ["Engineer liaison"]
    else:
        assert response.json() == body
        assert linked(plan) == []
        assert state(plan) == ("draft", 0, 1)


# --- the services -------------------------------------------------------------------------------


def test_the_service_links_posts_and_refuses_a_stranger_s(
    lead_planner: User, plan: Plan, posts: dict[str, Post]
) -> None:
    services.plan_update(
        plan=plan, by=lead_planner, version=1, data={"posts": [posts["mod"], posts["mfa"]]}
    )
    assert linked(plan) == ["Engineer liaison", "Political adviser"]
    assert state(plan) == ("draft", 0, 2)

    with pytest.raises(ValidationError) as refused:
        services.plan_update(
            plan=plan, by=lead_planner, version=2, data={"posts": [posts["police"]]}
        )

    assert refused.value.message_dict == {"posts": [POLICE_DESK]}
    assert linked(plan) == ["Engineer liaison", "Political adviser"]
    assert state(plan) == ("draft", 0, 2)


def test_an_organisation_whose_post_serves_the_plan_cannot_leave_it(
    lead_planner: User,
    plan: Plan,
    consulted_org: Organisation,
    contributor_org: Organisation,
    posts: dict[str, Post],
) -> None:
    """The MOD leaves no work behind once its activity moves to the lead; only its post."""
    plan.lines_of_effort.get().activities.filter(responsible_organisation=contributor_org).delete()
    services.plan_update(plan=plan, by=lead_planner, version=1, data={"posts": [posts["mod"]]})

    with pytest.raises(ValidationError) as refused:
        services.plan_update(
            plan=plan,
            by=lead_planner,
            version=2,
            data={"participants": [(consulted_org, "consulted")]},
        )

    assert refused.value.message_dict == {
        "participants": [
            "“Engineer liaison” is a post of MOD, which does not take part in this plan."
        ]
    }
    assert sorted(plan.participants.values_list("organisation__slug", flat=True)) == [
        "mfa",
        "mod",
        "ngo",
    ]

    # Unlinking the post in the same change lets the organisation go.
    services.plan_update(
        plan=plan,
        by=lead_planner,
        version=2,
        data={"participants": [(consulted_org, "consulted")], "posts": []},
    )
    assert sorted(plan.participants.values_list("organisation__slug", flat=True)) == [
        "mfa",
        "ngo",
    ]
    assert linked(plan) == []


# --- the pages ----------------------------------------------------------------------------------


def test_the_plan_page_shows_the_posts_serving_it(
    lead_planner: User, contributor_planner: User, plan: Plan, posts: dict[str, Post]
) -> None:
    page = client_as(contributor_planner).get(plan.get_absolute_url()).content.decode()
    assert "Posts serving this plan" not in page

    services.plan_update(
        plan=plan, by=lead_planner, version=1, data={"posts": [posts["mfa"], posts["mod"]]}
    )
    page = client_as(contributor_planner).get(plan.get_absolute_url()).content.decode()

    assert "<dt>Posts serving this plan</dt>" in page
    assert (
        f'<li><a href="/posts/{posts["mod"].pk}/">Engineer liaison</a> '
        "<small>Ministry of Defence</small></li>"
        f'<li><a href="/posts/{posts["mfa"].pk}/">Political adviser</a> '
        "<small>Ministry of Foreign Affairs</small></li>"
    ) in page


def test_the_plan_form_offers_the_participants_posts_and_links_them(
    lead_planner: User,
    plan: Plan,
    contributor_org: Organisation,
    consulted_org: Organisation,
    posts: dict[str, Post],
) -> None:
    client = client_as(lead_planner)
    url = f"/plans/{plan.pk}/edit/"
    form = client.get(url).content.decode()
    assert 'type="checkbox" name="posts"' in form
    assert f'value="{posts["mfa"].pk}"' in form
    assert f'value="{posts["mod"].pk}"' in form
    assert f'value="{posts["police"].pk}"' not in form  # the police take no part
    data = {
        "title": "Northern Valeria integrated plan",
        "theatre": "Valeria",
        "summary": "",
        "phase": "planning",
        "start_date": str(START),
        "end_date": str(END),
        "contributors": [contributor_org.pk],
        "consulted": [consulted_org.pk],
        "version": 1,
    }

    response = client.post(url, {**data, "posts": [posts["mod"].pk]})

    assert (response.status_code, response["Location"]) == (302, plan.get_absolute_url())
    assert linked(plan) == ["Engineer liaison"]
    assert state(plan) == ("draft", 0, 2)

    refused = client.post(url, {**data, "version": 2, "posts": [posts["police"].pk]})

    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "posts": [
            f"Select a valid choice. {posts['police'].pk} is not one of the available choices."
        ]
    }
    assert linked(plan) == ["Engineer liaison"]


def test_a_new_plan_form_has_no_posts_yet(lead_planner: User) -> None:
    form = client_as(lead_planner).get("/plans/new/").content.decode()

    assert 'name="posts"' not in form


# --- the list -----------------------------------------------------------------------------------


def test_the_plan_shows_its_posts_and_the_list_stays_flat_however_many_plans(
    lead_planner: User,
    lead_org: Organisation,
    contributor_org: Organisation,
    posts: dict[str, Post],
) -> None:
    client = api_as(lead_planner)

    def add(count: int) -> list[Plan]:
        return [
            services.plan_create(
                by=lead_planner,
                title=f"Plan {n}",
                theatre="Valeria",
                lead_organisation=lead_org,
                start_date=START,
                end_date=END,
                participants=[(contributor_org, "contributor")],
                posts=[posts["mfa"], posts["mod"]],
            )
            for n in range(count)
        ]

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/plans/")
        assert response.status_code == 200
        assert all("posts" not in row for row in response.json()["results"])
        return len(captured), len(response.json()["results"])

    first = add(2)[0]
    client.get("/api/v1/plans/")  # content types are cached per process after a first look-up
    small, shown = queries()
    assert shown == 2
    add(20)
    large, shown = queries()
    assert shown == 22
    assert small == large
    detail = client.get(f"/api/v1/plans/{first.pk}/").json()
    assert detail["posts"] == [posts["mod"].pk, posts["mfa"].pk]
