"""Publishing a plan's public page: only the lead's approvers, through the API and the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from missions.models import Plan
from publication.models import PlanPublication
from tests.conftest import api_as
from tests.publication.conftest import PUBLIC_SUMMARY, PUBLIC_TITLE, publish

BODY = {"public_title": PUBLIC_TITLE, "public_summary": PUBLIC_SUMMARY, "slug": "valeria"}

# persona: status of PUT (publish) and DELETE (withdraw). Participants see the plan, so a
# refusal is 403; who does not see it gets 404; a superuser sees it but publishes for no one.
MATRIX = {
    "lead_approver": (200, 200),
    "lead_planner": (403, 403),
    "field_advisor": (403, 403),
    "contributor_approver": (403, 403),
    "contributor_planner": (403, 403),
    "outsider": (404, 404),
    "superuser": (403, 403),
    "ended_yesterday": (404, 404),
    "starts_tomorrow": (404, 404),
    "anonymous": (401, 401),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_who_publishes(persona: str, personas: dict[str, User | None], active_plan: Plan) -> None:
    url = f"/api/v1/plans/{active_plan.pk}/publication/"
    response = api_as(personas[persona]).put(url, BODY, format="json")
    assert response.status_code == MATRIX[persona][0], response.content
    if response.status_code == 200:
        publication = PlanPublication.objects.get(plan=active_plan)
        assert response.json() == {
            "plan": active_plan.pk,
            "published": True,
            "slug": "valeria",
            "url": "http://testserver/public/plans/valeria/",
            "public_title": PUBLIC_TITLE,
            "public_summary": PUBLIC_SUMMARY,
            "published_at": response.json()["published_at"],
            "published_by": personas[persona].pk,  # type: ignore[union-attr]
            "version": 1,
        }
        assert response["ETag"] == '"1"'
        assert publication.published_at is not None
    else:
        assert not PlanPublication.objects.exists()


@pytest.mark.parametrize("persona", list(MATRIX))
def test_who_withdraws(
    persona: str, personas: dict[str, User | None], active_plan: Plan, lead_approver: User
) -> None:
    publish(active_plan, lead_approver, slug="valeria")
    response = api_as(personas[persona]).delete(f"/api/v1/plans/{active_plan.pk}/publication/")
    assert response.status_code == MATRIX[persona][1], response.content
    withdrawn = response.status_code == 200
    publication = PlanPublication.objects.get(plan=active_plan)
    assert publication.published is not withdrawn
    assert publication.version == (2 if withdrawn else 1)
    if withdrawn:
        assert response.json()["published"] is False
        assert response.json()["url"] is None
        assert response.json()["slug"] == "valeria"
    assert Client().get("/public/plans/valeria/").status_code == (404 if withdrawn else 200)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lead_planner", 200), ("contributor_planner", 200), ("superuser", 200), ("outsider", 404)],
)
def test_who_reads_the_publication(
    persona: str, status: int, personas: dict[str, User | None], active_plan: Plan
) -> None:
    response = api_as(personas[persona]).get(f"/api/v1/plans/{active_plan.pk}/publication/")
    assert response.status_code == status
    if status == 200:
        assert response.json() == {
            "plan": active_plan.pk,
            "published": False,
            "slug": None,
            "url": None,
            "public_title": "",
            "public_summary": "",
            "published_at": None,
            "published_by": None,
            "version": None,
        }


def test_a_draft_plan_is_not_published(plan: Plan, lead_approver: User) -> None:
    response = api_as(lead_approver).put(f"/api/v1/plans/{plan.pk}/publication/", BODY)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Only an approved, active or closed plan can be published; this plan is draft."
        ]
    }
    assert not PlanPublication.objects.exists()


def test_the_public_words_are_required(active_plan: Plan, lead_approver: User) -> None:
    response = api_as(lead_approver).put(
        f"/api/v1/plans/{active_plan.pk}/publication/",
        {"public_title": " ", "public_summary": "   "},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"public_title", "public_summary"}
    assert not PlanPublication.objects.exists()


def test_changing_the_words_names_the_version_read(active_plan: Plan, lead_approver: User) -> None:
    url = f"/api/v1/plans/{active_plan.pk}/publication/"
    client = api_as(lead_approver)
    assert client.put(url, BODY, format="json").status_code == 200
    missing = client.put(url, {**BODY, "public_summary": "New words."}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"version"}
    changed = client.put(url, {**BODY, "public_summary": "New words.", "version": 1}, format="json")
    assert changed.status_code == 200
    assert changed.json()["public_summary"] == "New words."
    assert changed.json()["version"] == 2
    stale = client.put(url, {**BODY, "public_summary": "Stale words.", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["public_summary"] == "New words."
    assert PlanPublication.objects.get().public_summary == "New words."


def test_withdrawn_and_published_again_keeps_its_address(
    active_plan: Plan, lead_approver: User
) -> None:
    url = f"/api/v1/plans/{active_plan.pk}/publication/"
    client = api_as(lead_approver)
    client.put(url, BODY, format="json")
    assert client.delete(url).status_code == 200
    again = client.delete(url)
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This plan is not published."]}
    body = {"public_title": PUBLIC_TITLE, "public_summary": PUBLIC_SUMMARY, "version": 2}
    republished = client.put(url, body, format="json")
    assert republished.status_code == 200
    assert (republished.json()["slug"], republished.json()["version"]) == ("valeria", 3)
    assert Client().get("/public/plans/valeria/").status_code == 200


def test_an_address_is_one_plans(
    active_plan: Plan,
    lead_approver: User,
    lead_planner: User,
    contributor_approver: User,
    lead_org: Any,
    contributor_org: Any,
    consulted_org: Any,
) -> None:
    from tests.missions.conftest import plan_make
    from tests.publication.conftest import activate

    publish(active_plan, lead_approver, slug="valeria")
    other = plan_make(
        lead_planner=lead_planner,
        lead_org=lead_org,
        contributor_org=contributor_org,
        consulted_org=consulted_org,
    )
    other = activate(
        other,
        lead_planner=lead_planner,
        lead_approver=lead_approver,
        reviewers=[contributor_approver],
    )
    response = api_as(lead_approver).put(
        f"/api/v1/plans/{other.pk}/publication/", BODY, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "slug": ["Another plan's public page has this address: choose another."]
    }
    assert PlanPublication.objects.count() == 1


# --- the page ------------------------------------------------------------------------------------


def test_the_lead_approver_publishes_from_the_page(active_plan: Plan, lead_approver: User) -> None:
    client = Client()
    client.force_login(lead_approver)
    url = f"/public/publish/{active_plan.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"public_title": PUBLIC_TITLE, "public_summary": PUBLIC_SUMMARY, "slug": ""},
        follow=True,
    )
    assert response.redirect_chain == [(f"/plans/{active_plan.pk}/#public-page", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Published: “{PUBLIC_TITLE}” is on its public page for everyone."
    ]
    publication = PlanPublication.objects.get()
    assert (publication.slug, publication.published) == ("valeria-partners-for-peace", True)
    section = client.get(f"/public/publish/{active_plan.pk}/section/").content.decode()
    assert "/public/plans/valeria-partners-for-peace/" in section
    withdrawn = client.post(
        f"/public/publish/{active_plan.pk}/withdraw/", {"version": 1}, follow=True
    )
    assert [str(m) for m in withdrawn.context["messages"]] == [
        "Withdrawn: the public page no longer exists."
    ]
    assert PlanPublication.objects.get().published is False


def test_the_page_form_says_what_is_wrong(active_plan: Plan, lead_approver: User) -> None:
    client = Client()
    client.force_login(lead_approver)
    response = client.post(
        f"/public/publish/{active_plan.pk}/",
        {"public_title": PUBLIC_TITLE, "public_summary": "", "slug": "Not a slug!"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"public_summary", "slug"}
    assert not PlanPublication.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead_planner", 403),
        ("contributor_approver", 403),
        ("superuser", 403),
        ("outsider", 404),
    ],
)
def test_who_may_not_publish_from_the_page(
    persona: str, status: int, personas: dict[str, User | None], active_plan: Plan
) -> None:
    client = Client()
    client.force_login(personas[persona])  # type: ignore[arg-type]
    url = f"/public/publish/{active_plan.pk}/"
    assert client.get(url).status_code == status
    posted = {"public_title": PUBLIC_TITLE, "public_summary": PUBLIC_SUMMARY}
    assert client.post(url, posted).status_code == status
    assert not PlanPublication.objects.exists()
    section = client.get(f"/public/publish/{active_plan.pk}/section/")
    assert section.status_code == (404 if status == 404 else 200)
    if section.status_code == 200:
        assert f"/public/publish/{active_plan.pk}/" not in section.content.decode()


# --- the report ----------------------------------------------------------------------------------


def test_the_public_summary_is_asked_for_of_a_published_plan(
    active_plan: Plan, lead_approver: User, plan_outsider: User
) -> None:
    from reports.kinds_publication import PublicSummaryParams

    refused = PublicSummaryParams(data={"plan": active_plan.pk}, context={"user": plan_outsider})
    assert not refused.is_valid()
    assert refused.errors == {
        "plan": ["This plan has no public page: its lead's approvers publish it first."]
    }
    publish(active_plan, lead_approver, slug="valeria")
    # What it shows is public: anyone signed in may ask for it, in or out of the plan.
    accepted = PublicSummaryParams(data={"plan": active_plan.pk}, context={"user": plan_outsider})
    assert accepted.is_valid()
    assert accepted.validated_data == {"plan": active_plan.pk, "format": "pdf"}
